// A flood at the full rate of a 1 Mbit/s CAN bus into each CAN endpoint of
// stacksim serve (socketcand over TCP, SLCAN over a pseudo-terminal), through
// the gateway onto a simulated bus, with a bad message after every 100th
// frame: every frame the endpoint accepts reaches the bus, in order, every
// bad one is answered and counted, and the battery's own frames still reach
// the host during the flood.
//
// The rate, from ISO 11898-1 rather than from the bus model: a standard data
// frame with 8 bytes is SOF 1 + identifier 11 + RTR 1 + IDE 1 + r0 1 + DLC 4 +
// data 64 + CRC 15 + CRC delimiter 1 + ACK slot and delimiter 2 + EOF 7 = 108
// bits, and the next may start after 3 bits of intermission: 111 bits. Stuff
// bits (one after five equal bits, over the 98 bits from SOF to the end of
// the CRC) add at most 1 + (98 - 5) / 4 = 24: 135 bits. A 1 Mbit/s bus thus
// carries 7,407 to 9,009 such frames a second. The flood sends 9,009, one per
// 111 us of simulated time, faster than any content lets the bus carry them:
// what the bus cannot take at once waits in the gateway's backlog, whose
// bound (CanGateway::kBacklog) a flood within the bus's rate must not reach.
//
// Deterministic, whatever the machine's speed: the frames sent during a
// step are handed to the gateway at the next step's start (Arrivals waits
// for the endpoint to have read them all), and only counts are asserted.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "../io/pty_host.hpp"
#include "../io/socketcand_client.hpp"
#include "bus/can_bits.hpp"
#include "bus/can_bus.hpp"
#include "serve/can_gateway.hpp"
#include "serve/endpoints.hpp"
#include "sim/run.hpp"

namespace stacksim::serve {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using io::testing::occurrences;

constexpr std::int64_t kStepNs = 10'000'000;
constexpr std::int64_t kSecondNs = 1'000'000'000;
constexpr std::int64_t kFrameNs = 111'000;  // 111 bits at 1 Mbit/s
constexpr int kFrames = 9009;               // one second of them
constexpr int kBadEvery = 100;
constexpr int kBad = kFrames / kBadEvery;
constexpr std::int64_t kBatteryPeriodNs = 100'000'000;  // its 0x351, as a Pylon LV pack sends it

// Frame k of the flood: identifiers above the battery's (so its frames win
// arbitration during the flood, as they would on a real bus), and k in the
// data, to check the order.
bus::CanFrame flood_frame(int k) {
  bus::CanFrame f;
  f.id = 0x400u + static_cast<std::uint32_t>(k % 0x400);
  f.dlc = 8;
  for (std::size_t b = 0; b < 4; ++b) {
    f.data[b] = static_cast<std::uint8_t>(k >> (8 * b));
    f.data[b + 4] = static_cast<std::uint8_t>(~k >> (8 * b));
  }
  return f;
}
int flood_index(const bus::CanFrame& f) { return f.data[0] | f.data[1] << 8 | f.data[2] << 16 | f.data[3] << 24; }

// Hands the gateway, at each step, exactly the frames the host has sent by
// then: it runs the io_context until the real endpoint has read them all.
class Arrivals : public CanEndpoint {
 public:
  Arrivals(asio::io_context& io, std::unique_ptr<CanEndpoint> inner) : io_(io), inner_(std::move(inner)) {}
  void expect(std::uint64_t total) { expected_ = total; }

  std::vector<bus::CanFrame> take_received() override {
    std::vector<bus::CanFrame> out;
    const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      io_.poll();
      for (const bus::CanFrame& f : inner_->take_received()) out.push_back(f);
      if (taken_ + out.size() >= expected_ || std::chrono::steady_clock::now() > limit) break;
      io_.run_one_for(std::chrono::milliseconds(1));
    }
    taken_ += out.size();
    return out;
  }
  void deliver(const bus::CanFrame& frame, std::int64_t end_ns) override { inner_->deliver(frame, end_ns); }
  void report(sim::ExternalBusReport& r) const override { inner_->report(r); }
  void attached(const bus::CanBus& bus, std::size_t node) override { inner_->attached(bus, node); }

 private:
  asio::io_context& io_;
  std::unique_ptr<CanEndpoint> inner_;
  std::uint64_t expected_ = 0, taken_ = 0;
};

// What a host reads from its endpoint.
struct Answers {
  std::string ack;      // to an accepted frame ("" if none)
  std::string error;    // to a bad message
  std::string battery;  // how the battery's 0x351 starts
};

// A host program on one endpoint: the text of a frame it sends, of a bad
// message, and what the endpoint answers.
class Host {
 public:
  virtual ~Host() = default;
  virtual std::string frame_text(const bus::CanFrame& f) const = 0;
  virtual std::string bad_text() const = 0;
  virtual void say(const std::string& text) = 0;
  // Everything the host reads until `done` holds for it.
  virtual std::string read_until(const std::function<bool(std::string_view)>& done) = 0;
  Answers answers;
};

class SocketcandHost : public Host {
 public:
  SocketcandHost(asio::io_context& io, std::uint16_t port) : client_(io, port) {
    answers = {"", "< error ", "< frame 351 "};
  }
  bool start(asio::io_context& io) {
    if (!client_.enter_raw_mode()) return false;
    // Frames start 20 ms after the rawmode "< ok >" (python-can's sake).
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(40);
    while (std::chrono::steady_clock::now() < until) io.run_for(std::chrono::milliseconds(1));
    return true;
  }
  std::string frame_text(const bus::CanFrame& f) const override {
    char text[64];
    int n = std::snprintf(text, sizeof text, "< send %03X %d", static_cast<unsigned>(f.id), f.dlc);
    for (int b = 0; b < f.dlc; ++b) n += std::snprintf(text + n, sizeof text - static_cast<std::size_t>(n), " %02X", f.data[static_cast<std::size_t>(b)]);
    return std::string(text, static_cast<std::size_t>(n)) + " >";
  }
  std::string bad_text() const override { return "< send 4FF 9 >"; }
  void say(const std::string& text) override { client_.say(text); }
  std::string read_until(const std::function<bool(std::string_view)>& done) override {
    std::string all;
    const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done(all) && std::chrono::steady_clock::now() < limit) all += client_.rest(std::chrono::milliseconds(1));
    return all;
  }

 private:
  io::testing::SocketcandClient client_;
};

class SlcanHost : public Host {
 public:
  SlcanHost(asio::io_context& io, const std::string& link) : pty_(io, link) { answers = {"z\r", "\a", "t351"}; }
  bool start() { return pty_.is_open() && pty_.say("O\r") && pty_.take(1) == "\r"; }
  std::string frame_text(const bus::CanFrame& f) const override {
    char text[32];
    int n = std::snprintf(text, sizeof text, "t%03X%d", static_cast<unsigned>(f.id), f.dlc);
    for (int b = 0; b < f.dlc; ++b) n += std::snprintf(text + n, sizeof text - static_cast<std::size_t>(n), "%02X", f.data[static_cast<std::size_t>(b)]);
    return std::string(text, static_cast<std::size_t>(n)) + "\r";
  }
  std::string bad_text() const override { return "t4X180011223344556677\r"; }
  void say(const std::string& text) override { ASSERT_TRUE(pty_.say(text)); }
  std::string read_until(const std::function<bool(std::string_view)>& done) override { return pty_.take_until(done); }

 private:
  io::testing::PtyHost pty_;
};

struct FloodResult {
  std::vector<int> heard;  // flood frames the battery received, by index
  int battery_sent = 0;
  std::string host_read;   // everything the host read from the first frame on
  Answers answers;
  sim::ExternalBusReport report;
};

// Floods a bus of `bitrate_bps` through the gateway of `endpoint` from `host`
// for one second, then runs two more for the backlog to drain.
FloodResult flood(asio::io_context& io, std::unique_ptr<CanEndpoint> endpoint, std::uint32_t bitrate_bps, Host& host) {
  FloodResult r;
  r.answers = host.answers;
  auto owned = std::make_unique<Arrivals>(io, std::move(endpoint));
  Arrivals& arrivals = *owned;
  CanGateway gateway("pcs", "(test)", std::move(owned));
  bus::CanBus bus("pcs", bitrate_bps);
  gateway.attach_bus(bus);
  const std::size_t battery = bus.attach("battery", [&](const bus::CanFrame& f, std::int64_t) {
    r.heard.push_back(flood_index(f));
  });
  bus::CanFrame frame351;
  frame351.id = 0x351;
  frame351.dlc = 8;
  int next = 0, accepted = 0;
  for (std::int64_t t = 0; t < 3 * kSecondNs; t += kStepNs) {
    // What the host wrote during the last step enters at this one's start.
    std::string text;
    while (next < kFrames && next * kFrameNs < t) {
      text += host.frame_text(flood_frame(next));
      ++accepted;
      if (++next % kBadEvery == 0) text += host.bad_text();
    }
    if (!text.empty()) host.say(text);
    arrivals.expect(static_cast<std::uint64_t>(accepted));
    gateway.before_step(t, kStepNs);
    if (t % kBatteryPeriodNs == 0) {
      EXPECT_EQ(bus.send(battery, frame351, t), bus::CanBus::SendResult::kQueued);
      ++r.battery_sent;
    }
    bus.advance(t + kStepNs);
  }
  // The host reads until it has every answer and every battery frame.
  const Answers& a = r.answers;
  const std::size_t acks = a.ack.empty() ? 0 : static_cast<std::size_t>(kFrames);
  r.host_read = host.read_until([&](std::string_view in) {
    return occurrences(in, a.error) >= static_cast<std::size_t>(kBad) &&
           occurrences(in, a.battery) >= static_cast<std::size_t>(r.battery_sent) &&
           (acks == 0 || occurrences(in, a.ack) >= acks);
  });
  sim::RunSummary summary;
  gateway.finish(summary);
  r.report = summary.serve->buses.at(0);
  return r;
}

void expect_whole_and_in_order(const FloodResult& r) {
  ASSERT_EQ(r.heard.size(), static_cast<std::size_t>(kFrames));
  for (int k = 0; k < kFrames; ++k) ASSERT_EQ(r.heard[static_cast<std::size_t>(k)], k);
  EXPECT_EQ(r.report.frames_in, static_cast<std::uint64_t>(kFrames));
  EXPECT_EQ(r.report.frames_refused, 0u) << "the backlog's bound was reached below the bus's rate";
  EXPECT_EQ(r.report.malformed, static_cast<std::uint64_t>(kBad));
  EXPECT_EQ(r.report.frames_dropped, 0u);
  EXPECT_EQ(occurrences(r.host_read, r.answers.error), static_cast<std::size_t>(kBad));
  if (!r.answers.ack.empty()) {
    EXPECT_EQ(occurrences(r.host_read, r.answers.ack), static_cast<std::size_t>(kFrames));
  }
  EXPECT_GE(r.battery_sent, 10);
  EXPECT_EQ(occurrences(r.host_read, r.answers.battery), static_cast<std::size_t>(r.battery_sent));
  EXPECT_EQ(r.report.frames_out, static_cast<std::uint64_t>(r.battery_sent));
}

TEST(CanFlood, TheRateIsTheOneIsoGivesAndTheBusModelAgrees) {
  const bus::CanFrame f = flood_frame(0);
  EXPECT_EQ(bus::can_frame_bits_unstuffed(f), 111);
  EXPECT_EQ(kSecondNs / kFrameNs, kFrames);
  EXPECT_LE(bus::can_frame_bits(f), 135);
}

// A socketcand server on a free port (open_socketcand says which on
// stderr) and a client in raw mode on it, flooding.
FloodResult socketcand_flood(std::uint32_t bitrate_bps) {
  asio::io_context io;
  ::testing::internal::CaptureStderr();
  std::string error;
  auto endpoint = open_socketcand(io, bus::TransportSpec{"socketcand", "127.0.0.1:0"}, error);
  const std::string said = ::testing::internal::GetCapturedStderr();
  if (!endpoint) {
    ADD_FAILURE() << error;
    return {};
  }
  const auto at = said.find("127.0.0.1:");
  SocketcandHost host(io, at == std::string::npos ? 0 : static_cast<std::uint16_t>(std::stoul(said.substr(at + 10))));
  EXPECT_TRUE(host.start(io));
  return flood(io, std::move(endpoint), bitrate_bps, host);
}

TEST(CanFlood, SocketcandAtOneMbitPerSecondEntersWhole) {
  const FloodResult r = socketcand_flood(1'000'000);
  expect_whole_and_in_order(r);
  EXPECT_EQ(r.report.clients, 1u);
}

TEST(CanFlood, SlcanAtOneMbitPerSecondEntersWhole) {
  const fs::path dir = fs::temp_directory_path() / ("can-flood-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string link = (dir / "slcan0").string();
  {
    asio::io_context io;
    std::string error;
    auto endpoint = open_slcan(io, bus::TransportSpec{"slcan", link}, error);
    ASSERT_NE(endpoint, nullptr) << error;
    SlcanHost host(io, link);
    ASSERT_TRUE(host.start());
    expect_whole_and_in_order(flood(io, std::move(endpoint), 1'000'000, host));
  }
  fs::remove_all(dir);
}

// The PCS bus runs at 500 kbit/s: a whole second of a 1 Mbit/s flood is
// about twice what it carries. The backlog fills, what comes beyond its bound
// is refused and counted, and what was taken reaches the bus in order.
TEST(CanFlood, TwiceWhatTheBusCarriesIsRefusedBeyondTheBacklogAndCounted) {
  const FloodResult r = socketcand_flood(500'000);
  EXPECT_GT(r.report.frames_refused, 0u);
  EXPECT_EQ(r.report.frames_in + r.report.frames_refused, static_cast<std::uint64_t>(kFrames));
  EXPECT_EQ(r.heard.size(), r.report.frames_in);
  EXPECT_TRUE(std::is_sorted(r.heard.begin(), r.heard.end()));
  EXPECT_EQ(r.report.malformed, static_cast<std::uint64_t>(kBad));
  EXPECT_EQ(occurrences(r.host_read, r.answers.battery), static_cast<std::size_t>(r.battery_sent));
}

}  // namespace
}  // namespace stacksim::serve
