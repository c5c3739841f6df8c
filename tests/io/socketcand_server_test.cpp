// The socketcand server over real TCP sockets on 127.0.0.1: the handshake
// python-can expects, frames both ways, errors answered and counted, bounded
// clients, and a client leaving mid-message harming no one.
#include "io/socketcand_server.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

namespace stacksim::io {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

class Server : public ::testing::Test {
 protected:
  void SetUp() override { start({}); }

  void start(SocketcandServer::Options o) {
    o.port = 0;
    o.raw_start_delay_ms = 0;
    std::string error;
    server = SocketcandServer::listen(io, o, error);
    ASSERT_NE(server, nullptr) << error;
  }

  tcp::socket connect() {
    tcp::socket s(io);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server->port()));
    return s;
  }

  // Lets the server work until an answer has come and the client's socket
  // has been quiet for 30 ms, and returns it; "" if nothing came within 5 s.
  // Waits on what arrives, not on a fixed time, so a loaded machine (ctest
  // -j, the sanitizers) slows the test down without failing it.
  std::string drain(tcp::socket& s) {
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    auto last = start;
    std::string out;
    for (;;) {
      const std::string more = drain_for(s, std::chrono::milliseconds(5));
      const auto now = clock::now();
      if (!more.empty()) last = now;
      out += more;
      if (!out.empty() && now - last >= std::chrono::milliseconds(30)) return out;
      if (out.empty() && now - start >= std::chrono::seconds(5)) return out;
    }
  }

  // What the client has received after the server has worked for `wait`.
  std::string drain_for(tcp::socket& s, std::chrono::milliseconds wait) {
    io.run_for(wait);
    std::string out;
    while (s.available() > 0) {
      char buf[4096];
      out.append(buf, s.read_some(asio::buffer(buf)));
    }
    return out;
  }

  // Lets the server work until `done` holds (at most 5 s).
  template <typename Done>
  void work_until(Done done) {
    for (int k = 0; k < 1000 && !done(); ++k) io.run_for(std::chrono::milliseconds(5));
  }

  void say(tcp::socket& s, const std::string& text) { asio::write(s, asio::buffer(text)); }

  // A client through the handshake, in raw mode.
  tcp::socket raw_client() {
    tcp::socket s = connect();
    EXPECT_EQ(drain(s), "< hi >");
    say(s, "< open can0 >");
    EXPECT_EQ(drain(s), "< ok >");
    say(s, "< rawmode >");
    EXPECT_EQ(drain(s), "< ok >");
    return s;
  }

  asio::io_context io;
  std::unique_ptr<SocketcandServer> server;
};

TEST_F(Server, FramesGoBothWaysAfterTheHandshake) {
  tcp::socket c = raw_client();
  bus::CanFrame f;
  f.id = 0x351;
  f.dlc = 2;
  f.data = {0x2D, 0x02};
  server->broadcast(f, 2'500'000'000);
  EXPECT_EQ(drain(c), " < frame 351 2.500000 2D02 >");
  say(c, "< send 305 2 aa 5 >");
  work_until([&] { return server->stats().frames_in == 1; });
  const auto in = server->take_received();
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(in[0].id, 0x305u);
  EXPECT_EQ(in[0].data[0], 0xAA);
  EXPECT_EQ(in[0].data[1], 0x05);
  EXPECT_EQ(server->stats().frames_in, 1u);
  EXPECT_EQ(server->stats().frames_out, 1u);
}

TEST_F(Server, NoFramesBeforeRawModeAndErrorsAreAnsweredAndCounted) {
  tcp::socket c = connect();
  EXPECT_EQ(drain(c), "< hi >");
  say(c, "< send 305 0 >");  // not open yet
  EXPECT_EQ(drain(c).rfind("< error ", 0), 0u);
  say(c, "< open can7 >");  // no such bus
  EXPECT_NE(drain(c).find("no bus can7"), std::string::npos);
  say(c, "< open can0 >");
  EXPECT_EQ(drain(c), "< ok >");
  bus::CanFrame f;
  server->broadcast(f, 0);  // not in raw mode: not sent
  EXPECT_EQ(drain_for(c, std::chrono::milliseconds(50)), "");
  say(c, "garbage< send 305 9 >< bcmmode >");
  const std::string answer = drain(c);
  EXPECT_NE(answer.find("length must be 0 to 8"), std::string::npos) << answer;
  EXPECT_NE(answer.find("not supported"), std::string::npos) << answer;
  const auto st = server->stats();
  EXPECT_EQ(st.malformed, 4u);
  EXPECT_EQ(st.skipped_bytes, 7u);
  EXPECT_TRUE(server->take_received().empty());
}

TEST_F(Server, ExtraClientsAreRefusedAndALeavingClientHarmsNoOne) {
  start({.max_clients = 2});
  tcp::socket a = raw_client();
  tcp::socket b = raw_client();
  tcp::socket extra = connect();
  EXPECT_EQ(drain(extra), "< error too many clients >");
  EXPECT_EQ(server->stats().clients_refused, 1u);
  say(b, "< send 30");  // b leaves mid-message
  b.close();
  work_until([&] { return server->clients() == 1; });
  say(a, "< send 305 1 7 >");
  work_until([&] { return server->stats().frames_in == 1; });
  const auto in = server->take_received();
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(in[0].data[0], 7);
  bus::CanFrame f;
  server->broadcast(f, 0);
  EXPECT_EQ(drain(a), " < frame 000 0.000000  >");
  EXPECT_EQ(server->clients(), 1u);
  // The place b left is free again.
  tcp::socket c = raw_client();
  EXPECT_EQ(server->clients(), 2u);
}

TEST_F(Server, AClientThatDoesNotReadLosesFramesAloneAndCounted) {
  start({.max_queued_bytes = 64 * 1024});
  tcp::socket slow = raw_client();
  tcp::socket fast = raw_client();
  bus::CanFrame f;
  f.dlc = 8;
  std::size_t fast_bytes = 0;
  const std::size_t one = std::string(" < frame 000 0.000000 0000000000000000 >").size();
  // 16 MB for each client, more than the kernel's socket buffers and the
  // 64 kB queue hold for one that never reads; rounds of 40 kB stay inside
  // the queue of the one that does.
  constexpr int kRounds = 400, kPerRound = 1000;
  // The fast client reads each round whole before the next is sent (at most
  // 5 s), however slowly this machine runs the server.
  for (int round = 0; round < kRounds; ++round) {
    for (int k = 0; k < kPerRound; ++k) server->broadcast(f, k);
    const std::size_t want = std::size_t{round + 1U} * kPerRound * one;
    for (int k = 0; k < 5000 && fast_bytes < want; ++k) {
      fast_bytes += drain_for(fast, std::chrono::milliseconds(1)).size();
    }
  }
  fast_bytes += drain_for(fast, std::chrono::milliseconds(50)).size();
  const auto st = server->stats();
  EXPECT_GT(st.frames_dropped, 0u);
  EXPECT_EQ(fast_bytes, std::size_t{kRounds} * kPerRound * one) << "dropped " << st.frames_dropped;
  EXPECT_EQ(st.frames_out + st.frames_dropped, 2u * kRounds * kPerRound);
}

TEST_F(Server, FramesBeyondTheWaitingLimitAreRefusedAndCounted) {
  tcp::socket c = raw_client();
  // Nobody takes the frames (no step runs): the limit plus ten, then the
  // ones taken leave room again.
  const std::size_t sent = SocketcandServer::kMaxReceivedFrames + 10;
  // In pieces the server reads as they come, as a client's driver would
  // send them (one blocking write of it all could outgrow the socket buffers).
  for (std::size_t k = 0; k < sent;) {
    std::string piece;
    const std::size_t end = std::min(sent, k + 1024);
    for (; k < end; ++k) {
      char message[32];
      std::snprintf(message, sizeof message, "< send 305 1 %02zX >", k % 256);
      piece += message;
    }
    say(c, piece);
    work_until([&] { return server->stats().frames_in + server->stats().frames_refused == end; });
  }
  EXPECT_EQ(server->stats().frames_in, SocketcandServer::kMaxReceivedFrames);
  EXPECT_EQ(server->stats().frames_refused, 10u);
  const auto in = server->take_received();
  ASSERT_EQ(in.size(), SocketcandServer::kMaxReceivedFrames);
  EXPECT_EQ(in.back().data[0], (SocketcandServer::kMaxReceivedFrames - 1) % 256);  // the first ones, in order
  say(c, "< send 305 1 7 >");
  work_until([&] { return server->stats().frames_in == SocketcandServer::kMaxReceivedFrames + 1; });
  EXPECT_EQ(server->take_received().size(), 1u);
}

}  // namespace
}  // namespace stacksim::io
