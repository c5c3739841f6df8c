// A raw SocketCAN socket (AF_CAN, SOCK_RAW, CAN_RAW) on one Linux CAN
// interface, on the caller's io_context (docs/serve.md, "SocketCAN"). Like
// the socketcand server it is polled by the serve loop between steps, so
// everything happens on one thread and frames enter the simulated bus only at
// step boundaries.
//
// Classic CAN only (CAN FD frames are not enabled on the socket, so the
// kernel does not deliver them). Standard, extended and remote frames both
// ways; a DLC of 9..15 goes out as len 8 with len8_dlc where the driver
// honours it. Error frames are on (CAN_RAW_ERR_FILTER): they are counted,
// never passed on, and move the controller state (error-active, -warning,
// -passive, bus-off), whose changes are logged on stderr. The socket does not
// receive its own frames (CAN_RAW_RECV_OWN_MSGS off, the kernel default);
// other sockets on the host do (candump sees what stacksim sends).
//
// Bounded: at most Options::max_received frames wait to be taken and
// Options::max_pending to be written (the interface's queue was full);
// beyond, frames are dropped and counted. A read that is not one whole
// classic frame is counted as malformed.
//
// The interface itself is queried through libsocketcan: its state, the
// controller's error counters and the link statistics where the driver has
// them (a virtual vcan/vxcan has no controller: those answer "unknown"), and
// the bit rate is set when asked (interface stopped, set, started again;
// refused with a clear error on an interface without bit timing).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/generic/raw_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bus/can_frame.hpp"

namespace stacksim::io {

// The controller's error state as the kernel's CAN_STATE_* has it.
enum class CanControllerState { kUnknown, kErrorActive, kErrorWarning, kErrorPassive, kBusOff, kStopped, kSleeping };
std::string_view can_controller_state_name(CanControllerState s);

class SocketcanPort {
 public:
  struct Options {
    std::string interface;             // e.g. "vcan0", "can0", "slcan0"
    std::uint32_t bitrate_bps = 0;     // 0: leave the interface's bit rate alone
    std::size_t max_received = 4096;   // frames waiting for take_received()
    std::size_t max_pending = 4096;    // frames waiting for the interface's queue
  };
  struct Stats {
    std::uint64_t frames_in = 0;        // data and remote frames received
    std::uint64_t frames_out = 0;       // frames written to the socket
    std::uint64_t frames_dropped = 0;   // lost: received beyond max_received, pending beyond max_pending, write failed
    std::uint64_t malformed = 0;        // reads that were not one valid classic CAN frame
    std::uint64_t error_frames = 0;     // error frames from the interface
    std::uint64_t state_changes = 0;    // controller state changes seen in error frames
  };
  // What libsocketcan says of the interface; nullopt where the driver has no
  // answer (vcan and vxcan have no controller).
  struct LinkInfo {
    CanControllerState state = CanControllerState::kUnknown;
    std::optional<std::uint32_t> bitrate_bps;
    std::optional<std::uint16_t> tx_errors, rx_errors;   // the controller's error counters
    std::optional<std::uint64_t> rx_packets, tx_packets, rx_dropped, tx_dropped;  // link statistics
  };

  // Opens and binds the socket; sets the bit rate first if asked. On failure
  // returns null and sets `error`: no CAN in the kernel (EAFNOSUPPORT), no
  // such interface, not a CAN interface, interface down, no bit timing on it
  // (vcan), no permission to set it.
  static std::unique_ptr<SocketcanPort> open(boost::asio::io_context& io, const Options& options,
                                             std::string& error);
  ~SocketcanPort();
  SocketcanPort(const SocketcanPort&) = delete;
  SocketcanPort& operator=(const SocketcanPort&) = delete;

  const std::string& interface() const { return options_.interface; }
  const std::string& kind() const { return kind_; }
  // Frames received since the last call, in arrival order (no error frames).
  std::vector<bus::CanFrame> take_received();
  // Writes a frame without blocking; if the interface's queue is full it
  // waits (bounded) and goes out, in order, when there is room.
  void send(const bus::CanFrame& frame);
  // The state the last error frame put the controller in (kUnknown before any).
  CanControllerState state() const { return state_; }
  Stats stats() const { return stats_; }
  LinkInfo link_info() const;

 private:
  SocketcanPort(boost::asio::io_context& io, Options options);
  void receive();
  void on_frame(const std::array<std::uint8_t, 128>& raw, std::size_t n);
  void on_error_frame(std::uint32_t can_id, const std::uint8_t* data);
  void set_state(CanControllerState s, std::string_view why);
  bool write_now(const bus::CanFrame& frame);  // false: the queue is full, try later
  void flush_pending();

  Options options_;
  boost::asio::generic::raw_protocol::socket socket_;
  std::array<std::uint8_t, 128> in_{};  // one read; larger than a frame so oversized reads show
  std::vector<bus::CanFrame> received_;
  std::deque<bus::CanFrame> pending_;
  boost::asio::steady_timer retry_;  // the next try at writing pending_
  bool waiting_to_write_ = false;
  std::string kind_;  // rtnetlink kind: "can" (a controller), "vcan", "vxcan"
  CanControllerState state_ = CanControllerState::kUnknown;
  Stats stats_;
};

}  // namespace stacksim::io
