// Ten socketcand clients in raw mode at once (a bench with several tools on
// one bus), each sending frames in TCP pieces that cut messages, each
// receiving one second of a full 1 Mbit/s bus, while an eleventh client sends
// nothing but garbage, oversized, truncated and malformed messages. Nothing
// a reading client is owed may be lost, every bad message must be counted
// and answered as socketcand does, and the garbage must not reach the others.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "io/socketcand_codec.hpp"
#include "io/socketcand_server.hpp"
#include "socketcand_client.hpp"

namespace stacksim::io {
namespace {

using testing::SocketcandClient;

constexpr std::size_t kClients = 10;
// One second of a 1 Mbit/s bus at its fastest: 8-byte standard frames of
// 111 bits (108 without stuff bits, 3 of intermission), 9009 a second
// (tests/serve/can_flood_test.cpp derives it).
constexpr int kBusFrames = 9009;
constexpr std::int64_t kFrameNs = 111'000;
constexpr int kRounds = 9;
constexpr int kSendsPerClient = 90;

bus::CanFrame bus_frame(int k) {
  bus::CanFrame f;
  f.id = static_cast<std::uint32_t>(k % 0x800);
  f.dlc = 8;
  for (std::size_t b = 0; b < 8; ++b) f.data[b] = static_cast<std::uint8_t>(k >> (b % 3 * 8));
  return f;
}

// What every raw client must read for bus frames [from, to): the server's
// separator and the frame.
std::string frames_text(int from, int to) {
  std::string out;
  for (int k = from; k < to; ++k) {
    out += ' ';
    append_socketcand_frame(out, bus_frame(k), k * kFrameNs);
  }
  return out;
}

// Client c's frames: identifier 0x100 + c, its sequence number in two bytes.
std::string sends_text(int c) {
  std::string out;
  char msg[48];
  for (int seq = 0; seq < kSendsPerClient; ++seq) {
    std::snprintf(msg, sizeof msg, "< send %03X 2 %02X %02X >", 0x100 + c, seq >> 8, seq & 0xFF);
    out += msg;
  }
  return out;
}

// One round of the hostile client, before it has opened a bus. `answers` is
// what socketcand owes it; counts per round below.
const std::string kHostile = std::string("garbage\x00\xff", 9) +  // 9 bytes outside any message
                             "< send 305 1 07 >" +                 // before open: refused
                             "<" + std::string(5000, 'x') + ">" +  // oversized: dropped whole, no answer
                             "< send 1FFFFFFFF 0 >"                // 9 identifier digits
                             "< send 305 9 >"                      // DLC 9
                             "< send 305 2 01 >"                   // fewer bytes than the length says
                             "< send 305 1 zz >"                   // not hex
                             "< bcmmode >"                         // another mode
                             "< >"                                 // empty
                             "< send 305 1 0"                      // cut by the next '<': 1 byte skipped
                             "< echo >";
const std::string kHostileAnswers =
    "< error open a bus first >"
    "< error send: bad identifier >"
    "< error send: length must be 0 to 8 >"
    "< error send: the length does not match the data bytes >"
    "< error send: bad data byte >"
    "< error 'bcmmode' is not supported (raw mode only) >"
    "< error empty message >"
    "< echo >";
constexpr std::uint64_t kHostileMalformed = 7, kHostileOversized = 1, kHostileSkipped = 10;

TEST(SocketcandCrowd, TenRawClientsGetEveryFrameAndTheirSendsArriveWhileAnotherSendsGarbage) {
  boost::asio::io_context io;
  SocketcandServer::Options o;
  o.port = 0;
  o.raw_start_delay_ms = 0;
  std::string error;
  const auto server = SocketcandServer::listen(io, o, error);
  ASSERT_NE(server, nullptr) << error;

  std::vector<std::unique_ptr<SocketcandClient>> clients;
  for (std::size_t c = 0; c < kClients; ++c) {
    clients.push_back(std::make_unique<SocketcandClient>(io, server->port()));
    ASSERT_TRUE(clients.back()->enter_raw_mode()) << "client " << c;
  }
  SocketcandClient hostile(io, server->port());
  ASSERT_EQ(hostile.answer("< hi >"), "< hi >");

  std::vector<std::string> sends;
  for (std::size_t c = 0; c < kClients; ++c) sends.push_back(sends_text(static_cast<int>(c)));
  std::vector<std::size_t> sent(kClients, 0);
  for (int round = 0; round < kRounds; ++round) {
    // Each client's piece ends at another place, mostly inside a message.
    for (std::size_t c = 0; c < kClients; ++c) {
      const std::string_view all = sends[c];
      std::size_t end = all.size() * static_cast<std::size_t>(round + 1) / kRounds;
      if (round + 1 < kRounds) end -= 7 * c + 3;
      clients[c]->say(all.substr(sent[c], end - sent[c]));
      sent[c] = end;
    }
    hostile.say(kHostile);
    const int from = round * kBusFrames / kRounds, to = (round + 1) * kBusFrames / kRounds;
    for (int k = from; k < to; ++k) server->broadcast(bus_frame(k), k * kFrameNs);
    const std::string expected = frames_text(from, to);
    for (std::size_t c = 0; c < kClients; ++c) {
      ASSERT_EQ(clients[c]->take(expected.size()), expected) << "client " << c << ", round " << round;
    }
    ASSERT_EQ(hostile.answer(kHostileAnswers), kHostileAnswers) << "round " << round;
  }
  for (auto& c : clients) EXPECT_EQ(c->rest(), "") << "nothing but the bus's frames";
  EXPECT_EQ(hostile.rest(), "") << "no frames before raw mode";

  // Every frame every client sent, whole, in its order.
  std::map<std::uint32_t, std::vector<int>> by_client;
  for (const bus::CanFrame& f : server->take_received()) {
    ASSERT_EQ(f.dlc, 2);
    by_client[f.id].push_back(f.data[0] << 8 | f.data[1]);
  }
  ASSERT_EQ(by_client.size(), kClients);
  for (std::size_t c = 0; c < kClients; ++c) {
    const std::vector<int>& seqs = by_client[static_cast<std::uint32_t>(0x100 + c)];
    ASSERT_EQ(seqs.size(), std::size_t{kSendsPerClient}) << "client " << c;
    EXPECT_TRUE(std::is_sorted(seqs.begin(), seqs.end())) << "client " << c;
    EXPECT_EQ(seqs.back(), kSendsPerClient - 1);
  }

  const SocketcandServer::Stats st = server->stats();
  EXPECT_EQ(st.clients_accepted, kClients + 1);
  EXPECT_EQ(st.frames_in, kClients * std::size_t{kSendsPerClient});
  EXPECT_EQ(st.frames_out, kClients * std::size_t{kBusFrames});
  EXPECT_EQ(st.frames_dropped, 0u);
  EXPECT_EQ(st.malformed, kRounds * kHostileMalformed);
  EXPECT_EQ(st.oversized, kRounds * kHostileOversized);
  EXPECT_EQ(st.skipped_bytes, kRounds * kHostileSkipped);

  // The hostile client leaves in the middle of a message: counted nowhere,
  // and the others go on.
  hostile.say("< send 30");
  hostile.close();
  const auto limit = std::chrono::steady_clock::now() + SocketcandClient::kLimit;
  while (server->clients() > kClients && std::chrono::steady_clock::now() < limit) {
    io.run_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(server->clients(), kClients);
  server->broadcast(bus_frame(1), kFrameNs);
  for (auto& c : clients) EXPECT_EQ(c->take(frames_text(1, 2).size()), frames_text(1, 2));
  EXPECT_EQ(server->stats().malformed, kRounds * kHostileMalformed);
}

}  // namespace
}  // namespace stacksim::io
