#include "protocol/bit_layout.hpp"

namespace stacksim::protocol {

BitLayout bit_layout(const Signal& s) {
  BitLayout out;
  const int start = s.start_bit;
  const int length = s.length;
  if (length < 1 || length > 64) return out;
  if (s.little_endian) {
    const int end = start + length;  // one past the MSB
    out.bytes_needed = (end + 7) / 8;
    out.fits = end <= 64;
    out.word_shift = start;
    if (out.fits) {
      for (int n = start; n < end; ++n) out.payload_mask |= std::uint64_t{1} << n;
    }
    return out;
  }
  if (start > 63) {
    out.bytes_needed = start / 8 + 1;
    return out;
  }
  const int msb = payload_to_be_bit(start);
  const int lsb = msb - length + 1;
  // Bytes below the word's LSB byte are bytes past byte 7.
  out.bytes_needed = lsb >= 0 ? 8 - lsb / 8 : 8 + (-lsb + 7) / 8;
  out.fits = lsb >= 0;
  out.word_shift = lsb;
  if (out.fits) {
    for (int b = lsb; b <= msb; ++b) out.payload_mask |= std::uint64_t{1} << payload_to_be_bit(b);
  }
  return out;
}

}  // namespace stacksim::protocol
