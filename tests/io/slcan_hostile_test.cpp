// Hostile bytes on the SLCAN pseudo-terminal, through the link as a host
// opens it: lines too long, bad hex, a wrong length, lines without their
// '\r', binary garbage, and hosts that leave in the middle of a line. Every
// line is answered (BEL for each bad one) and counted; what a host left
// unfinished never reaches the next one or the bus; the adapter keeps serving.
#include <unistd.h>

#include <filesystem>
#include <iterator>
#include <memory>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "io/slcan_pty.hpp"
#include "pty_host.hpp"

namespace stacksim::io {
namespace {

namespace fs = std::filesystem;
using testing::PtyHost;

class SlcanHostile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("slcan-hostile-test-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    SlcanPty::Options o;
    o.link_path = (dir / "slcan0").string();
    o.hangup_poll_ms = 2;
    std::string error;
    pty = SlcanPty::open(io, o, error);
    ASSERT_NE(pty, nullptr) << error;
  }
  void TearDown() override {
    pty.reset();
    fs::remove_all(dir);
  }

  // A host on the link, the adapter opened.
  std::unique_ptr<PtyHost> open_host() {
    auto host = std::make_unique<PtyHost>(io, pty->link_path());
    EXPECT_TRUE(host->is_open()) << host->error();
    EXPECT_TRUE(host->say("O\r"));
    EXPECT_EQ(host->take(1), "\r");
    return host;
  }

  // Runs the adapter until it has seen the host go (the master reads EIO).
  void wait_for_hangup() {
    const auto limit = std::chrono::steady_clock::now() + PtyHost::kLimit;
    while (pty->channel().mode() != SlcanChannel::Mode::kClosed && std::chrono::steady_clock::now() < limit) {
      io.run_one_for(std::chrono::milliseconds(1));
    }
    ASSERT_EQ(pty->channel().mode(), SlcanChannel::Mode::kClosed);
  }

  fs::path dir;
  boost::asio::io_context io;
  std::unique_ptr<SlcanPty> pty;
};

TEST_F(SlcanHostile, EveryBadLineIsAnsweredBelAndCountedAndTheGoodOnesStillPass) {
  auto host = open_host();
  const std::string lines[] = {
      std::string(65, 't'),                // one over the 64-character limit: dropped unread
      "t305" + std::string(100000, '1'),  // far over: dropped, not buffered
      "t12G0",                             // not hex
      "t1239001122334455667788",           // DLC 9: the protocol has 0 to 8
      "t1232AABBCC",                       // more data than the DLC
      "t1238AA",                           // less
      "T2000000000",                       // identifier above 0x1FFFFFFF
      "t8000",                             // identifier above 0x7FF
      "r123",                              // no DLC
      "S9",                                // no such bit rate
      "Q",                                 // no such command
      "O0",                                // arguments where none are taken
  };
  std::string said;
  for (const std::string& line : lines) said += line + "\r";
  ASSERT_TRUE(host->say(said));
  EXPECT_EQ(host->take(std::size(lines)), std::string(std::size(lines), '\a'));
  // Binary garbage in lines of 1 to 100 bytes: no command letter, no line end.
  std::mt19937 rng(8);
  std::string garbage;
  std::uint64_t short_lines = 0, long_lines = 0;
  for (int n = 1; n <= 100; ++n) {
    for (int k = 0; k < n; ++k) {
      const auto b = static_cast<unsigned char>(rng() % 64);
      garbage += static_cast<char>(b < 32 ? (b == '\r' || b == '\n' ? 0 : b) : 0x80 + b);
    }
    garbage += '\r';
    ++(n <= 64 ? short_lines : long_lines);
  }
  ASSERT_TRUE(host->say(garbage));
  EXPECT_EQ(host->take(100), std::string(100, '\a'));
  // Good traffic after all that.
  ASSERT_TRUE(host->say("T123456780\rt3052ABCD\r"));
  EXPECT_EQ(host->take(4), "Z\rz\r");
  pty->deliver(bus::CanFrame{0x351, false, false, 1, {0x42}}, 0);
  EXPECT_EQ(host->take(8), "t351142\r");
  EXPECT_EQ(host->rest(), "");

  const auto in = pty->take_received();
  ASSERT_EQ(in.size(), 2u);
  EXPECT_EQ(in[0].id, 0x12345678u);
  EXPECT_EQ(in[1].id, 0x305u);
  const SlcanPty::Stats st = pty->stats();
  EXPECT_EQ(st.oversized, 2 + long_lines);
  EXPECT_EQ(st.malformed, std::size(lines) - 2 + short_lines);
  EXPECT_EQ(st.refused, 0u);
  EXPECT_EQ(st.frames_in, 2u);
}

TEST_F(SlcanHostile, ALineWithoutItsEndWaitsForItAndAHostLeavingMidLineLeavesNothingBehind) {
  auto host = open_host();
  // A line without '\r' is not a command yet: no answer, nothing on the bus.
  ASSERT_TRUE(host->say("t3051"));
  EXPECT_EQ(host->rest(), "");
  ASSERT_TRUE(host->say("AA\r"));
  EXPECT_EQ(host->take(2), "z\r");
  EXPECT_EQ(pty->take_received().size(), 1u);

  // The host leaves in the middle of a frame, while bus frames are queued for it.
  ASSERT_TRUE(host->say("t30580011"));
  for (int k = 0; k < 50; ++k) pty->deliver(bus::CanFrame{0x351, false, false, 0, {}}, 0);
  host->close();
  wait_for_hangup();
  EXPECT_TRUE(pty->take_received().empty());

  // The next host starts afresh: its first command is not glued to the
  // half line, and it hears the bus once it has opened the adapter.
  host->open(pty->link_path());
  ASSERT_TRUE(host->is_open()) << host->error();
  ASSERT_TRUE(host->say("C\rO\rt3050\r"));
  EXPECT_EQ(host->take(4), "\r\rz\r");
  pty->deliver(bus::CanFrame{0x352, false, false, 0, {}}, 0);
  EXPECT_EQ(host->take(6), "t3520\r");
  EXPECT_EQ(host->rest(), "");
  const auto in = pty->take_received();
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(in[0].dlc, 0);
  const SlcanPty::Stats st = pty->stats();
  EXPECT_EQ(st.hosts, 2u);
  EXPECT_EQ(st.malformed, 0u);
  EXPECT_EQ(st.frames_in, 2u);
}

}  // namespace
}  // namespace stacksim::io
