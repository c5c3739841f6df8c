#include "io/tty.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "io/pty.hpp"

namespace stacksim::io {
namespace {

std::string why(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

Tty::~Tty() { remove_own_link(link, slave_path); }

std::unique_ptr<Tty> open_pty(const std::string& link, std::string& error) {
  auto tty = std::make_unique<Tty>();
  PtyPair pair;
  if (!open_pty_pair(pair, "pty", error) || !make_pty_link(link, pair.slave_path, "pty", error)) return nullptr;
  tty->fd = std::move(pair.master);
  tty->slave = std::move(pair.slave);
  tty->slave_path = pair.slave_path;
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
