// Delayed delivery on a link (docs/faults.md, link mode "delay"): what a board
// receives over the PCS CAN bus or its RS485 line reaches its controller or
// UART a fixed time after it arrived on the wire, as through a slow gateway or
// repeater in the board's cable. The bus itself is untouched: the sender got
// its acknowledgement, the other boards receive on time.
//
// Each board and bus is one first-in, first-out queue, so a frame never
// overtakes an earlier one: when the fault ends (or the delay shrinks), what
// is in flight is still delivered when it is due, and what arrives meanwhile
// waits behind it. Nothing is lost but the overflow of a full queue, which is
// counted. Times are the simulator's integer nanoseconds, given by the caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "stacksim/hal.h"

namespace stacksim::sim {

class LinkDelay {
 public:
  // Frames or bursts one board can have waiting on one bus. The densest
  // traffic a board receives (a GTX3000 string's RS485 line, a poll and a
  // report every 20 ms, ~100 bursts/s) fits 10 s, the longest delay, four
  // times over; a babbling bus does not, and its excess is lost.
  static constexpr std::size_t kMaxWaiting = 4096;

  explicit LinkDelay(std::size_t boards, std::size_t max_waiting = kMaxWaiting);

  // The delay of what the board receives on the PCS CAN bus (`can`) or its
  // RS485 line; 0 ends it (what waits is still delivered in order).
  void set(std::size_t board, bool can, std::int64_t delay_ns);
  // Whether what arrives now must be queued: the delay is on, or earlier
  // arrivals still wait (order is kept after the fault ends).
  bool holds(std::size_t board, bool can) const { return channels_[index(board, can)].holds(); }

  // Queue what arrived at arrived_ns; it is due delay later, but never
  // before what the same board and bus received earlier.
  void hold_can(std::size_t board, const ssim_can_frame& frame, std::int64_t arrived_ns);
  void hold_rs485(std::size_t board, const std::uint8_t* data, std::size_t len, std::int64_t arrived_ns);

  struct Delivery {
    std::size_t board = 0;
    bool can = false;
    std::int64_t due_ns = 0;
    ssim_can_frame frame{};            // can
    std::vector<std::uint8_t> bytes;  // RS485
  };
  // When the earliest waiting delivery is due; INT64_MAX if nothing waits.
  std::int64_t next_due_ns() const;
  // The earliest delivery due at or before now_ns, taken off its queue; at
  // one instant, in the order they arrived (whatever the board).
  std::optional<Delivery> pop_due(std::int64_t now_ns);

  std::size_t waiting(std::size_t board, bool can) const { return channels_[index(board, can)].waiting; }
  // Dropped because the board's queue was full.
  std::uint64_t lost() const { return lost_; }

 private:
  struct Channel {
    std::int64_t delay_ns = 0;
    std::int64_t last_due_ns = 0;  // of the latest arrival queued
    std::size_t waiting = 0;
    bool holds() const { return delay_ns > 0 || waiting > 0; }
  };
  struct Waiting {
    Delivery delivery;
    std::uint64_t arrival = 0;  // breaks ties between boards, in arrival order
  };
  static std::size_t index(std::size_t board, bool can) { return board * 2 + (can ? 0 : 1); }
  // The channel's due time for an arrival, or nothing if its queue is full.
  std::optional<std::int64_t> admit(std::size_t channel, std::int64_t arrived_ns);
  void push(Delivery delivery);

  std::vector<Channel> channels_;
  std::size_t max_waiting_;
  std::vector<Waiting> heap_;  // every channel's queue at once, earliest due first
  std::uint64_t arrivals_ = 0;
  std::uint64_t lost_ = 0;
};

}  // namespace stacksim::sim
