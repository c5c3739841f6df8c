// Where a signal's bits sit in an 8-byte payload, in the numbering of
// cantools and Vector: bit n of the payload is bit (n % 8) of byte n / 8.
// Intel (@1) signals start at their LSB and run upwards; Motorola (@0)
// signals start at their MSB and run down the "sawtooth" (7, 6, ... 0, 15,
// 14, ...). Seen as one 64-bit word, little-endian for Intel and big-endian
// for Motorola, every signal is a contiguous field: one shift and one mask.
#pragma once

#include <cstdint>

#include "protocol/dbc.hpp"

namespace stacksim::protocol {

struct BitLayout {
  bool fits = false;               // length 1..64 and inside 8 bytes
  int bytes_needed = 0;            // the smallest DLC that holds the signal (> 8 when it does not fit)
  std::uint64_t payload_mask = 0;  // payload bits used (bit n = byte n/8, bit n%8); 0 unless fits
  int word_shift = 0;              // the field's LSB in the LE (Intel) or BE (Motorola) word
};

BitLayout bit_layout(const Signal& s);

// Payload bit n <-> bit of the big-endian word (the mapping is its own inverse).
constexpr int payload_to_be_bit(int n) { return (7 - n / 8) * 8 + n % 8; }

}  // namespace stacksim::protocol
