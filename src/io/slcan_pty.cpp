#include "io/slcan_pty.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

namespace stacksim::io {
namespace {

namespace asio = boost::asio;

// Links stacksim may replace: only ones to a pseudo-terminal that no longer
// exists, which is what an earlier run that did not end cleanly leaves
// behind (a live one may be another run's).
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

// The target of the link at `path`, or "" if it is not a link.
std::string link_target(const std::string& path) {
  std::array<char, 4096> target{};
  const ssize_t n = ::readlink(path.c_str(), target.data(), target.size() - 1);
  return n < 0 ? std::string() : std::string(target.data(), static_cast<std::size_t>(n));
}

// Points `path` at `target`, replacing a stale link to a pty atomically.
bool make_link(const std::string& path, const std::string& target, std::string& error) {
  const std::string expected = "; expected a free path or a link to a pseudo-terminal (/dev/pts/N) that no "
                               "longer exists";
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISLNK(st.st_mode)) {
      error = "slcan: " + path + " exists and is " + file_kind(st.st_mode) + expected;
      return false;
    }
    const std::string old = link_target(path);
    if (old.rfind(kPtyFolder, 0) != 0) {
      error = "slcan: " + path + " exists and is a link to '" + old + "'" + expected;
      return false;
    }
    struct stat live {};
    if (::stat(path.c_str(), &live) == 0) {
      error = "slcan: " + path + " is a link to " + old + ", which is open (another run?)" + expected;
      return false;
    }
  } else if (errno != ENOENT) {
    error = os_error("slcan: cannot look at " + path);
    return false;
  }
  const std::string temporary = path + ".stacksim-" + std::to_string(::getpid());
  ::unlink(temporary.c_str());
  if (::symlink(target.c_str(), temporary.c_str()) != 0) {
    error = os_error("slcan: cannot create the link " + path);
    return false;
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    error = os_error("slcan: cannot create the link " + path);
    ::unlink(temporary.c_str());
    return false;
  }
  return true;
}

// A pty master with its slave in raw mode (no echo, no CR/LF translation:
// the protocol's '\r' must pass untouched before the host sets its own
// modes). Returns the master fd, or -1 with `error` set.
int open_pty(std::string& slave_path, std::string& error) {
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) {
    error = os_error("slcan: cannot open a pseudo-terminal");
    return -1;
  }
  std::array<char, 128> name{};
  if (::grantpt(master) != 0 || ::unlockpt(master) != 0 || ::ptsname_r(master, name.data(), name.size()) != 0) {
    error = os_error("slcan: cannot unlock the pseudo-terminal");
    ::close(master);
    return -1;
  }
  slave_path = name.data();
  // Closing the slave again leaves the master reading EIO until a host opens
  // it: the same state as after a host left.
  const int slave = ::open(slave_path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  termios t{};
  bool raw = slave >= 0 && ::tcgetattr(slave, &t) == 0;
  if (raw) {
    ::cfmakeraw(&t);
    raw = ::tcsetattr(slave, TCSANOW, &t) == 0;
  }
  if (!raw) {
    error = os_error("slcan: cannot set " + slave_path + " to raw mode");
    if (slave >= 0) ::close(slave);
    ::close(master);
    return -1;
  }
  ::close(slave);
  return master;
}

}  // namespace

struct SlcanPty::Port : std::enable_shared_from_this<Port> {
  Port(asio::io_context& io, int fd, SlcanPty* o) : descriptor(io, fd), timer(io), owner(o) {}

  void read() {
    auto self = shared_from_this();
    descriptor.async_read_some(asio::buffer(in), [self](const boost::system::error_code& ec, std::size_t n) {
      if (self->owner == nullptr) return;
      if (ec) {
        // EIO: no host has the slave open.
        self->owner->on_hangup();
        self->read_later();
        return;
      }
      self->owner->on_bytes(self->in.data(), n);
      self->read();
    });
  }

  void read_later() {
    auto self = shared_from_this();
    timer.expires_after(std::chrono::milliseconds(owner->options_.hangup_poll_ms));
    timer.async_wait([self](const boost::system::error_code& ec) {
      if (!ec && self->owner != nullptr) self->read();
    });
  }

  std::size_t queued() const { return pending.size() + in_flight.size(); }

  void flush() {
    if (writing || pending.empty()) return;
    writing = true;
    in_flight.swap(pending);
    pending.clear();
    auto self = shared_from_this();
    asio::async_write(descriptor, asio::buffer(in_flight), [self](const boost::system::error_code& ec, std::size_t) {
      self->writing = false;
      self->in_flight.clear();
      if (self->owner == nullptr) return;
      if (ec) {
        self->pending.clear();  // the host is gone; the read side resets the channel
        return;
      }
      self->flush();
    });
  }

  // Nothing the host that left had not read may reach the next one: stops a
  // write under way and empties the slave's input, which for a pty outlives
  // the host's close (the master keeps the pair alive) where a serial port's
  // close would have discarded it.
  void discard_output(const std::string& slave_path) {
    pending.clear();
    boost::system::error_code ignored;
    descriptor.cancel(ignored);  // only a write can be pending: this runs in the read's handler
    const int slave = ::open(slave_path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (slave < 0) return;
    ::tcflush(slave, TCIFLUSH);
    ::close(slave);
  }

  void close() {
    owner = nullptr;
    boost::system::error_code ignored;
    timer.cancel();
    descriptor.close(ignored);
  }

  asio::posix::stream_descriptor descriptor;
  asio::steady_timer timer;
  SlcanPty* owner;
  std::array<char, 512> in{};
  std::string pending, in_flight;
  bool writing = false;
};

std::unique_ptr<SlcanPty> SlcanPty::open(asio::io_context& io, const Options& options, std::string& error) {
  std::string slave_path;
  const int master = open_pty(slave_path, error);
  if (master < 0) return nullptr;
  if (!make_link(options.link_path, slave_path, error)) {
    ::close(master);
    return nullptr;
  }
  std::unique_ptr<SlcanPty> pty(new SlcanPty(options));
  pty->slave_path_ = slave_path;
  pty->port_ = std::make_shared<Port>(io, master, pty.get());
  pty->port_->read();
  return pty;
}

SlcanPty::~SlcanPty() {
  port_->close();
  // Only our own link: another run may have taken the path over since.
  if (link_target(options_.link_path) == slave_path_) ::unlink(options_.link_path.c_str());
}

void SlcanPty::on_bytes(const char* data, std::size_t n) {
  if (!host_attached_) {
    host_attached_ = true;
    ++stats_.hosts;
  }
  parser_.feed(data, n, [&](const SlcanCommand& c) {
    if (c.kind == SlcanCommand::Kind::kStatus) {
      channel_.set_status_flags(static_cast<std::uint8_t>(bus_flags_ | (overrun_ ? SlcanChannel::kFlagDataOverrun : 0)));
    }
    reply_.clear();
    const bool accepted = channel_.apply(c, reply_);
    if (c.kind == SlcanCommand::Kind::kMalformed) {
      ++stats_.malformed;
    } else if (!accepted) {
      // A line too long is counted by the parser (oversized).
      if (c.kind != SlcanCommand::Kind::kTooLong) ++stats_.refused;
    } else if (c.kind == SlcanCommand::Kind::kFrame) {
      ++stats_.frames_in;
      received_.push_back(c.frame);
    } else if (c.kind == SlcanCommand::Kind::kStatus) {
      overrun_ = false;  // reading the flags clears them, as on the SJA1000
    } else if (c.kind == SlcanCommand::Kind::kBitrate) {
      requested_bitrate_bps_ = c.bitrate_bps;
    }
    queue(reply_, false);
  });
}

void SlcanPty::on_hangup() {
  if (!host_attached_) return;
  host_attached_ = false;
  channel_.reset();
  parser_.clear_line();
  overrun_ = false;
  port_->discard_output(slave_path_);
}

void SlcanPty::queue(const std::string& text, bool is_frame) {
  const std::size_t limit = options_.max_queued_bytes + (is_frame ? 0 : kAnswerReserveBytes);
  if (port_->queued() + text.size() > limit) {
    if (is_frame) {
      ++stats_.frames_dropped;
      overrun_ = true;
    }
    return;
  }
  if (is_frame) ++stats_.frames_out;
  port_->pending += text;
  port_->flush();
}

std::vector<bus::CanFrame> SlcanPty::take_received() {
  std::vector<bus::CanFrame> out;
  out.swap(received_);
  return out;
}

void SlcanPty::deliver(const bus::CanFrame& frame, std::int64_t time_ns) {
  if (!channel_.receiving()) return;
  scratch_.clear();
  append_slcan_frame(scratch_, frame, channel_.timestamps(), time_ns);
  queue(scratch_, true);
}

SlcanPty::Stats SlcanPty::stats() const {
  Stats s = stats_;
  s.oversized = parser_.oversized();
  return s;
}

}  // namespace stacksim::io
