// can_attempt_bits() on the hot path of every send(): the same numbers as
// counting over can_bit_stream() with can_stuff_bits(), computed on the
// stream packed into one 128-bit integer, with the CRC and the stuff-bit
// count taken a byte at a time from tables. tests/bus/can_attempt_bits_test.cpp
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

// The register after 8 bits of b (MSB first) from 0. CRCs are linear, so
// feeding byte b into register c gives ((c << 8) & 0x7FFF) ^ T[(c >> 7) ^ b].
constexpr std::array<std::uint16_t, 256> make_crc_table() {
  std::array<std::uint16_t, 256> t{};
  for (unsigned b = 0; b < 256; ++b) {
    std::uint16_t crc = 0;
    for (int i = 7; i >= 0; --i) crc = crc15_bit(crc, (b >> i) & 1u);
    t[b] = crc;
  }
  return t;
}
constexpr auto kCrcTable = make_crc_table();

// Stuffing state: the last bit and how many equal bits end the stream so far
// (0 = no bit yet), as last << 3 | run. A step of one bit, as can_stuff_bits():
// five equal bits add a complement, which starts the next run.
constexpr int kStates = 16;
struct Step {
  int state;
  int stuffed;
};
constexpr Step stuff_step(int state, unsigned bit) {
  const int last = state >> 3;
  const int run = state & 7;
  if (run == 0 || static_cast<int>(bit) != last) return Step{static_cast<int>(bit) << 3 | 1, 0};
  if (run == 4) return Step{(last ^ 1) << 3 | 1, 1};
  return Step{state + 1, 0};
}

// For each state and byte: the state after it (low 4 bits) and the stuff
// bits it adds (high bits). States 5..7 and 13..15 never occur.
constexpr std::array<std::uint8_t, kStates * 256> make_stuff_table() {
  std::array<std::uint8_t, kStates * 256> t{};
  for (int s = 0; s < kStates; ++s) {
    for (unsigned b = 0; b < 256; ++b) {
      int state = s;
      int stuffed = 0;
      for (int i = 7; i >= 0; --i) {
        const Step step = stuff_step(state, (b >> i) & 1u);
        state = step.state;
        stuffed += step.stuffed;
      }
      t[static_cast<std::size_t>(s * 256 + static_cast<int>(b))] = static_cast<std::uint8_t>(stuffed << 4 | state);
    }
  }
  return t;
}
constexpr auto kStuffTable = make_stuff_table();

// The same for the k = 1..7 bits left at the end of a field: entry
// kPartialOffset[k] + (state << k) + value.
constexpr std::array<int, 8> kPartialOffset = {0, 0, 32, 96, 224, 480, 992, 2016};
constexpr std::array<std::uint8_t, 4064> make_partial_table() {
  std::array<std::uint8_t, 4064> t{};
  for (int k = 1; k <= 7; ++k) {
    for (int s = 0; s < kStates; ++s) {
      for (unsigned v = 0; v < (1u << k); ++v) {
        int state = s;
        int stuffed = 0;
        for (int i = k - 1; i >= 0; --i) {
          const Step step = stuff_step(state, (v >> i) & 1u);
          state = step.state;
          stuffed += step.stuffed;
        }
        t[static_cast<std::size_t>(kPartialOffset[static_cast<std::size_t>(k)] + (s << k) + static_cast<int>(v))] =
            static_cast<std::uint8_t>(stuffed << 4 | state);
      }
    }
  }
  return t;
}
constexpr auto kPartialTable = make_partial_table();

// The unstuffed stream, first bit highest in the low `len` bits of `bits`.
struct Packed {
  u128 bits = 0;
  int len = 0;
  void put(std::uint32_t value, int width) {
    bits = bits << width | (value & ((std::uint64_t{1} << width) - 1));
    len += width;
  }
};

// Takes bits off the front of a stream moved to the top of a 128-bit word:
// a byte or a bit is one shift, whatever the position.
class Reader {
 public:
  explicit Reader(const Packed& p) : v_(p.bits << (128 - p.len)) {}
  unsigned byte() {
    const auto b = static_cast<unsigned>(v_ >> 120);
    v_ <<= 8;
    return b;
  }
  // The next k (1..8) bits as a number.
  unsigned bits(int k) {
    const auto b = static_cast<unsigned>(v_ >> (128 - k));
    v_ <<= k;
    return b;
  }

 private:
  u128 v_;
};

// Stuff bits of the next n bits of r, from and into `state`.
int count_stuff(Reader& r, int n, int& state) {
  int stuffed = 0;
  for (; n >= 8; n -= 8) {
    const std::uint8_t e = kStuffTable[static_cast<std::size_t>(state << 8) | r.byte()];
    state = e & 15;
    stuffed += e >> 4;
  }
  if (n > 0) {
    const std::uint8_t e = kPartialTable[static_cast<std::size_t>(
        kPartialOffset[static_cast<std::size_t>(n)] + (state << n) + static_cast<int>(r.bits(n)))];
    state = e & 15;
    stuffed += e >> 4;
  }
  return stuffed;
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

  // CRC: the leading bits that do not fill a byte one at a time, then bytes.
  std::uint16_t crc = 0;
  Reader crc_input(p);
  const int lead = p.len % 8;
  if (lead > 0) {
    const unsigned v = crc_input.bits(lead);
    for (int i = lead - 1; i >= 0; --i) crc = crc15_bit(crc, (v >> i) & 1u);
  }
  for (int i = lead; i < p.len; i += 8) {
    crc = static_cast<std::uint16_t>(((crc << 8) & 0x7FFF) ^ kCrcTable[((crc >> 7) ^ crc_input.byte()) & 0xFFu]);
  }
  p.put(crc, 15);

  Reader stream(p);
  int state = 0;
  const int stuffed_arbitration = count_stuff(stream, arbitration_end, state);
  const int stuffed_rest = count_stuff(stream, p.len - arbitration_end, state);
  const int stuffed_total = p.len + stuffed_arbitration + stuffed_rest;
  CanAttemptBits a;
  a.success = stuffed_total + kCanTrailerBits + kCanIntermissionBits;
  a.bit_error = arbitration_end + stuffed_arbitration + kCanErrorFrameBits + kCanIntermissionBits;
  // CRC delimiter and ACK slot; the error flag starts at the ACK delimiter.
  a.ack_error = stuffed_total + 2 + kCanErrorFrameBits + kCanIntermissionBits;
  return a;
}

}  // namespace stacksim::bus
