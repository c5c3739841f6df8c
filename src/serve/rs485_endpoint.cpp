// A pseudo-terminal or a serial port (io/tty.hpp) as the external end of an
// RS485 line, read and written asynchronously on the serve io_context.
#include <array>
#include <chrono>
#include <cstdio>
#include <deque>
#include <utility>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/write.hpp>

#include "io/tty.hpp"
#include "serve/endpoints.hpp"

namespace stacksim::serve {
namespace {

namespace asio = boost::asio;

class TtyEndpoint : public Rs485Endpoint {
 public:
  static constexpr std::size_t kMaxQueuedOutBytes = 64 * 1024;  // not yet written: the device is that far behind
  static constexpr std::size_t kMaxQueuedInBytes = 64 * 1024;   // read, not yet taken by the gateway

  TtyEndpoint(asio::io_context& io, std::unique_ptr<io::Tty> tty, std::string spec,
              std::function<std::int64_t()> wall_ns)
      : tty_(std::move(tty)), stream_(io, tty_->fd.release()), spec_(std::move(spec)), wall_ns_(std::move(wall_ns)) {
    read();
  }

  std::vector<Chunk> take_received() override {
    std::vector<Chunk> out(std::make_move_iterator(in_.begin()), std::make_move_iterator(in_.end()));
    in_.clear();
    in_bytes_ = 0;
    return out;
  }

  void deliver(const std::uint8_t* data, std::size_t len) override {
    if (failed_ || out_bytes_ + len > kMaxQueuedOutBytes) {
      ++dropped_;
      return;
    }
    out_.emplace_back(data, data + len);
    out_bytes_ += len;
    ++queued_;
    if (out_.size() == 1) write();
  }

  void report(sim::ExternalBusReport& r) const override {
    r.frames_out = queued_;
    r.frames_dropped = dropped_;
    r.frames_refused = lost_in_;
  }

 private:
  void read() {
    stream_.async_read_some(asio::buffer(buf_), [this](const boost::system::error_code& ec, std::size_t n) {
      if (ec == asio::error::operation_aborted) return;
      if (ec) {
        fail(ec);
        return;
      }
      if (in_bytes_ + n > kMaxQueuedInBytes) {
        ++lost_in_;  // the gateway is not taking them (a stalled step); these bytes are lost
      } else {
        in_.push_back(Chunk{wall_ns_(), std::vector<std::uint8_t>(buf_.begin(), buf_.begin() + static_cast<long>(n))});
        in_bytes_ += n;
      }
      read();
    });
  }

  void write() {
    asio::async_write(stream_, asio::buffer(out_.front()), [this](const boost::system::error_code& ec, std::size_t) {
      if (ec == asio::error::operation_aborted) return;
      if (ec) {
        fail(ec);
        return;
      }
      out_bytes_ -= out_.front().size();
      out_.pop_front();
      if (!out_.empty()) write();
    });
  }

  // A device unplugged or a read error: the line goes on without it; said once.
  void fail(const boost::system::error_code& ec) {
    if (failed_) return;
    failed_ = true;
    dropped_ += out_.size();
    out_.clear();
    out_bytes_ = 0;
    std::fprintf(stderr, "stacksim: %s: %s; the line goes on without it\n", spec_.c_str(), ec.message().c_str());
  }

  std::unique_ptr<io::Tty> tty_;  // the pty's slave and link; its fd is stream_'s
  asio::posix::stream_descriptor stream_;
  std::string spec_;
  std::function<std::int64_t()> wall_ns_;
  std::array<std::uint8_t, 4096> buf_{};
  std::deque<Chunk> in_;
  std::size_t in_bytes_ = 0;
  std::deque<std::vector<std::uint8_t>> out_;
  std::size_t out_bytes_ = 0;
  std::uint64_t queued_ = 0, dropped_ = 0, lost_in_ = 0;
  bool failed_ = false;
};

}  // namespace

std::unique_ptr<Rs485Endpoint> open_pty(boost::asio::io_context& io, const bus::TransportSpec& spec,
                                        std::function<std::int64_t()> wall_ns, std::string& error) {
  auto tty = io::open_pty(spec.name, error);
  if (!tty) return nullptr;
  // Where the pty is, for the user and the tests.
  std::fprintf(stderr, "stacksim: bus on pty %s -> %s\n", tty->link.c_str(), tty->slave_path.c_str());
  return std::make_unique<TtyEndpoint>(io, std::move(tty), "pty:" + spec.name, std::move(wall_ns));
}

std::unique_ptr<Rs485Endpoint> open_serial(boost::asio::io_context& io, const bus::TransportSpec& spec,
                                           std::function<std::int64_t()> wall_ns, std::string& error) {
  const auto serial = bus::parse_serial_name(spec.name);
  if (!serial) {
    error = "serial:" + spec.name + ": expected DEVICE@BAUD";
    return nullptr;
  }
  auto tty = io::open_serial(serial->device, serial->baud, error);
  if (!tty) return nullptr;
  std::fprintf(stderr, "stacksim: bus on serial %s at %u baud\n", serial->device.c_str(), serial->baud);
  return std::make_unique<TtyEndpoint>(io, std::move(tty), "serial:" + spec.name, std::move(wall_ns));
}

}  // namespace stacksim::serve

namespace stacksim::serve {

std::unique_ptr<Rs485Gateway> open_rs485_gateway(boost::asio::io_context& io, const std::string& line,
                                                 const std::string& spec_text, std::string& error) {
  const auto spec = bus::parse_transport(spec_text, error);
  if (!spec) return nullptr;
  if (!bus::is_rs485_kind(spec->kind)) {
    error = "--bus " + line + "=" + spec_text + ": " + line +
            " is an RS485 line; it takes serial:DEVICE@BAUD or pty:PATH, not a CAN transport";
    return nullptr;
  }
  // The pacer's clock (serve/steady_clock.hpp): arrival times for the idle gap.
  std::function<std::int64_t()> wall_ns = [] {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
  auto endpoint = spec->kind == "pty" ? open_pty(io, *spec, wall_ns, error) : open_serial(io, *spec, wall_ns, error);
  if (!endpoint) return nullptr;
  return std::make_unique<Rs485Gateway>(line, spec_text, std::move(endpoint), wall_ns);
}

}  // namespace stacksim::serve
