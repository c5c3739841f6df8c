// A deterministic in-process classic CAN bus (ISO 11898-1 at frame level):
// arbitration by identifier, exact frame durations with stuff bits, error
// counters with error-active / error-passive / bus-off, ACK errors when nobody
// listens, bus-off recovery, and two injectable faults. What it models and
// what it does not: docs/buses.md.
//
// The bus decides nothing ahead of the caller: an arbitration at instant t is
// committed only once advance() has gone past t, so a frame queued at t by a
// node running at t still takes part in it.
#pragma once

#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bus/can_bits.hpp"
#include "bus/can_frame.hpp"
#include "bus/taps.hpp"

namespace stacksim::bus {

class CanBus {
 public:
  CanBus(std::string name, std::uint32_t bitrate_bps = 500000, std::size_t tx_queue_depth = 32);

  // end_ns is when the frame's last intermission bit ended. The callback may
  // call send() with now_ns = end_ns, and any fault or attach setter.
  using Receive = std::function<void(const CanFrame&, std::int64_t end_ns)>;
  std::size_t attach(std::string node_name, Receive on_receive);

  // An observer of the traffic (bus logs): called for every frame that
  // completes without error, once, before the receivers' callbacks, with the
  // index of the node that sent it. Same rules as a Receive callback.
  using Tap = std::function<void(const CanFrame&, std::int64_t end_ns, std::size_t sender_node)>;
  // Returns a handle for remove_tap(). Not from a callback.
  std::size_t add_tap(Tap tap) {
    assert(!advancing_ && "add_tap() called from a callback");
    return taps_.add(std::move(tap));
  }
  void remove_tap(std::size_t handle) { taps_.remove(handle); }

  enum class SendResult { kQueued, kQueueFull, kBusOff };
  // Precondition: can_frame_valid(f).
  SendResult send(std::size_t node, const CanFrame& f, std::int64_t now_ns);

  // Runs the medium through until_ns: every transmission that ends at or
  // before until_ns completes and is delivered, in time order.
  void advance(std::int64_t until_ns);
  // When the next transmission, error frame or recovery completes, given what
  // is queued now; INT64_MAX if nothing will.
  std::int64_t next_event_ns() const { return next_event_ns_; }

  enum class ErrorState { kActive, kPassive, kBusOff };
  ErrorState error_state(std::size_t node) const { return nodes_[node].state; }
  std::uint16_t tec(std::size_t node) const { return nodes_[node].tec; }
  std::uint16_t rec(std::size_t node) const { return nodes_[node].rec; }
  // Starts bus-off recovery: back to error-active with both counters 0 once
  // 128 x 11 bit times have elapsed. No effect unless the node is bus-off and
  // not already recovering.
  void recover(std::size_t node, std::int64_t now_ns);

  // Every frame this node starts is destroyed right after arbitration.
  void set_transmit_fault(std::size_t node, bool on);
  // A babbling node: its controller sends `frame` back to back for as long as
  // this lasts, everything else it had queued dropped (a stuck transmitter).
  // With identifier 0 it wins every arbitration and starves the bus.
  void set_babbling(std::size_t node, const CanFrame* frame, std::int64_t now_ns);
  // Unplugged: the node neither receives nor reaches the others; its own
  // attempts meet ACK errors on its cable stub. Takes effect at the next
  // arbitration (a transmission in progress completes).
  void set_attached(std::size_t node, bool connected);

  struct Stats {
    std::uint64_t frames = 0;        // completed without error
    std::uint64_t error_frames = 0;  // attempts ended by an error frame
    std::uint64_t bits = 0;          // bus bits, error frames and intermissions included
    std::int64_t busy_ns = 0;
  };
  const Stats& stats() const { return stats_; }
  std::size_t node_count() const { return nodes_.size(); }
  const std::string& name() const { return name_; }
  const std::string& node_name(std::size_t node) const { return nodes_[node].name; }
  std::uint32_t bitrate_bps() const { return bitrate_bps_; }
  std::int64_t bits_ns(std::int64_t bits) const;

 private:
  static constexpr std::int64_t kNever = INT64_MAX;
  static constexpr std::size_t kMain = SIZE_MAX;  // segment id of the shared bus

  enum class Outcome { kSuccess, kBitError, kAckError };
  struct Pending {
    CanFrame frame;
    std::int64_t queued_ns = 0;
    CanAttemptBits bits;
    std::uint64_t key = 0;
  };
  struct Attempt {
    std::size_t node = 0;
    std::int64_t start_ns = 0;
    std::int64_t end_ns = 0;
    int bits = 0;
    Outcome outcome = Outcome::kSuccess;
  };
  // A wire: the shared bus, or an unplugged node's own cable stub.
  struct Segment {
    std::int64_t free_ns = INT64_MIN;
    std::optional<Attempt> in_flight;
  };
  struct Node {
    std::string name;
    Receive on_receive;
    std::vector<Pending> ring;  // FIFO transmit queue
    std::size_t head = 0;
    std::size_t queued = 0;
    std::uint16_t tec = 0;
    std::uint16_t rec = 0;
    ErrorState state = ErrorState::kActive;
    bool attached = true;
    bool transmit_fault = false;
    bool babbling = false;
    std::int64_t suspend_until_ns = INT64_MIN;
    std::int64_t recovery_end_ns = kNever;
    Segment stub;
  };
  struct Plan {
    std::size_t node = 0;
    std::int64_t start_ns = 0;
  };

  const Pending& head_of(const Node& n) const { return n.ring[n.head]; }
  std::int64_t ready_ns(const Node& n) const;
  bool can_transmit(const Node& n) const { return n.queued > 0 && n.state != ErrorState::kBusOff; }
  bool has_listener(std::size_t sender) const;
  Segment& segment(std::size_t id) { return id == kMain ? main_ : nodes_[id].stub; }
  std::optional<Plan> plan(std::size_t segment_id) const;
  Attempt make_attempt(std::size_t segment_id, const Plan& p) const;
  bool repeats_unchanged(const Attempt& a) const;
  void commit(std::size_t segment_id, const Plan& p, std::int64_t until_ns);
  void complete(std::size_t segment_id);
  void finish_recovery(Node& n);
  void update_state(Node& n);
  void refresh();

  std::string name_;
  std::uint32_t bitrate_bps_;
  std::size_t queue_depth_;
  std::vector<Node> nodes_;
  Segment main_;
  Stats stats_;
  std::int64_t now_ns_ = INT64_MIN;  // how far advance() has run
  std::int64_t wake_ns_ = kNever;    // advance() before this has nothing to do
  std::int64_t next_event_ns_ = kNever;
  bool advancing_ = false;
  std::vector<std::size_t> receivers_;  // scratch for one delivery
  // Nodes send the same frames again and again (cyclic messages whose values
  // change slowly): the bit counts of recent frames, by frame content, so
  // send() counts stuff bits only for frames it has not seen lately.
  struct BitsMemo {
    CanFrame frame;
    CanAttemptBits bits;
    bool valid = false;
  };
  static constexpr std::size_t kBitsMemoSize = 64;
  std::array<BitsMemo, kBitsMemoSize> bits_memo_{};
  const CanAttemptBits& attempt_bits(const CanFrame& f);
  Taps<const CanFrame&, std::int64_t, std::size_t> taps_;
};

}  // namespace stacksim::bus
