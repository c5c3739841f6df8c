#include "bus/rs485_line.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

#include "bus/timing.hpp"

namespace stacksim::bus {

Rs485Line::Rs485Line(std::string name, std::uint32_t baud, int bits_per_byte)
    : name_(std::move(name)), baud_(baud), bits_per_byte_(bits_per_byte) {
  assert(baud_ > 0 && bits_per_byte_ >= 10);
}

std::int64_t Rs485Line::burst_ns(std::size_t len) const {
  return bits_to_ns(static_cast<std::int64_t>(len) * bits_per_byte_, baud_);
}

std::size_t Rs485Line::attach(std::string node_name, Receive on_receive) {
  assert(!advancing_);
  nodes_.push_back(Node{std::move(node_name), std::move(on_receive), true, INT64_MIN});
  return nodes_.size() - 1;
}

void Rs485Line::set_attached(std::size_t node, bool connected) {
  assert(node < nodes_.size());
  nodes_[node].attached = connected;
}

// The level burst b drives at t: start bit 0, data LSB first, then mark
// (stop, parity and idle are all taken as 1).
int Rs485Line::wire_level(const Burst& b, std::int64_t t_ns) const {
  if (t_ns < b.start_ns || t_ns >= b.end_ns) return 1;
  const std::int64_t dt = t_ns - b.start_ns;
  assert(dt <= INT64_MAX / baud_);
  // Bit m spans [start + bits_to_ns(m), start + bits_to_ns(m + 1)); the
  // estimate is off by at most one because bits_to_ns rounds down.
  std::int64_t m = dt * baud_ / kNsPerSecond;
  while (bits_to_ns(m + 1, baud_) <= dt) ++m;
  while (m > 0 && bits_to_ns(m, baud_) > dt) --m;
  const auto byte = static_cast<std::size_t>(m / bits_per_byte_);
  const auto bit = static_cast<int>(m % bits_per_byte_);
  if (bit == 0) return 0;
  if (bit <= 8) return (b.sent[byte] >> (bit - 1)) & 1;
  return 1;
}

// A receiver synchronised on victim's start bits samples each data bit in its
// middle; what it reads is the wired AND of both drivers at that instant.
void Rs485Line::superimpose(Burst& victim, const Burst& other) const {
  for (std::size_t i = 0; i < victim.received.size(); ++i) {
    for (int k = 1; k <= 8; ++k) {
      const std::int64_t half_bits = 2 * (static_cast<std::int64_t>(i) * bits_per_byte_ + k) + 1;
      const std::int64_t sample_ns = victim.start_ns + half_bits * kNsPerSecond / (2 * std::int64_t{baud_});
      if (wire_level(other, sample_ns) == 0) {
        victim.received[i] = static_cast<std::uint8_t>(victim.received[i] & ~(1u << (k - 1)));
      }
    }
  }
}

void Rs485Line::write(std::size_t node, const std::uint8_t* data, std::size_t len, std::int64_t now_ns) {
  assert(node < nodes_.size() && (data != nullptr || len == 0));
  if (len == 0) return;
  Node& n = nodes_[node];
  Burst b;
  b.node = node;
  b.start_ns = std::max(now_ns, n.driver_free_ns);
  b.end_ns = b.start_ns + burst_ns(len);
  n.driver_free_ns = b.end_ns;
  if (!n.attached) return;
  b.sent.assign(data, data + len);
  b.received = b.sent;
  // Only undelivered bursts can overlap: a delivered one ended at or before
  // the time the line has been advanced to, and writes start no earlier.
  for (Burst& p : pending_) {
    if (p.node == node || p.start_ns >= b.end_ns || b.start_ns >= p.end_ns) continue;
    superimpose(b, p);
    superimpose(p, b);
    b.corrupted = true;
    p.corrupted = true;
    ++stats_.collisions;
  }
  ++stats_.bursts;
  stats_.bytes += len;
  pending_.push_back(std::move(b));
  refresh();
}

void Rs485Line::advance(std::int64_t until_ns) {
  assert(!advancing_ && "advance() called from a receive callback");
  if (until_ns < next_event_ns_) return;
  advancing_ = true;
  for (;;) {
    auto due = pending_.end();
    for (auto it = pending_.begin(); it != pending_.end(); ++it) {
      if (it->end_ns > until_ns) continue;
      if (due == pending_.end() || std::pair(it->end_ns, it->node) < std::pair(due->end_ns, due->node)) due = it;
    }
    if (due == pending_.end()) break;
    // Out of the list before the callbacks, which may write().
    const Burst b = std::move(*due);
    pending_.erase(due);
    taps_.call(BurstView{b.node, b.received.data(), b.received.size(), b.start_ns, b.end_ns, b.corrupted});
    for (std::size_t r = 0; r < nodes_.size(); ++r) {
      if (r == b.node || !nodes_[r].attached || !nodes_[r].on_receive) continue;
      nodes_[r].on_receive(b.received.data(), b.received.size(), b.corrupted, b.end_ns);
    }
  }
  advancing_ = false;
  refresh();
}

void Rs485Line::refresh() {
  next_event_ns_ = kNever;
  for (const Burst& b : pending_) next_event_ns_ = std::min(next_event_ns_, b.end_ns);
}

}  // namespace stacksim::bus
