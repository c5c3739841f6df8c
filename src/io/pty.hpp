// Pseudo-terminals with a symbolic link at a path the user chose: the
// external end of an RS485 line (io/tty.hpp) and of an SLCAN adapter
// (io/slcan_pty.hpp) both open one like this, differing only in whether the
// slave stays open while no client has it.
#pragma once

#include <string>

#include "io/fd.hpp"

namespace stacksim::io {

struct PtyPair {
  Fd master;
  Fd slave;                // raw; closed by a caller that wants EIO while no client has it open
  std::string slave_path;  // /dev/pts/N
};

// posix_openpt + grantpt + unlockpt, then the slave opened and made raw (no
// echo, no line editing, no CR/LF translation: protocol bytes such as
// SLCAN's '\r' must pass untouched before a client sets its own modes).
// `who` starts every error message ("pty", "slcan"). false with error set on
// failure.
bool open_pty_pair(PtyPair& pty, const char* who, std::string& error);

// Points `link` at `target`. An existing `link` is replaced (atomically) only
// if it is a symbolic link to a /dev/pts/ entry that no longer exists, which
// is what an earlier run that did not end cleanly leaves behind; anything else
// there, a live pty included (another run's), is refused with a message that
// says what is there and what was expected.
bool make_pty_link(const std::string& link, const std::string& target, const char* who, std::string& error);

// Where the symbolic link at `path` points, or "" if it is not one.
std::string link_target(const std::string& path);

// Removes `link` if it still points at `target`: another run may have taken
// the path over since.
void remove_own_link(const std::string& link, const std::string& target);

// Raw 8N1 (cfmakeraw), receiver on, modem control lines ignored, no flow
// control, a read returns as soon as one byte is there, and whatever waited
// from before flushed. baud 0 keeps the speed (a pty has none); otherwise a
// standard rate. false with error set on failure.
bool make_raw(int fd, unsigned baud, std::string& error);

}  // namespace stacksim::io
