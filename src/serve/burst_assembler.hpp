// Groups the bytes a real device sends on an RS485 line into bursts, as a
// UART receiver's idle detection does: a burst ends when the line has been
// quiet for the gap. RS485 has no frame delimiter on the wire; the simulated
// line (bus/rs485_line.hpp) hands its receivers one burst per transmission,
// so what comes from outside must be cut the same way.
//
// Why the gap and not "everything since the last step": a frame that arrives
// across a step boundary would be cut in two, and every protocol on these
// lines (the GTX3000 internal bus, Modbus RTU) drops a frame that is not whole.
// The gap is Modbus RTU's t3.5 (Modbus over serial line V1.02, 2.5.1.1): 3.5
// character times, fixed at 1.75 ms above 19200 baud, which also absorbs the
// scheduling and USB-adapter jitter of the arrival times (read on the wall
// clock when the bytes are handed over, not when they crossed the wire).
// A burst is released only once its gap has passed, so it waits at most one
// step longer than the gap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace stacksim::serve {

class BurstAssembler {
 public:
  static constexpr std::size_t kMaxBurstBytes = 1024;  // longer: cut, the rest dropped (counted)
  static constexpr std::size_t kMaxBursts = 256;        // complete bursts waiting; beyond: dropped (counted)

  explicit BurstAssembler(std::int64_t gap_ns) : gap_ns_(gap_ns) {}
  // Modbus RTU's t3.5 at `baud` with `bits_per_byte` bits per character.
  static std::int64_t idle_gap_ns(std::uint32_t baud, int bits_per_byte);

  // Bytes handed over at wall_ns (non-decreasing).
  void add(const std::uint8_t* data, std::size_t len, std::int64_t wall_ns);
  // The bursts complete at wall_ns (their last byte gap_ns or more before), in order.
  std::vector<std::vector<std::uint8_t>> take(std::int64_t wall_ns);

  std::int64_t gap_ns() const { return gap_ns_; }
  std::uint64_t cut() const { return cut_; }          // bursts longer than kMaxBurstBytes
  std::uint64_t dropped() const { return dropped_; }  // whole bursts lost to a full queue

 private:
  void close();

  std::int64_t gap_ns_;
  std::vector<std::uint8_t> current_;
  std::int64_t last_ns_ = 0;
  bool current_cut_ = false;
  std::deque<std::vector<std::uint8_t>> complete_;
  std::uint64_t cut_ = 0, dropped_ = 0;
};

}  // namespace stacksim::serve
