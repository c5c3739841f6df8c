// The gateway between a simulated RS485 line and an outside endpoint
// (serve/rs485_gateway.hpp), on a real Rs485Line with a scripted endpoint and
// a scripted wall clock.
#include "serve/rs485_gateway.hpp"

#include <vector>

#include <gtest/gtest.h>

#include "sim/run.hpp"

namespace stacksim::serve {
namespace {

using Bytes = std::vector<std::uint8_t>;
constexpr std::int64_t kMs = 1'000'000;

struct Script {
  std::vector<Rs485Endpoint::Chunk> incoming;
  std::vector<Bytes> delivered;
  std::int64_t wall_ns = 0;
};

class ScriptedEndpoint : public Rs485Endpoint {
 public:
  explicit ScriptedEndpoint(Script& s) : s_(s) {}
  std::vector<Chunk> take_received() override { return std::exchange(s_.incoming, {}); }
  void deliver(const std::uint8_t* data, std::size_t len) override { s_.delivered.emplace_back(data, data + len); }
  void report(sim::ExternalBusReport& r) const override { r.frames_out = s_.delivered.size(); }

 private:
  Script& s_;
};

struct Received {
  Bytes data;
  std::int64_t end_ns;
};

class Rs485GatewayTest : public ::testing::Test {
 protected:
  Rs485GatewayTest()
      : line_("string1/internal", 115200),
        gateway_("string1/internal", "pty:/tmp/x", std::make_unique<ScriptedEndpoint>(script_),
                 [this] { return script_.wall_ns; }) {
    module_ = line_.attach("module1", [this](const std::uint8_t* d, std::size_t n, bool, std::int64_t end_ns) {
      received_.push_back({Bytes(d, d + n), end_ns});
    });
    gateway_.attach_line(line_);
  }

  Script script_;
  bus::Rs485Line line_;
  Rs485Gateway gateway_;
  std::size_t module_ = 0;
  std::vector<Received> received_;
};

TEST_F(Rs485GatewayTest, AWholeFrameFromOutsideEntersTheLineAtTheNextStepAfterTheGap) {
  const Bytes poll = {0x7E, 0x01, 0x01, 0x00, 0x91, 0x80};
  // Read in two pieces 0.2 ms apart (a USB adapter's packets).
  script_.incoming.push_back({100 * kMs, Bytes(poll.begin(), poll.begin() + 2)});
  script_.incoming.push_back({100 * kMs + 200'000, Bytes(poll.begin() + 2, poll.end())});
  script_.wall_ns = 101 * kMs;  // only 0.8 ms of quiet: not whole yet
  gateway_.before_step(0, 10 * kMs);
  line_.advance(10 * kMs);
  EXPECT_TRUE(received_.empty());
  script_.wall_ns = 111 * kMs;
  gateway_.before_step(10 * kMs, 10 * kMs);
  line_.advance(20 * kMs);
  ASSERT_EQ(received_.size(), 1u);
  EXPECT_EQ(received_[0].data, poll);
  // It starts at the step's start and takes 6 bytes x 10 bits at 115200 baud.
  EXPECT_EQ(received_[0].end_ns, 10 * kMs + line_.burst_ns(6));
  EXPECT_EQ(gateway_.bursts_in(), 1u);
}

TEST_F(Rs485GatewayTest, BurstsOfTheSimulatedBoardsGoOutWhole) {
  const Bytes report = {0x7E, 0xF0, 0x81, 0x01, 0x00, 0x12, 0x34};
  line_.write(module_, report.data(), report.size(), 0);
  line_.advance(10 * kMs);
  ASSERT_EQ(script_.delivered.size(), 1u);
  EXPECT_EQ(script_.delivered[0], report);
  EXPECT_EQ(gateway_.bursts_out(), 1u);
  sim::RunSummary summary;
  gateway_.finish(summary);
  ASSERT_TRUE(summary.serve.has_value());
  ASSERT_EQ(summary.serve->buses.size(), 1u);
  EXPECT_EQ(summary.serve->buses[0].bus, "string1/internal");
  EXPECT_EQ(summary.serve->buses[0].frames_out, 1u);
}

TEST_F(Rs485GatewayTest, SeveralWaitingBurstsGoBackToBackAndABacklogBeyondOneSecondIsRefused) {
  const Bytes frame(100, 0x55);  // 8.68 ms of line time each
  for (int i = 0; i < 200; ++i) script_.incoming.push_back({i * 5 * kMs, frame});
  script_.wall_ns = 2000 * kMs;
  gateway_.before_step(0, 10 * kMs);
  line_.advance(5000 * kMs);
  // 1 s of line time holds 116 of them (the 116th starts before 1 s).
  const std::int64_t each = line_.burst_ns(100);
  const auto fitting = static_cast<std::size_t>((1'000'000'000 + each - 1) / each);
  ASSERT_EQ(received_.size(), fitting);
  for (std::size_t i = 0; i < received_.size(); ++i) {
    EXPECT_EQ(received_[i].end_ns, static_cast<std::int64_t>(i + 1) * each) << i;
  }
  sim::RunSummary summary;
  gateway_.finish(summary);
  EXPECT_EQ(summary.serve->buses[0].frames_in, fitting);
  EXPECT_EQ(summary.serve->buses[0].frames_refused, 200 - fitting);
}

}  // namespace
}  // namespace stacksim::serve
