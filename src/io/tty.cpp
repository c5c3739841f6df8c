#include "io/tty.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace stacksim::io {
namespace {

std::string why(const std::string& what) { return what + ": " + std::strerror(errno); }

// Raw 8N1 (cfmakeraw: no echo, no canonical mode, no CR/LF translation, no
// signals), receiver on, modem control lines ignored, no hardware flow
// control; a read returns as soon as one byte is there. baud 0 keeps the speed
// (a pty has none).
bool make_raw(int fd, std::uint32_t baud, std::string& error) {
  termios t{};
  if (tcgetattr(fd, &t) != 0) {
    error = why("tcgetattr");
    return false;
  }
  cfmakeraw(&t);
  t.c_cflag &= ~static_cast<tcflag_t>(CSTOPB | PARENB | CRTSCTS | CSIZE);
  t.c_cflag |= CS8 | CLOCAL | CREAD;
  t.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
  t.c_cc[VMIN] = 1;
  t.c_cc[VTIME] = 0;
  if (baud != 0) {
    speed_t speed = 0;
    switch (baud) {
      case 1200: speed = B1200; break;
      case 2400: speed = B2400; break;
      case 4800: speed = B4800; break;
      case 9600: speed = B9600; break;
      case 19200: speed = B19200; break;
      case 38400: speed = B38400; break;
      case 57600: speed = B57600; break;
      case 115200: speed = B115200; break;
      case 230400: speed = B230400; break;
      case 460800: speed = B460800; break;
      case 921600: speed = B921600; break;
      default: error = "baud rate " + std::to_string(baud) + " is not a standard rate"; return false;
    }
    if (cfsetispeed(&t, speed) != 0 || cfsetospeed(&t, speed) != 0) {
      error = why("cfsetspeed");
      return false;
    }
  }
  if (tcsetattr(fd, TCSANOW, &t) != 0) {
    error = why("tcsetattr");
    return false;
  }
  // Whatever was waiting from before stacksim opened it is not part of the run.
  tcflush(fd, TCIOFLUSH);
  return true;
}

// Where a symbolic link points, or "" if `path` is not one.
std::string link_target(const std::string& path) {
  char buf[4096];
  const ssize_t n = readlink(path.c_str(), buf, sizeof buf - 1);
  if (n < 0) return {};
  return std::string(buf, static_cast<std::size_t>(n));
}

// May `link` be (re)made? Free, or a link to a pty that is gone.
bool link_free(const std::string& link, std::string& error) {
  struct stat st{};
  if (lstat(link.c_str(), &st) != 0) {
    if (errno == ENOENT) return true;
    error = why("pty: cannot use " + link);
    return false;
  }
  if (!S_ISLNK(st.st_mode)) {
    error = "pty: " + link + " exists and is not a symbolic link; stacksim replaces only a link to a pty that is gone";
    return false;
  }
  const std::string target = link_target(link);
  struct stat target_st{};
  if (target.rfind("/dev/pts/", 0) != 0) {
    error = "pty: " + link + " is a symbolic link to " + target + ", not to a pty; remove it or choose another path";
    return false;
  }
  if (stat(target.c_str(), &target_st) == 0) {
    error = "pty: " + link + " points at " + target + ", a pty still open (another stacksim or socat?)";
    return false;
  }
  if (unlink(link.c_str()) != 0) {
    error = why("pty: cannot replace " + link);
    return false;
  }
  return true;
}

}  // namespace

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.release();
  }
  return *this;
}

Fd::~Fd() {
  if (fd_ >= 0) close(fd_);
}

Tty::~Tty() {
  if (!link.empty() && !slave_path.empty() && link_target(link) == slave_path) unlink(link.c_str());
}

std::unique_ptr<Tty> open_pty(const std::string& link, std::string& error) {
  auto tty = std::make_unique<Tty>();
  tty->fd = Fd(posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (tty->fd.get() < 0) {
    error = why("pty: posix_openpt");
    return nullptr;
  }
  char name[128];
  if (grantpt(tty->fd.get()) != 0 || unlockpt(tty->fd.get()) != 0 || ptsname_r(tty->fd.get(), name, sizeof name) != 0) {
    error = why("pty: grantpt/unlockpt/ptsname");
    return nullptr;
  }
  tty->slave_path = name;
  tty->slave = Fd(open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (tty->slave.get() < 0) {
    error = why("pty: cannot open " + tty->slave_path);
    return nullptr;
  }
  if (!make_raw(tty->slave.get(), 0, error)) {
    error = "pty: " + error;
    return nullptr;
  }
  if (!link_free(link, error)) return nullptr;
  if (symlink(name, link.c_str()) != 0) {
    error = why("pty: cannot make the link " + link);
    return nullptr;
  }
  tty->link = link;
  return tty;
}

std::unique_ptr<Tty> open_serial(const std::string& device, std::uint32_t baud, std::string& error) {
  auto tty = std::make_unique<Tty>();
  tty->fd = Fd(open(device.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
  if (tty->fd.get() < 0) {
    error = why("serial: cannot open " + device);
    return nullptr;
  }
  if (isatty(tty->fd.get()) == 0) {
    error = "serial: " + device + " is not a terminal (a serial port or a pty)";
    return nullptr;
  }
  if (ioctl(tty->fd.get(), TIOCEXCL) != 0) {
    error = why("serial: TIOCEXCL on " + device);
    return nullptr;
  }
  if (!make_raw(tty->fd.get(), baud, error)) {
    error = "serial: " + device + ": " + error;
    return nullptr;
  }
  return tty;
}

}  // namespace stacksim::io
