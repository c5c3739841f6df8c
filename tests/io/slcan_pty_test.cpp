// The SLCAN adapter on a real pseudo-terminal: this test opens the link as a
// host would (python-can through pyserial, or slcand) and speaks the Lawicel
// protocol to it, checking the link's life, frames both ways, a host leaving,
// and a host that never reads losing frames, counted.
#include "io/slcan_pty.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace stacksim::io {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

class SlcanPtyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("slcan-pty-test-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    link = (dir / "slcan0").string();
  }
  void TearDown() override {
    if (host >= 0) ::close(host);
    pty.reset();
    fs::remove_all(dir);
  }

  void start(SlcanPty::Options o = {}) {
    o.link_path = link;
    std::string error;
    pty = SlcanPty::open(io, o, error);
    ASSERT_NE(pty, nullptr) << error;
  }

  // Opens the link as the host does.
  void attach() {
    host = ::open(link.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK);
    ASSERT_GE(host, 0) << std::strerror(errno);
  }
  void detach() {
    ::close(host);
    host = -1;
  }

  void say(const std::string& text) { ASSERT_EQ(::write(host, text.data(), text.size()), static_cast<ssize_t>(text.size())); }

  // Lets the adapter work until an answer has come and the line has been
  // quiet for `quiet`, and returns it; "" if nothing came within 5 s. Waits
  // on what arrives, not on a fixed time, so a loaded machine (ctest -j, the
  // sanitizers) slows the test down without failing it.
  std::string drain(milliseconds quiet = milliseconds(30)) {
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    auto last = start;
    std::string out;
    for (;;) {
      io.run_for(milliseconds(5));
      const std::size_t before = out.size();
      take_into(out);
      const auto now = clock::now();
      if (out.size() != before) last = now;
      if (!out.empty() && now - last >= quiet) return out;
      if (out.empty() && now - start >= std::chrono::seconds(5)) return out;
    }
  }

  // What the host has received after the adapter has worked for `wait`: for
  // checking that nothing comes.
  std::string drain_for(milliseconds wait) {
    io.run_for(wait);
    std::string out;
    take_into(out);
    return out;
  }

  void take_into(std::string& out) {
    char buf[4096];
    for (;;) {
      const ssize_t n = ::read(host, buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
  }

  static bus::CanFrame frame(std::uint32_t id, std::uint8_t dlc) {
    bus::CanFrame f;
    f.id = id;
    f.extended = id > 0x7FF;
    f.dlc = dlc;
    for (std::size_t k = 0; k < 8; ++k) f.data[k] = static_cast<std::uint8_t>(0x11 * k);
    return f;
  }

  fs::path dir;
  std::string link;
  boost::asio::io_context io;
  std::unique_ptr<SlcanPty> pty;
  int host = -1;
};

TEST_F(SlcanPtyTest, TheLinkPointsToARawSlaveAndIsRemovedAtTheEnd) {
  start();
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(fs::read_symlink(link).string(), pty->slave_path());
  EXPECT_EQ(pty->slave_path().rfind("/dev/pts/", 0), 0u) << pty->slave_path();
  // Raw before the host sets anything: no echo of the host's commands, no
  // CR -> LF on what the adapter writes, no LF -> CR LF on what the host writes.
  attach();
  termios t{};
  ASSERT_EQ(::tcgetattr(host, &t), 0);
  EXPECT_EQ(t.c_lflag & (ICANON | ECHO | ISIG), 0u);
  EXPECT_EQ(t.c_iflag & (ICRNL | INLCR | IGNCR), 0u);
  EXPECT_EQ(t.c_oflag & OPOST, 0u);
  pty.reset();
  EXPECT_FALSE(fs::exists(fs::symlink_status(link)));
}

TEST_F(SlcanPtyTest, APathThatIsNotAStaleLinkToAPtyIsRefusedAndLeftAlone) {
  {
    std::ofstream(link) << "precious";
  }
  std::string error;
  SlcanPty::Options o;
  o.link_path = link;
  EXPECT_EQ(SlcanPty::open(io, o, error), nullptr);
  EXPECT_NE(error.find(link + " exists and is a regular file"), std::string::npos) << error;
  EXPECT_NE(error.find("expected a free path or a link to a pseudo-terminal"), std::string::npos) << error;
  std::string content;
  std::ifstream(link) >> content;
  EXPECT_EQ(content, "precious");

  fs::remove(link);
  fs::create_symlink("/etc/hostname", link);
  error.clear();
  EXPECT_EQ(SlcanPty::open(io, o, error), nullptr);
  EXPECT_NE(error.find("is a link to '/etc/hostname'"), std::string::npos) << error;
  EXPECT_EQ(fs::read_symlink(link), "/etc/hostname");

  // A link to a live pty may be another run's.
  fs::remove(link);
  fs::create_symlink("/dev/ptmx", link);
  error.clear();
  EXPECT_EQ(SlcanPty::open(io, o, error), nullptr);
  EXPECT_NE(error.find("is a link to '/dev/ptmx'"), std::string::npos) << error;
  {
    SlcanPty::Options other;
    other.link_path = (dir / "other").string();
    const auto live = SlcanPty::open(io, other, error);
    ASSERT_NE(live, nullptr) << error;
    fs::remove(link);
    fs::create_symlink(live->slave_path(), link);
    error.clear();
    EXPECT_EQ(SlcanPty::open(io, o, error), nullptr);
    EXPECT_NE(error.find("which is open"), std::string::npos) << error;
    EXPECT_EQ(fs::read_symlink(link).string(), live->slave_path());
  }

  o.link_path = (dir / "missing" / "slcan0").string();
  error.clear();
  EXPECT_EQ(SlcanPty::open(io, o, error), nullptr);
  EXPECT_NE(error.find(o.link_path), std::string::npos) << error;
}

TEST_F(SlcanPtyTest, AStaleLinkToAPtyIsReplaced) {
  fs::create_symlink("/dev/pts/999999", link);  // left by a run that was killed
  start();
  EXPECT_EQ(fs::read_symlink(link).string(), pty->slave_path());
  pty.reset();
  EXPECT_FALSE(fs::exists(fs::symlink_status(link)));
}

TEST_F(SlcanPtyTest, PythonCansSequenceAndFramesBothWays) {
  start();
  attach();
  say("C\rS6\rO\rO\rV\rN\r");
  EXPECT_EQ(drain(), "\r\r\r\rV1013\rNSSIM\r");
  EXPECT_EQ(pty->channel().bitrate_bps(), 500000u);
  pty->deliver(frame(0x351, 8), 1'000'000'000);
  pty->deliver(frame(0x18FF50E5, 2), 1'000'000'000);
  EXPECT_EQ(drain(), "t35180011223344556677\rT18FF50E520011\r");
  say("t30580000000000000000\rT000012342ABCD\r");
  EXPECT_EQ(drain(), "z\rZ\r");
  const auto in = pty->take_received();
  ASSERT_EQ(in.size(), 2u);
  EXPECT_EQ(in[0].id, 0x305u);
  EXPECT_EQ(in[0].dlc, 8);
  EXPECT_TRUE(in[1].extended);
  EXPECT_EQ(in[1].id, 0x1234u);
  EXPECT_EQ(in[1].data[0], 0xAB);
  EXPECT_EQ(in[1].data[1], 0xCD);
  // Status: the gateway's controller as the caller reports it.
  say("F\r");
  EXPECT_EQ(drain(), "F00\r");
  pty->set_bus_flags(SlcanChannel::kFlagErrorPassive);
  say("F\r");
  EXPECT_EQ(drain(), "F20\r");
  // Time stamps: set while closed, milliseconds of the frame's end mod 60000.
  say("C\rZ1\rO\r");
  EXPECT_EQ(drain(), "\r\r\r");
  pty->deliver(frame(0x7FF, 0), 61'234'000'000);
  EXPECT_EQ(drain(), "t7FF004D2\r");
  // Garbage, refusals and a line too long are answered BEL and counted.
  say("Z0\rhello\r" + std::string(200, 'x') + "\rt3050\r");
  EXPECT_EQ(drain(), "\a\a\az\r");
  const auto st = pty->stats();
  EXPECT_EQ(st.frames_in, 3u);
  EXPECT_EQ(st.frames_out, 3u);
  EXPECT_EQ(st.malformed, 1u);
  EXPECT_EQ(st.refused, 1u);
  EXPECT_EQ(st.oversized, 1u);
  EXPECT_EQ(st.hosts, 1u);
}

TEST_F(SlcanPtyTest, NoFramesWhileClosedAndAHostLeavingResetsTheChannel) {
  SlcanPty::Options o;
  o.hangup_poll_ms = 5;
  start(o);
  attach();
  pty->deliver(frame(0x351, 1), 0);  // closed: not sent
  say("S4\rL\r");
  EXPECT_EQ(drain(), "\r\r");
  say("t3050\r");  // listen-only: the host may not send
  EXPECT_EQ(drain(), "\a");
  pty->deliver(frame(0x351, 1), 0);
  EXPECT_EQ(drain(), "t351100\r");
  EXPECT_TRUE(pty->take_received().empty());
  detach();
  // The adapter notices (EIO) and resets.
  for (int k = 0; k < 1000 && pty->channel().mode() != SlcanChannel::Mode::kClosed; ++k) drain_for(milliseconds(5));
  EXPECT_EQ(pty->channel().mode(), SlcanChannel::Mode::kClosed);
  EXPECT_EQ(pty->requested_bitrate_bps(), 125000u);  // kept for the caller to report
  pty->deliver(frame(0x351, 1), 0);
  attach();
  pty->deliver(frame(0x351, 1), 0);
  EXPECT_EQ(drain_for(milliseconds(50)), "");  // a new host starts closed
  say("O\r");
  EXPECT_EQ(drain(), "\r");
  pty->deliver(frame(0x352, 0), 0);
  EXPECT_EQ(drain(), "t3520\r");
  EXPECT_EQ(pty->stats().hosts, 2u);
}

TEST_F(SlcanPtyTest, AHostThatNeverReadsLosesFramesCountedAndGetsTheRestWhole) {
  SlcanPty::Options o;
  o.max_queued_bytes = 64 * 1024;
  start(o);
  attach();
  say("O\r");
  drain();
  // 440 kB, several times what the kernel's pty buffers and the 64 kB queue
  // hold together, with the adapter writing all along.
  constexpr int kFrames = 20000;
  const std::size_t one = std::string("t35180011223344556677\r").size();
  for (int k = 0; k < kFrames; ++k) {
    pty->deliver(frame(0x351, 8), k);
    if (k % 100 == 0) io.poll();
  }
  io.run_for(milliseconds(50));
  const auto st = pty->stats();
  EXPECT_GT(st.frames_dropped, 0u);
  EXPECT_EQ(st.frames_out + st.frames_dropped, std::uint64_t{kFrames});
  // The overrun shows in "F" once, then clears. Everything queued arrives, in
  // whole lines.
  say("F\r");
  std::string got;
  for (int quiet = 0; quiet < 10;) {
    const std::string more = drain_for(milliseconds(20));
    quiet = more.empty() ? quiet + 1 : 0;
    got += more;
  }
  ASSERT_GE(got.size(), 4u);
  EXPECT_EQ(got.substr(got.size() - 4), "F08\r");
  EXPECT_EQ(got.size() - 4, st.frames_out * one);
  for (std::size_t at = 0; at + one <= got.size() - 4; at += one) {
    ASSERT_EQ(got.compare(at, one, "t35180011223344556677\r"), 0) << "at byte " << at;
  }
  say("F\r");
  EXPECT_EQ(drain(), "F00\r");
}

TEST_F(SlcanPtyTest, FramesBeyondTheWaitingLimitAreAnsweredBelAndCounted) {
  start();
  attach();
  say("O\r");
  EXPECT_EQ(drain(), "\r");
  // Nobody takes the frames (no step runs): the limit plus three, written
  // as the terminal takes them while the answers are read.
  const std::size_t sent = SlcanPty::kMaxReceivedFrames + 3;
  std::string lines;
  for (std::size_t k = 0; k < sent; ++k) lines += "t3050\r";
  std::string answers;
  std::size_t written = 0;
  const std::size_t expected = 2 * SlcanPty::kMaxReceivedFrames + 3;  // "z\r" each, then BEL each
  for (int k = 0; k < 100000 && answers.size() < expected; ++k) {
    if (written < lines.size()) {
      const ssize_t n = ::write(host, lines.data() + written, std::min<std::size_t>(4096, lines.size() - written));
      if (n > 0) written += static_cast<std::size_t>(n);
    }
    answers += drain_for(milliseconds(1));
  }
  EXPECT_EQ(answers.size(), expected);
  EXPECT_EQ(answers.substr(answers.size() - 5), "z\r\a\a\a");
  EXPECT_EQ(pty->stats().frames_in, SlcanPty::kMaxReceivedFrames);
  EXPECT_EQ(pty->stats().frames_refused, 3u);
  EXPECT_EQ(pty->take_received().size(), SlcanPty::kMaxReceivedFrames);
}

}  // namespace
}  // namespace stacksim::io
