// Pseudo-terminals and serial ports, the external ends of RS485 lines
// (stacksim serve --bus LINE=pty:PATH | serial:DEVICE@BAUD, docs/serve.md).
// Both are raw 8N1 terminals: no echo, no line editing, no translation of
// CR/LF, no flow control; every byte passes as it is.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "io/fd.hpp"

namespace stacksim::io {

// An open terminal for stacksim's side of the line.
struct Tty {
  Tty() = default;
  Tty(const Tty&) = delete;
  Tty& operator=(const Tty&) = delete;
  // Removes the pty's link if it still points at this pty's slave.
  ~Tty();

  Fd fd;  // read and written by stacksim: the pty's master, or the serial device
  // pty only: the slave, held open so that the master does not read EIO (and
  // the pty does not hang up) while no client has it open; clients may come
  // and go. What stacksim writes while no client reads waits in the slave's
  // input buffer (a few KiB), which a client should flush when it opens.
  Fd slave;
  std::string slave_path;  // pty: /dev/pts/N
  std::string link;        // pty: the symbolic link made at PATH
};

// posix_openpt + grantpt + unlockpt, the slave raw, and `link` made a symbolic
// link to the slave. An existing `link` is replaced only if it is a symbolic
// link to a /dev/pts/ entry that no longer exists (left by an earlier run);
// anything else there is refused. On failure returns null and sets error.
std::unique_ptr<Tty> open_pty(const std::string& link, std::string& error);

// A tty device opened raw at `baud` (a standard rate, bus/transport.hpp),
// 8 data bits, no parity, 1 stop bit, modem lines ignored, exclusive
// (TIOCEXCL: a second open by another program fails). On failure returns null
// and sets error.
std::unique_ptr<Tty> open_serial(const std::string& device, std::uint32_t baud, std::string& error);

}  // namespace stacksim::io
