#include "bus/can_bits.hpp"

#include <cassert>

namespace stacksim::bus {
namespace {

class BitWriter {
 public:
  explicit BitWriter(CanBitStream& s) : s_(s) {}
  void put(std::uint32_t value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      s_.bits[static_cast<std::size_t>(s_.count++)] = static_cast<std::uint8_t>((value >> i) & 1u);
    }
  }

 private:
  CanBitStream& s_;
};

}  // namespace

std::uint16_t can_crc15(std::span<const std::uint8_t> bits) {
  std::uint32_t crc = 0;
  for (const std::uint8_t bit : bits) {
    const std::uint32_t feedback = (bit & 1u) ^ ((crc >> 14) & 1u);
    crc = (crc << 1) & 0x7FFFu;
    if (feedback != 0) crc ^= 0x4599u;
  }
  return static_cast<std::uint16_t>(crc);
}

CanBitStream can_bit_stream(const CanFrame& f) {
  assert(can_frame_valid(f));
  CanBitStream s;
  BitWriter w(s);
  w.put(0, 1);  // SOF
  if (f.extended) {
    w.put(f.id >> 18, 11);
    w.put(1, 1);  // SRR
    w.put(1, 1);  // IDE
    w.put(f.id & 0x3FFFFu, 18);
    w.put(f.rtr ? 1u : 0u, 1);
    s.arbitration_end = s.count;
    w.put(0, 2);  // r1, r0
  } else {
    w.put(f.id, 11);
    w.put(f.rtr ? 1u : 0u, 1);
    s.arbitration_end = s.count;
    w.put(0, 2);  // IDE, r0
  }
  w.put(f.dlc, 4);
  const int n = can_data_bytes(f);
  for (int i = 0; i < n; ++i) w.put(f.data[static_cast<std::size_t>(i)], 8);
  s.crc_begin = s.count;
  const std::uint16_t crc =
      can_crc15(std::span<const std::uint8_t>(s.bits.data(), static_cast<std::size_t>(s.count)));
  w.put(crc, 15);
  return s;
}

int can_stuff_bits(std::span<const std::uint8_t> bits, std::size_t upto) {
  assert(upto <= bits.size());
  int stuffed = 0;
  int run = 0;
  std::uint8_t last = 2;  // no previous bit
  for (std::size_t i = 0; i < upto; ++i) {
    if (bits[i] == last) {
      ++run;
    } else {
      last = bits[i];
      run = 1;
    }
    if (run == 5) {
      ++stuffed;
      // The stuff bit is the complement and starts the next run.
      last = static_cast<std::uint8_t>(last ^ 1u);
      run = 1;
    }
  }
  return stuffed;
}

int can_frame_bits_unstuffed(const CanFrame& f) {
  return can_bit_stream(f).count + kCanTrailerBits + kCanIntermissionBits;
}

int can_frame_bits(const CanFrame& f) { return can_attempt_bits(f).success; }

// can_attempt_bits() is in can_attempt_bits.cpp: the same counts, fast.

}  // namespace stacksim::bus
