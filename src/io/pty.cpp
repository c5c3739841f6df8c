#include "io/pty.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace stacksim::io {
namespace {

constexpr std::string_view kPtyFolder = "/dev/pts/";

std::string os_error(const std::string& what) { return what + ": " + std::strerror(errno); }

const char* file_kind(mode_t mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISFIFO(mode)) return "a FIFO";
  return "not a link";
}

bool to_speed(unsigned baud, speed_t& speed) {
  switch (baud) {
    case 1200: speed = B1200; return true;
    case 2400: speed = B2400; return true;
    case 4800: speed = B4800; return true;
    case 9600: speed = B9600; return true;
    case 19200: speed = B19200; return true;
    case 38400: speed = B38400; return true;
    case 57600: speed = B57600; return true;
    case 115200: speed = B115200; return true;
    case 230400: speed = B230400; return true;
    case 460800: speed = B460800; return true;
    case 921600: speed = B921600; return true;
    default: return false;
  }
}

}  // namespace

bool make_raw(int fd, unsigned baud, std::string& error) {
  termios t{};
  if (::tcgetattr(fd, &t) != 0) {
    error = os_error("tcgetattr");
    return false;
  }
  ::cfmakeraw(&t);
  t.c_cflag &= ~static_cast<tcflag_t>(CSTOPB | PARENB | CRTSCTS | CSIZE);
  t.c_cflag |= CS8 | CLOCAL | CREAD;
  t.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
  t.c_cc[VMIN] = 1;
  t.c_cc[VTIME] = 0;
  if (baud != 0) {
    speed_t speed = 0;
    if (!to_speed(baud, speed)) {
      error = "baud rate " + std::to_string(baud) + " is not a standard rate";
      return false;
    }
    if (::cfsetispeed(&t, speed) != 0 || ::cfsetospeed(&t, speed) != 0) {
      error = os_error("cfsetspeed");
      return false;
    }
  }
  if (::tcsetattr(fd, TCSANOW, &t) != 0) {
    error = os_error("tcsetattr");
    return false;
  }
  // Whatever was waiting from before stacksim opened it is not part of the run.
  ::tcflush(fd, TCIOFLUSH);
  return true;
}

bool open_pty_pair(PtyPair& pty, const char* who, std::string& error) {
  const std::string prefix = std::string(who) + ": ";
  pty.master = Fd(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (pty.master.get() < 0) {
    error = os_error(prefix + "cannot open a pseudo-terminal");
    return false;
  }
  std::array<char, 128> name{};
  if (::grantpt(pty.master.get()) != 0 || ::unlockpt(pty.master.get()) != 0 ||
      ::ptsname_r(pty.master.get(), name.data(), name.size()) != 0) {
    error = os_error(prefix + "cannot unlock the pseudo-terminal");
    return false;
  }
  pty.slave_path = name.data();
  pty.slave = Fd(::open(pty.slave_path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (pty.slave.get() < 0) {
    error = os_error(prefix + "cannot open " + pty.slave_path);
    return false;
  }
  if (!make_raw(pty.slave.get(), 0, error)) {
    error = prefix + "cannot set " + pty.slave_path + " to raw mode: " + error;
    return false;
  }
  return true;
}

std::string link_target(const std::string& path) {
  std::array<char, 4096> target{};
  const ssize_t n = ::readlink(path.c_str(), target.data(), target.size() - 1);
  return n < 0 ? std::string() : std::string(target.data(), static_cast<std::size_t>(n));
}

bool make_pty_link(const std::string& link, const std::string& target, const char* who, std::string& error) {
  const std::string prefix = std::string(who) + ": ";
  const std::string expected = "; expected a free path or a link to a pseudo-terminal (/dev/pts/N) that no "
                               "longer exists";
  struct stat st {};
  if (::lstat(link.c_str(), &st) == 0) {
    if (!S_ISLNK(st.st_mode)) {
      error = prefix + link + " exists and is " + file_kind(st.st_mode) + expected;
      return false;
    }
    const std::string old = link_target(link);
    if (old.rfind(kPtyFolder, 0) != 0) {
      error = prefix + link + " exists and is a link to '" + old + "'" + expected;
      return false;
    }
    struct stat live {};
    if (::stat(link.c_str(), &live) == 0) {
      error = prefix + link + " is a link to " + old + ", which is open (another run?)" + expected;
      return false;
    }
  } else if (errno != ENOENT) {
    error = os_error(prefix + "cannot look at " + link);
    return false;
  }
  // A rename replaces the stale link in one step: a client never sees the
  // path missing.
  const std::string temporary = link + ".stacksim-" + std::to_string(::getpid());
  ::unlink(temporary.c_str());
  if (::symlink(target.c_str(), temporary.c_str()) != 0) {
    error = os_error(prefix + "cannot create the link " + link);
    return false;
  }
  if (::rename(temporary.c_str(), link.c_str()) != 0) {
    error = os_error(prefix + "cannot create the link " + link);
    ::unlink(temporary.c_str());
    return false;
  }
  return true;
}

void remove_own_link(const std::string& link, const std::string& target) {
  if (!link.empty() && !target.empty() && link_target(link) == target) ::unlink(link.c_str());
}

}  // namespace stacksim::io
