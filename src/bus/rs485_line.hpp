// A deterministic in-process RS485 line: half-duplex, byte timing of a UART,
// receivers that hand over one burst when the line goes idle after it, and
// collisions when two drivers are enabled at once. docs/buses.md has the model.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "bus/taps.hpp"

namespace stacksim::bus {

class Rs485Line {
 public:
  // bits_per_byte: start + 8 data + stop (+ parity, + second stop) >= 10.
  Rs485Line(std::string name, std::uint32_t baud = 115200, int bits_per_byte = 10);

  // corrupted: the burst overlapped another node's; data is then what a
  // receiver synchronised on this burst's start bits reads off the wire.
  using Receive =
      std::function<void(const std::uint8_t* data, std::size_t len, bool corrupted, std::int64_t end_ns)>;
  std::size_t attach(std::string node_name, Receive on_receive);

  // A burst as the line carried it, for observers (bus logs): `data` is what
  // a receiver synchronised on it reads (for a corrupted burst, not what the
  // sender meant), end_ns when its last stop bit ended.
  struct BurstView {
    std::size_t sender = 0;
    const std::uint8_t* data = nullptr;
    std::size_t len = 0;
    std::int64_t start_ns = 0;
    std::int64_t end_ns = 0;
    bool corrupted = false;
  };
  // Called for every burst an attached node put on the line, once it is
  // delivered (only then is `corrupted` final), before the receivers'
  // callbacks. Same rules as a Receive callback. Returns a handle for remove_tap().
  using Tap = std::function<void(const BurstView&)>;
  std::size_t add_tap(Tap tap) {
    assert(!advancing_ && "add_tap() called from a callback");
    return taps_.add(std::move(tap));
  }
  void remove_tap(std::size_t handle) { taps_.remove(handle); }

  // Enables the node's driver for len bytes starting at max(now_ns, end of this
  // node's own previous burst). An unplugged node's driver still takes the time.
  void write(std::size_t node, const std::uint8_t* data, std::size_t len, std::int64_t now_ns);
  // Delivers bursts whose last stop bit ended <= until_ns, in time order (equal
  // ends: by sending node index). Callbacks may write() but not advance().
  void advance(std::int64_t until_ns);
  std::int64_t next_event_ns() const { return next_event_ns_; }
  // Unplugged: what the node writes does not reach the line and it receives
  // nothing. Bursts already on the line stay there.
  void set_attached(std::size_t node, bool connected);

  struct Stats {
    std::uint64_t bursts = 0;      // put on the line by attached nodes
    std::uint64_t bytes = 0;
    std::uint64_t collisions = 0;  // pairs of bursts that overlapped in time
  };
  const Stats& stats() const { return stats_; }
  std::size_t node_count() const { return nodes_.size(); }
  const std::string& node_name(std::size_t node) const { return nodes_[node].name; }
  const std::string& name() const { return name_; }
  std::uint32_t baud() const { return baud_; }
  int bits_per_byte() const { return bits_per_byte_; }
  // Line time of len bytes: len * bits_per_byte * 1e9 / baud, one division.
  std::int64_t burst_ns(std::size_t len) const;

 private:
  static constexpr std::int64_t kNever = INT64_MAX;

  struct Burst {
    std::size_t node = 0;
    std::int64_t start_ns = 0;
    std::int64_t end_ns = 0;
    std::vector<std::uint8_t> sent;
    std::vector<std::uint8_t> received;
    bool corrupted = false;
  };
  struct Node {
    std::string name;
    Receive on_receive;
    bool attached = true;
    std::int64_t driver_free_ns = INT64_MIN;
  };

  int wire_level(const Burst& b, std::int64_t t_ns) const;
  void superimpose(Burst& victim, const Burst& other) const;
  void refresh();

  std::string name_;
  std::uint32_t baud_;
  int bits_per_byte_;
  std::vector<Node> nodes_;
  std::vector<Burst> pending_;  // in the order written
  Taps<const BurstView&> taps_;
  Stats stats_;
  std::int64_t next_event_ns_ = kNever;
  bool advancing_ = false;
};

}  // namespace stacksim::bus
