#include "bus/can_bus.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <tuple>
#include <utility>

#include "bus/timing.hpp"

namespace stacksim::bus {
namespace {

constexpr std::uint16_t kPassiveLimit = 128;
constexpr std::uint16_t kBusOffAbove = 255;
constexpr std::uint16_t kRecCeiling = 255;  // like an 8-bit register; REC never causes bus-off
constexpr std::int64_t kRecoveryBits = 128 * 11;

}  // namespace

CanBus::CanBus(std::string name, std::uint32_t bitrate_bps, std::size_t tx_queue_depth)
    : name_(std::move(name)), bitrate_bps_(bitrate_bps), queue_depth_(tx_queue_depth) {
  assert(bitrate_bps_ > 0 && queue_depth_ > 0);
}

std::int64_t CanBus::bits_ns(std::int64_t bits) const { return bits_to_ns(bits, bitrate_bps_); }

std::size_t CanBus::attach(std::string node_name, Receive on_receive) {
  assert(!advancing_);
  Node n;
  n.name = std::move(node_name);
  n.on_receive = std::move(on_receive);
  n.ring.resize(queue_depth_);
  nodes_.push_back(std::move(n));
  refresh();  // a new listener turns a pending ACK error into a success
  return nodes_.size() - 1;
}

CanBus::SendResult CanBus::send(std::size_t node, const CanFrame& f, std::int64_t now_ns) {
  assert(node < nodes_.size() && can_frame_valid(f));
  Node& n = nodes_[node];
  if (n.state == ErrorState::kBusOff) {
    if (n.recovery_end_ns > now_ns) return SendResult::kBusOff;
    finish_recovery(n);
  }
  if (n.queued == queue_depth_ || n.babbling) return SendResult::kQueueFull;
  Pending& p = n.ring[(n.head + n.queued) % queue_depth_];
  p.frame = f;
  p.queued_ns = now_ns;
  p.bits = attempt_bits(f);
  p.key = can_arbitration_key(f);
  ++n.queued;
  if (!advancing_) refresh();
  return SendResult::kQueued;
}

const CanAttemptBits& CanBus::attempt_bits(const CanFrame& f) {
  std::uint64_t payload = 0;
  static_assert(sizeof payload == sizeof f.data);
  std::memcpy(&payload, f.data.data(), sizeof payload);
  // Bytes past the DLC do not change the count; comparing all eight is
  // simpler and at worst costs a recount.
  std::uint64_t h = payload ^ (std::uint64_t{f.id} << 5) ^ f.dlc ^ (std::uint64_t{f.extended} << 37) ^
                    (std::uint64_t{f.rtr} << 38);
  h *= 0x9E3779B97F4A7C15ull;
  BitsMemo& m = bits_memo_[h >> 58];
  static_assert(kBitsMemoSize == 64);
  const CanFrame& g = m.frame;
  if (!m.valid || g.id != f.id || g.extended != f.extended || g.rtr != f.rtr || g.dlc != f.dlc || g.data != f.data) {
    m.frame = f;
    m.bits = can_attempt_bits(f);
    m.valid = true;
  }
  return m.bits;
}

void CanBus::recover(std::size_t node, std::int64_t now_ns) {
  assert(node < nodes_.size());
  Node& n = nodes_[node];
  if (n.state != ErrorState::kBusOff || n.recovery_end_ns != kNever) return;
  n.recovery_end_ns = now_ns + bits_ns(kRecoveryBits);
  if (!advancing_) refresh();
}

void CanBus::set_babbling(std::size_t node, const CanFrame* frame, std::int64_t now_ns) {
  assert(node < nodes_.size());
  Node& n = nodes_[node];
  n.head = 0;
  n.queued = 0;
  n.babbling = false;
  if (frame != nullptr) {
    send(node, *frame, now_ns);
    n.babbling = true;
  }
  if (!advancing_) refresh();
}

void CanBus::set_transmit_fault(std::size_t node, bool on) {
  assert(node < nodes_.size());
  nodes_[node].transmit_fault = on;
  if (!advancing_) refresh();
}

void CanBus::set_attached(std::size_t node, bool connected) {
  assert(node < nodes_.size());
  Node& n = nodes_[node];
  if (n.attached == connected) return;
  n.attached = connected;
  // An attempt on the stub is abandoned when the cable goes back in; the
  // frame stays at the head of the queue and meets the real bus next.
  n.stub = Segment{};
  if (!advancing_) refresh();
}

std::int64_t CanBus::ready_ns(const Node& n) const {
  return std::max(head_of(n).queued_ns, n.suspend_until_ns);
}

bool CanBus::has_listener(std::size_t sender) const {
  for (std::size_t j = 0; j < nodes_.size(); ++j) {
    if (j != sender && nodes_[j].attached && nodes_[j].state != ErrorState::kBusOff) return true;
  }
  return false;
}

std::optional<CanBus::Plan> CanBus::plan(std::size_t segment_id) const {
  if (segment_id != kMain) {
    const Node& n = nodes_[segment_id];
    if (n.attached || !can_transmit(n)) return std::nullopt;
    // An error-passive node alone on its stub retries forever without any
    // observable change (ACK errors leave its TEC alone), so nothing is due.
    if (n.state == ErrorState::kPassive && !n.transmit_fault) return std::nullopt;
    return Plan{segment_id, std::max({n.stub.free_ns, ready_ns(n), now_ns_})};
  }
  // Nothing is decided in the past: a node plugged back in competes from
  // now. The arbitration starts at max(free, now, earliest ready); every node
  // ready by then competes. In one pass: the best of the nodes ready by
  // max(free, now), and the best of those ready earliest after it.
  const std::int64_t base = std::max(main_.free_ns, now_ns_);
  std::size_t best_now = SIZE_MAX;
  std::uint64_t key_now = 0;
  std::size_t best_later = SIZE_MAX;
  std::uint64_t key_later = 0;
  std::int64_t later_ns = kNever;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    const Node& n = nodes_[i];
    if (!n.attached || !can_transmit(n)) continue;
    const std::int64_t ready = ready_ns(n);
    const std::uint64_t key = head_of(n).key;
    // Equal keys: the lower node index wins.
    if (ready <= base) {
      if (best_now == SIZE_MAX || key < key_now) {
        best_now = i;
        key_now = key;
      }
    } else if (ready < later_ns || (ready == later_ns && key < key_later)) {
      best_later = i;
      key_later = key;
      later_ns = ready;
    }
  }
  if (best_now != SIZE_MAX) return Plan{best_now, base};
  if (best_later != SIZE_MAX) return Plan{best_later, later_ns};
  return std::nullopt;
}

CanBus::Attempt CanBus::make_attempt(std::size_t segment_id, const Plan& p) const {
  const Node& n = nodes_[p.node];
  const CanAttemptBits& bits = head_of(n).bits;
  Attempt a;
  a.node = p.node;
  a.start_ns = p.start_ns;
  if (n.transmit_fault) {
    a.outcome = Outcome::kBitError;
    a.bits = bits.bit_error;
  } else if (segment_id == kMain && has_listener(p.node)) {
    a.outcome = Outcome::kSuccess;
    a.bits = bits.success;
  } else {
    a.outcome = Outcome::kAckError;
    a.bits = bits.ack_error;
  }
  a.end_ns = a.start_ns + bits_ns(a.bits);
  return a;
}

bool CanBus::repeats_unchanged(const Attempt& a) const {
  return a.outcome == Outcome::kAckError && nodes_[a.node].state == ErrorState::kPassive;
}

void CanBus::commit(std::size_t segment_id, const Plan& p, std::int64_t until_ns) {
  const Attempt a = make_attempt(segment_id, p);
  if (segment_id == kMain && repeats_unchanged(a)) {
    // A lone error-passive node retries identically until someone can ACK:
    // account for all its attempts up to that point at once instead of one
    // event per attempt (a lost link would otherwise cost ~3000 events/s).
    std::int64_t limit = until_ns;
    for (const Node& n : nodes_) limit = std::min(limit, n.recovery_end_ns);
    if (a.end_ns <= limit) {
      const std::int64_t attempt_ns = a.end_ns - a.start_ns;
      const std::int64_t suspend_ns = bits_ns(kCanSuspendBits);
      const std::int64_t period_ns = attempt_ns + suspend_ns;
      const std::int64_t count = (limit - a.end_ns) / period_ns + 1;
      stats_.error_frames += static_cast<std::uint64_t>(count);
      stats_.bits += static_cast<std::uint64_t>(count * a.bits);
      stats_.busy_ns += count * attempt_ns;
      main_.free_ns = a.end_ns + (count - 1) * period_ns;
      nodes_[a.node].suspend_until_ns = main_.free_ns + suspend_ns;
      return;
    }
  }
  segment(segment_id).in_flight = a;
}

void CanBus::update_state(Node& n) {
  if (n.state == ErrorState::kBusOff) return;
  if (n.tec > kBusOffAbove) {
    n.state = ErrorState::kBusOff;
    n.head = 0;
    n.queued = 0;  // a bus-off controller drops what it had queued
    n.suspend_until_ns = INT64_MIN;
    n.recovery_end_ns = kNever;
  } else if (n.tec >= kPassiveLimit || n.rec >= kPassiveLimit) {
    n.state = ErrorState::kPassive;
  } else {
    n.state = ErrorState::kActive;
  }
}

void CanBus::finish_recovery(Node& n) {
  n.state = ErrorState::kActive;
  n.tec = 0;
  n.rec = 0;
  n.recovery_end_ns = kNever;
  n.suspend_until_ns = INT64_MIN;
}

void CanBus::complete(std::size_t segment_id) {
  Segment& seg = segment(segment_id);
  const Attempt a = *seg.in_flight;
  seg.in_flight.reset();
  seg.free_ns = a.end_ns;
  Node& tx = nodes_[a.node];
  const bool on_main = segment_id == kMain;

  receivers_.clear();
  if (on_main) {
    stats_.bits += static_cast<std::uint64_t>(a.bits);
    stats_.busy_ns += a.end_ns - a.start_ns;
    for (std::size_t j = 0; j < nodes_.size(); ++j) {
      if (j != a.node && nodes_[j].attached && nodes_[j].state != ErrorState::kBusOff) {
        receivers_.push_back(j);
      }
    }
  }

  CanFrame delivered;
  switch (a.outcome) {
    case Outcome::kSuccess:
      delivered = head_of(tx).frame;
      if (!tx.babbling) {
        tx.head = (tx.head + 1) % queue_depth_;
        --tx.queued;
      } else {
        tx.ring[tx.head].queued_ns = a.end_ns;  // again, at once
      }
      if (tx.tec > 0) --tx.tec;
      ++stats_.frames;
      for (const std::size_t r : receivers_) {
        Node& rx = nodes_[r];
        // ISO 11898-1: above 127 the REC drops back into 119..127; we take 127.
        rx.rec = rx.rec > 127 ? std::uint16_t{127} : static_cast<std::uint16_t>(rx.rec > 0 ? rx.rec - 1 : 0);
        update_state(rx);
      }
      break;
    case Outcome::kBitError:
      tx.tec = static_cast<std::uint16_t>(tx.tec + 8);
      for (const std::size_t r : receivers_) {
        Node& rx = nodes_[r];
        if (rx.rec < kRecCeiling) ++rx.rec;
        update_state(rx);
      }
      break;
    case Outcome::kAckError:
      // The standard's exception: an error-passive transmitter that sees no
      // ACK does not count it, so a lone node stays error-passive forever.
      if (tx.state != ErrorState::kPassive) tx.tec = static_cast<std::uint16_t>(tx.tec + 8);
      break;
  }
  if (on_main && a.outcome != Outcome::kSuccess) ++stats_.error_frames;
  update_state(tx);
  if (tx.state == ErrorState::kPassive) tx.suspend_until_ns = a.end_ns + bits_ns(kCanSuspendBits);
  else if (tx.state == ErrorState::kActive) tx.suspend_until_ns = INT64_MIN;

  if (a.outcome != Outcome::kSuccess) return;
  taps_.call(delivered, a.end_ns, a.node);
  // Callbacks may send() or change faults but not advance(), so the receiver
  // list stays valid while it is walked.
  for (const std::size_t r : receivers_) {
    if (nodes_[r].on_receive) nodes_[r].on_receive(delivered, a.end_ns);
  }
}

void CanBus::advance(std::int64_t until_ns) {
  assert(!advancing_ && "advance() called from a receive callback");
  if (until_ns < wake_ns_) {
    now_ns_ = std::max(now_ns_, until_ns);
    return;
  }
  advancing_ = true;
  enum Kind { kRecovery = 0, kCompletion = 1, kCommit = 2 };
  for (;;) {
    // Earliest action first; at one instant recoveries, then completions
    // (whose callbacks may queue frames), then arbitrations; the shared bus
    // before the stubs, then node index.
    std::optional<std::tuple<std::int64_t, int, std::size_t>> best;
    std::optional<Plan> best_plan;  // the plan of the best kCommit candidate
    const auto consider = [&best](std::int64_t t, int kind, std::size_t order) {
      const auto candidate = std::make_tuple(t, kind, order);
      if (best && !(candidate < *best)) return false;
      best = candidate;
      return true;
    };
    const auto consider_segment = [&](std::size_t id, std::size_t order) {
      const Segment& seg = segment(id);
      if (seg.in_flight) {
        if (seg.in_flight->end_ns <= until_ns) consider(seg.in_flight->end_ns, kCompletion, order);
      } else if (const auto p = plan(id); p && p->start_ns < until_ns) {
        if (consider(p->start_ns, kCommit, order)) best_plan = p;
      }
    };
    consider_segment(kMain, 0);
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      if (nodes_[i].recovery_end_ns <= until_ns) consider(nodes_[i].recovery_end_ns, kRecovery, i + 1);
      if (!nodes_[i].attached) consider_segment(i, i + 1);
    }
    if (!best) break;
    const auto [t, kind, order] = *best;
    now_ns_ = std::max(now_ns_, t);
    const std::size_t id = order == 0 ? kMain : order - 1;
    if (kind == kRecovery) {
      finish_recovery(nodes_[id]);
    } else if (kind == kCompletion) {
      complete(id);
    } else {
      // The same plan plan(id) would give now: its start is already >= now_ns_.
      commit(id, *best_plan, until_ns);
    }
  }
  now_ns_ = std::max(now_ns_, until_ns);
  advancing_ = false;
  refresh();
}

void CanBus::refresh() {
  std::int64_t wake = kNever;
  std::int64_t next = kNever;
  const auto consider_segment = [&](std::size_t id) {
    const Segment& seg = segment(id);
    if (seg.in_flight) {
      wake = std::min(wake, seg.in_flight->end_ns);
      next = std::min(next, seg.in_flight->end_ns);
    } else if (const auto p = plan(id)) {
      // The arbitration at start is decided by the first advance() past it.
      wake = std::min(wake, p->start_ns + 1);
      next = std::min(next, make_attempt(id, *p).end_ns);
    }
  };
  consider_segment(kMain);
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    wake = std::min(wake, nodes_[i].recovery_end_ns);
    next = std::min(next, nodes_[i].recovery_end_ns);
    if (!nodes_[i].attached) consider_segment(i);
  }
  wake_ns_ = wake;
  next_event_ns_ = next;
}

}  // namespace stacksim::bus
