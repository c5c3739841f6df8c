#include "io/slcan_pty.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <chrono>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "io/pty.hpp"

namespace stacksim::io {
namespace {

namespace asio = boost::asio;

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
  PtyPair pair;
  if (!open_pty_pair(pair, "slcan", error) || !make_pty_link(options.link_path, pair.slave_path, "slcan", error)) {
    return nullptr;
  }
  // Without the slave open the master reads EIO until a host opens it: the
  // same state as after a host left.
  pair.slave = Fd();
  std::unique_ptr<SlcanPty> pty(new SlcanPty(options));
  pty->slave_path_ = pair.slave_path;
  pty->port_ = std::make_shared<Port>(io, pair.master.release(), pty.get());
  pty->port_->read();
  return pty;
}

SlcanPty::~SlcanPty() {
  port_->close();
  remove_own_link(options_.link_path, slave_path_);
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
    } else if (c.kind == SlcanCommand::Kind::kFrame && received_.size() >= kMaxReceivedFrames) {
      // A full mailbox: the adapter refuses the frame as it refuses a bad line.
      ++stats_.frames_refused;
      reply_.assign(1, '\a');  // not = "\a": GCC 12 warns a false -Wrestrict on that
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
