// The PCS link's transmit queue: frames with the time they are due, sent in
// order on CAN port 0 as the controller accepts them. It spaces a broadcast
// (frames 20 ms apart rather than all in one instant) and holds answers the
// controller could not take yet.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "stacksim/hal.h"

namespace stacksim::fw {

class PcsTxQueue {
 public:
  static constexpr std::size_t kCapacity = 48;
  static constexpr std::uint16_t kPort = 0;

  void configure(const ssim_hal* hal) { hal_ = hal; }
  // False (and counted as dropped) when the queue is full.
  bool push(const ssim_can_frame& frame, std::uint32_t due_ms);
  // Sends every due frame the controller takes; a busy controller keeps the
  // rest for the next call, a bus-off controller loses the frame (counted).
  void flush(std::uint32_t now_ms);
  void clear() { head_ = size_ = 0; }

  std::size_t size() const { return size_; }
  std::uint32_t sent() const { return sent_; }
  std::uint32_t dropped() const { return dropped_; }

 private:
  struct Entry {
    ssim_can_frame frame;
    std::uint32_t due_ms;
  };
  const ssim_hal* hal_ = nullptr;
  std::array<Entry, kCapacity> ring_{};
  std::size_t head_ = 0, size_ = 0;
  std::uint32_t sent_ = 0, dropped_ = 0;
};

// A set of frames every kPeriodMs, the frames kSpacingMs apart: real
// batteries spread their broadcast (diyBMS: 20 ms between frames [DIY-MAIN]).
class BroadcastTimer {
 public:
  static constexpr std::uint32_t kPeriodMs = 1000;
  static constexpr std::uint32_t kSpacingMs = 20;
  // True when a new broadcast is due: the first one as soon as the battery
  // talks, then every period; a battery that stops talking starts over.
  bool due(bool active, std::uint32_t now_ms) {
    if (!active) {
      started_ = false;
      return false;
    }
    if (started_ && now_ms - last_ms_ < kPeriodMs) return false;
    started_ = true;
    last_ms_ = now_ms;
    return true;
  }

 private:
  bool started_ = false;
  std::uint32_t last_ms_ = 0;
};

// Queues frames BroadcastTimer::kSpacingMs apart, the first at `first_ms`.
class SpacedBurst {
 public:
  SpacedBurst(PcsTxQueue& queue, std::uint32_t first_ms) : queue_(queue), due_ms_(first_ms) {}
  void operator()(const ssim_can_frame& frame) {
    queue_.push(frame, due_ms_);
    due_ms_ += BroadcastTimer::kSpacingMs;
  }

 private:
  PcsTxQueue& queue_;
  std::uint32_t due_ms_;
};

}  // namespace stacksim::fw
