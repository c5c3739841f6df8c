// Pseudo-terminals and serial ports (io/tty.hpp), on real ptys: the link
// made, refused and removed, and every byte value through in both directions.
#include "io/tty.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace stacksim::io {
namespace {

namespace fs = std::filesystem;

class TtyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("stacksim-tty-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

// Reads exactly n bytes within 2 s (or fewer on a timeout).
std::vector<std::uint8_t> read_n(int fd, std::size_t n) {
  std::vector<std::uint8_t> out;
  while (out.size() < n) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 2000) <= 0) break;
    std::uint8_t buf[512];
    const ssize_t got = read(fd, buf, std::min(sizeof buf, n - out.size()));
    if (got <= 0) break;
    out.insert(out.end(), buf, buf + got);
  }
  return out;
}

TEST_F(TtyTest, APtyLinksItsSlaveAndPassesEveryByteValueRawBothWays) {
  const std::string link = (dir_ / "line").string();
  std::string error;
  auto tty = open_pty(link, error);
  ASSERT_NE(tty, nullptr) << error;
  EXPECT_EQ(fs::read_symlink(link).string(), tty->slave_path);
  EXPECT_EQ(tty->slave_path.rfind("/dev/pts/", 0), 0u);

  // A client opens the link as it would a serial port, without configuring it.
  const int client = open(link.c_str(), O_RDWR | O_NOCTTY);
  ASSERT_GE(client, 0);
  std::vector<std::uint8_t> all(256);
  for (int i = 0; i < 256; ++i) all[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i);
  // Client -> stacksim: CR, LF, ^C, ^S, ^Q, DEL, 0xFF arrive untouched.
  ASSERT_EQ(write(client, all.data(), all.size()), 256);
  EXPECT_EQ(read_n(tty->fd.get(), 256), all);
  // stacksim -> client: no echo came back before, and nothing is translated.
  ASSERT_EQ(write(tty->fd.get(), all.data(), all.size()), 256);
  EXPECT_EQ(read_n(client, 256), all);
  close(client);

  // The client gone, the master does not hang up: a new client is served.
  const int again = open(link.c_str(), O_RDWR | O_NOCTTY);
  ASSERT_GE(again, 0);
  const std::uint8_t b = 0x7E;
  ASSERT_EQ(write(again, &b, 1), 1);
  EXPECT_EQ(read_n(tty->fd.get(), 1), std::vector<std::uint8_t>{0x7E});
  close(again);

  tty.reset();
  EXPECT_FALSE(fs::exists(fs::symlink_status(link)));  // removed at the end
}

TEST_F(TtyTest, APathInUseIsRefusedAndAStaleLinkReplaced) {
  std::string error;
  const std::string file = (dir_ / "file").string();
  std::ofstream(file) << "keep me";
  EXPECT_EQ(open_pty(file, error), nullptr);
  EXPECT_NE(error.find("exists and is a regular file"), std::string::npos) << error;
  EXPECT_TRUE(fs::is_regular_file(file));

  const std::string other = (dir_ / "other").string();
  fs::create_symlink(file, other);
  EXPECT_EQ(open_pty(other, error), nullptr);
  EXPECT_NE(error.find("is a link to '"), std::string::npos) << error;

  // A live pty's link (another stacksim) is not taken over.
  const std::string live = (dir_ / "live").string();
  auto first = open_pty(live, error);
  ASSERT_NE(first, nullptr) << error;
  EXPECT_EQ(open_pty(live, error), nullptr);
  EXPECT_NE(error.find("which is open"), std::string::npos) << error;

  // A link left by a run that died (its pty gone) is replaced.
  const std::string stale = (dir_ / "stale").string();
  fs::create_symlink("/dev/pts/999999", stale);
  auto second = open_pty(stale, error);
  ASSERT_NE(second, nullptr) << error;
  EXPECT_EQ(fs::read_symlink(stale).string(), second->slave_path);

  EXPECT_EQ(open_pty((dir_ / "no-such-dir" / "x").string(), error), nullptr);
  EXPECT_NE(error.find("cannot create the link"), std::string::npos) << error;
}

TEST_F(TtyTest, ASerialPortOpensRawAtItsRateAndANonTerminalIsRefused) {
  std::string error;
  // A pty's slave is a terminal like /dev/ttyUSB0: the other end is the master.
  auto pty = open_pty((dir_ / "wire").string(), error);
  ASSERT_NE(pty, nullptr) << error;
  auto port = open_serial(pty->slave_path, 9600, error);
  ASSERT_NE(port, nullptr) << error;
  const std::uint8_t frame[] = {0x7E, 0x0A, 0x0D, 0x11, 0x13};
  ASSERT_EQ(write(port->fd.get(), frame, sizeof frame), static_cast<ssize_t>(sizeof frame));
  EXPECT_EQ(read_n(pty->fd.get(), sizeof frame), std::vector<std::uint8_t>(frame, frame + sizeof frame));
  // Exclusive: a second open of the same device fails (root may override TIOCEXCL).
  if (geteuid() != 0) {
    EXPECT_EQ(open_serial(pty->slave_path, 9600, error), nullptr);
  }

  const std::string file = (dir_ / "plain").string();
  std::ofstream(file) << "x";
  EXPECT_EQ(open_serial(file, 115200, error), nullptr);
  EXPECT_NE(error.find("not a terminal"), std::string::npos) << error;
  EXPECT_EQ(open_serial((dir_ / "absent").string(), 115200, error), nullptr);
  EXPECT_NE(error.find("cannot open"), std::string::npos) << error;
}

}  // namespace
}  // namespace stacksim::io
