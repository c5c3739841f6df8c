#include "sim/link_delay.hpp"

#include <algorithm>
#include <cassert>
#include <limits>

namespace stacksim::sim {
namespace {

// std::push_heap keeps the largest on top: "later" orders the earliest due
// (then the earliest arrival) to the top.
struct Later {
  template <typename W>
  bool operator()(const W& a, const W& b) const {
    if (a.delivery.due_ns != b.delivery.due_ns) return a.delivery.due_ns > b.delivery.due_ns;
    return a.arrival > b.arrival;
  }
};

}  // namespace

LinkDelay::LinkDelay(std::size_t boards, std::size_t max_waiting)
    : channels_(boards * 2), max_waiting_(max_waiting) {}

void LinkDelay::set(std::size_t board, bool can, std::int64_t delay_ns) {
  assert(delay_ns >= 0);
  channels_[index(board, can)].delay_ns = delay_ns;
}

std::optional<std::int64_t> LinkDelay::admit(std::size_t channel, std::int64_t arrived_ns) {
  Channel& c = channels_[channel];
  if (c.waiting >= max_waiting_) {
    ++lost_;
    return std::nullopt;
  }
  std::int64_t due_ns = arrived_ns + c.delay_ns;
  // Behind what is still in flight: after the delay ends or shrinks, a frame
  // must not overtake the ones that arrived before it.
  if (c.waiting > 0) due_ns = std::max(due_ns, c.last_due_ns);
  c.last_due_ns = due_ns;
  ++c.waiting;
  return due_ns;
}

void LinkDelay::push(Delivery delivery) {
  heap_.push_back(Waiting{std::move(delivery), arrivals_++});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
}

void LinkDelay::hold_can(std::size_t board, const ssim_can_frame& frame, std::int64_t arrived_ns) {
  const auto due_ns = admit(index(board, true), arrived_ns);
  if (!due_ns) return;
  Delivery d;
  d.board = board;
  d.can = true;
  d.due_ns = *due_ns;
  d.frame = frame;
  push(std::move(d));
}

void LinkDelay::hold_rs485(std::size_t board, const std::uint8_t* data, std::size_t len, std::int64_t arrived_ns) {
  const auto due_ns = admit(index(board, false), arrived_ns);
  if (!due_ns) return;
  Delivery d;
  d.board = board;
  d.due_ns = *due_ns;
  d.bytes.assign(data, data + len);  // the line's buffer is reused for the next burst
  push(std::move(d));
}

std::int64_t LinkDelay::next_due_ns() const {
  return heap_.empty() ? std::numeric_limits<std::int64_t>::max() : heap_.front().delivery.due_ns;
}

std::optional<LinkDelay::Delivery> LinkDelay::pop_due(std::int64_t now_ns) {
  if (heap_.empty() || heap_.front().delivery.due_ns > now_ns) return std::nullopt;
  std::pop_heap(heap_.begin(), heap_.end(), Later{});
  Delivery d = std::move(heap_.back().delivery);
  heap_.pop_back();
  --channels_[index(d.board, d.can)].waiting;
  return d;
}

}  // namespace stacksim::sim
