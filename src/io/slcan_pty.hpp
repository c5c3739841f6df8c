// An SLCAN (Lawicel) adapter on a pseudo-terminal, so python-can's "slcan"
// interface and Linux's slcand join a simulated CAN bus (docs/serve.md). The
// master side is ours; a symlink at Options::link_path points to the slave
// (/dev/pts/N), which the host opens as if it were a USB-serial adapter.
//
// It runs on the caller's io_context, on one thread, as the socketcand server
// does: what the host sends is parsed and answered as it arrives (one
// SlcanChannel), frames it puts on the bus wait for take_received(), and bus
// frames go to the host while the channel is open. A host that does not read
// loses frames beyond Options::max_queued_bytes, counted. A host that closes
// the terminal resets the channel (closed, timestamps off), as a re-plugged
// adapter would be; the pty is polled until a host opens it again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "bus/can_frame.hpp"
#include "io/slcan_codec.hpp"

namespace stacksim::io {

class SlcanPty {
 public:
  static constexpr std::size_t kAnswerReserveBytes = 1024;
  struct Options {
    std::string link_path;  // absolute; created (or a dangling link to /dev/pts/ replaced), removed at the end
    // Bus frames the host has not read yet, at most; answers to its commands
    // may use kAnswerReserveBytes more, so a slow host still gets them.
    std::size_t max_queued_bytes = 64 * 1024;
    // How often to look again for a host while none has the slave open (the
    // master reads EIO then, and waiting on it would spin).
    std::uint32_t hangup_poll_ms = 20;
  };
  struct Stats {
    std::uint64_t hosts = 0;           // times a host opened the terminal
    std::uint64_t frames_in = 0;       // frames the host put on the bus
    std::uint64_t frames_out = 0;      // bus frames queued for the host
    std::uint64_t frames_dropped = 0;  // bus frames lost: the host was that far behind
    std::uint64_t malformed = 0;       // commands that did not parse, answered BEL
    std::uint64_t refused = 0;         // commands in the wrong state (a frame while closed), answered BEL
    std::uint64_t oversized = 0;       // lines longer than kSlcanMaxLine, dropped
    std::uint64_t frames_refused = 0;  // frames beyond kMaxReceivedFrames waiting for the bus, answered BEL
  };
  // Frames from the host waiting for take_received(), at most (as the
  // socketcand server's): only a host sending faster than any CAN bus meets it.
  static constexpr std::size_t kMaxReceivedFrames = 65536;

  // Opens the pty and makes the link; on failure returns null and sets
  // `error`, naming the path (it exists and is not a link to a pty, its
  // folder is missing, no pty available).
  static std::unique_ptr<SlcanPty> open(boost::asio::io_context& io, const Options& options, std::string& error);
  ~SlcanPty();
  SlcanPty(const SlcanPty&) = delete;
  SlcanPty& operator=(const SlcanPty&) = delete;

  const std::string& slave_path() const { return slave_path_; }
  const std::string& link_path() const { return options_.link_path; }
  // Frames the host sent since the last call, in order.
  std::vector<bus::CanFrame> take_received();
  // A bus frame ended at time_ns (its time stamp with "Z1"), to the host if
  // the channel is open.
  void deliver(const bus::CanFrame& frame, std::int64_t time_ns);
  // Error passive / bus-off of the gateway's controller, for "F" (the data
  // overrun flag is this adapter's own).
  void set_bus_flags(std::uint8_t flags) { bus_flags_ = flags; }
  const SlcanChannel& channel() const { return channel_; }
  // The last bit rate a host set with "S" (0: none yet), kept when the host
  // leaves (slcand may set it and go before the caller looks).
  std::uint32_t requested_bitrate_bps() const { return requested_bitrate_bps_; }
  Stats stats() const;

  struct Port;  // the asynchronous side; outlives this object until its handlers have run

 private:
  explicit SlcanPty(const Options& options) : options_(options) {}
  void on_bytes(const char* data, std::size_t n);
  void on_hangup();
  void queue(const std::string& text, bool is_frame);

  Options options_;
  std::string slave_path_;
  std::shared_ptr<Port> port_;
  SlcanParser parser_;
  SlcanChannel channel_;
  std::vector<bus::CanFrame> received_;
  std::string reply_, scratch_;
  std::uint8_t bus_flags_ = 0;
  std::uint32_t requested_bitrate_bps_ = 0;
  bool overrun_ = false;  // frames dropped since the host last read "F"
  bool host_attached_ = false;
  Stats stats_;
};

}  // namespace stacksim::io
