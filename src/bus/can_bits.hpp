// The exact bit stream of a classic CAN frame (ISO 11898-1): how many bits a
// frame occupies the bus for, with the real CRC-15 and the real stuff bits.
// Frame timing on the simulated bus comes from here, so a frame's duration
// depends on its content exactly as on a real bus. Formulas: docs/buses.md.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "bus/can_frame.hpp"

namespace stacksim::bus {

// Bits after the CRC sequence that are never stuffed: CRC delimiter, ACK slot,
// ACK delimiter, 7-bit end of frame. The 3-bit intermission follows them.
inline constexpr int kCanTrailerBits = 10;
inline constexpr int kCanIntermissionBits = 3;
// Error flag (6) + error delimiter (8); intermission follows it too.
inline constexpr int kCanErrorFrameBits = 14;
// An error-passive node waits this long after transmitting before it may start again.
inline constexpr int kCanSuspendBits = 8;

// SOF .. last bit of the CRC sequence before stuffing, one bit per element
// (0 = dominant, 1 = recessive). Longest: extended, 8 bytes = 118 bits.
struct CanBitStream {
  std::array<std::uint8_t, 128> bits{};
  int count = 0;            // SOF .. end of CRC sequence
  int arbitration_end = 0;  // index one past the last arbitration bit (RTR)
  int crc_begin = 0;        // index of the first CRC bit (= bits the CRC covers)
};

// CRC-15 of ISO 11898-1 (polynomial 0x4599, initial value 0) over bits given
// one per element, most significant first, as they go on the wire.
std::uint16_t can_crc15(std::span<const std::uint8_t> bits);

// The unstuffed stream SOF .. CRC sequence with the CRC filled in. Precondition:
// can_frame_valid(f).
CanBitStream can_bit_stream(const CanFrame& f);

// Stuff bits a transmitter sends before unstuffed bit `upto` of `bits` (a
// complement after every five equal bits; stuff bits count in the next run).
// With upto = bits.size() that includes a stuff bit after the last bit, which
// the CRC sequence gets when it ends in five equal bits.
int can_stuff_bits(std::span<const std::uint8_t> bits, std::size_t upto);
inline int can_stuff_bits(std::span<const std::uint8_t> bits) {
  return can_stuff_bits(bits, bits.size());
}

// Bits from SOF to the end of EOF plus the 3-bit intermission, with stuff bits.
int can_frame_bits(const CanFrame& f);
// The same without stuff bits: 47 + 8n standard, 67 + 8n extended.
int can_frame_bits_unstuffed(const CanFrame& f);

// Bus time of each way a transmission attempt can end, in bits, intermission
// included (suspend-transmission time is not: it belongs to the sender only).
struct CanAttemptBits {
  int success = 0;    // the whole frame
  int bit_error = 0;  // through the arbitration field, then an error frame
  int ack_error = 0;  // through the ACK slot, then an error frame
};
CanAttemptBits can_attempt_bits(const CanFrame& f);

// Arbitration priority as the wire decides it: smaller wins. The bits are
// laid out in transmission order (base id, RTR/SRR, IDE, extension id, RTR),
// so a standard data frame beats a standard remote frame, which beats any
// extended frame with the same base id.
constexpr std::uint64_t can_arbitration_key(const CanFrame& f) {
  if (!f.extended) {
    return (std::uint64_t{f.id & 0x7FFu} << 21) | (std::uint64_t{f.rtr} << 20);
  }
  const std::uint64_t base = (f.id >> 18) & 0x7FFu;
  const std::uint64_t ext = f.id & 0x3FFFFu;
  return (base << 21) | (1u << 20) | (1u << 19) | (ext << 1) | std::uint64_t{f.rtr};
}

}  // namespace stacksim::bus
