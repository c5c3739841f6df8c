// can_attempt_bits() on the hot path of every send(): the same numbers as
// counting over can_bit_stream() with can_stuff_bits(), computed on the
// stream packed into one 128-bit integer: the CRC from independent per-byte
// tables, the stuff bits by jumping between runs of five with bit masks. tests/bus/can_attempt_bits_test.cpp
// checks it against that bit-by-bit path and the independent reference.
#include <array>
#include <cassert>
#include <cstdint>

#include "bus/can_bits.hpp"

namespace stacksim::bus {
namespace {

__extension__ using u128 = unsigned __int128;

constexpr std::uint16_t kCrcPoly = 0x4599;

constexpr std::uint16_t crc15_bit(std::uint16_t crc, unsigned bit) {
  const unsigned feedback = (bit & 1u) ^ ((crc >> 14) & 1u);
  crc = static_cast<std::uint16_t>((crc << 1) & 0x7FFFu);
  return feedback != 0 ? static_cast<std::uint16_t>(crc ^ kCrcPoly) : crc;
}

// The register after 8 bits of b (MSB first) from 0, and then after 8j more
// zero bits: kCrcTables[j][b]. The CRC starts at 0 and is linear, so the CRC
// of a stream is the XOR of each of its bytes' contribution counted from the
// end, and leading zero bits change nothing: the lookups are independent of
// each other instead of a chain of one per byte.
constexpr int kMaxStreamBytes = 13;  // extended, 8 data bytes: 103 bits
using CrcTables = std::array<std::array<std::uint16_t, 256>, kMaxStreamBytes>;
constexpr CrcTables make_crc_tables() {
  CrcTables t{};
  for (unsigned b = 0; b < 256; ++b) {
    std::uint16_t crc = 0;
    for (int i = 7; i >= 0; --i) crc = crc15_bit(crc, (b >> i) & 1u);
    for (auto& table : t) {
      table[b] = crc;
      for (int i = 0; i < 8; ++i) crc = crc15_bit(crc, 0);
    }
  }
  return t;
}
constexpr CrcTables kCrcTables = make_crc_tables();

// The unstuffed stream, first bit highest in the low `len` bits of `bits`.
struct Packed {
  u128 bits = 0;
  int len = 0;
  void put(std::uint32_t value, int width) {
    bits = bits << width | (value & ((std::uint64_t{1} << width) - 1));
    len += width;
  }
};

std::uint16_t crc15(const Packed& p) {
  // Bytes past the stream are zeros and add kCrcTables[j][0] = 0; a fixed
  // count unrolls into independent loads.
  std::uint16_t crc = 0;
  for (int j = 0; j < kMaxStreamBytes; ++j) {
    crc ^= kCrcTables[static_cast<std::size_t>(j)][static_cast<unsigned>(p.bits >> (8 * j)) & 0xFFu];
  }
  return crc;
}

// Bit positions counted from the first bit of the stream, which sits at the
// top of a 128-bit word: position p is bit 127 - p.
constexpr int position_of_first(u128 v) {
  const auto hi = static_cast<std::uint64_t>(v >> 64);
  return hi != 0 ? __builtin_clzll(hi) : 64 + __builtin_clzll(static_cast<std::uint64_t>(v));
}
constexpr bool at(u128 v, int p) { return ((v >> (127 - p)) & 1u) != 0; }

struct Stuffing {
  int before_arbitration_end = 0;
  int total = 0;
};

// Where can_stuff_bits() inserts a stuff bit, found by jumping from one to the
// next instead of walking every bit. equal[p]: bit p equals bit p - 1. A
// complement goes in after bit q when bits q-4 .. q are equal (equal[q-3..q])
// and bit q-4 is past the previous stuff bit. A stuff bit after q starts the
// next run, so bits q+1 .. q+4 make five with it when they all differ from
// bit q: not equal[q+1], equal[q+2..q+4]. Any later stuff bit is again five
// real bits in a row.
Stuffing count_stuffing(const Packed& p, int arbitration_end) {
  const u128 v = p.bits << (128 - p.len);
  const u128 in_stream = ~u128{0} << (128 - p.len);
  // Position 0 has no bit before it.
  const u128 equal = ~(v ^ (v >> 1)) & in_stream & (~u128{0} >> 1);
  const u128 five = equal & (equal >> 1) & (equal >> 2) & (equal >> 3);
  Stuffing s;
  u128 left = five;
  while (left != 0) {
    int q = position_of_first(left);
    for (;;) {
      ++s.total;
      if (q < arbitration_end) ++s.before_arbitration_end;
      const int a = q + 1;
      if (a + 3 >= p.len || at(equal, a) || !at(equal, a + 1) || !at(equal, a + 2) || !at(equal, a + 3)) break;
      q = a + 3;
    }
    const int from = q + 5;  // five real bits after the stuff bit end here at the earliest
    if (from >= 128) break;
    left = five & (~u128{0} >> from);
  }
  return s;
}

}  // namespace

CanAttemptBits can_attempt_bits(const CanFrame& f) {
  assert(can_frame_valid(f));
  Packed p;
  p.put(0, 1);  // SOF
  if (f.extended) {
    p.put(f.id >> 18, 11);
    p.put(0b11, 2);  // SRR, IDE
    p.put(f.id & 0x3FFFFu, 18);
  } else {
    p.put(f.id, 11);
  }
  p.put(f.rtr ? 1u : 0u, 1);
  const int arbitration_end = p.len;
  p.put(0, 2);  // IDE + r0, or r1 + r0
  p.put(f.dlc, 4);
  const int n = can_data_bytes(f);
  for (int i = 0; i < n; ++i) p.put(f.data[static_cast<std::size_t>(i)], 8);

  p.put(crc15(p), 15);
  const Stuffing stuffing = count_stuffing(p, arbitration_end);
  const int stuffed_arbitration = stuffing.before_arbitration_end;
  const int stuffed_total = p.len + stuffing.total;
  CanAttemptBits a;
  a.success = stuffed_total + kCanTrailerBits + kCanIntermissionBits;
  a.bit_error = arbitration_end + stuffed_arbitration + kCanErrorFrameBits + kCanIntermissionBits;
  // CRC delimiter and ACK slot; the error flag starts at the ACK delimiter.
  a.ack_error = stuffed_total + 2 + kCanErrorFrameBits + kCanIntermissionBits;
  return a;
}

}  // namespace stacksim::bus
