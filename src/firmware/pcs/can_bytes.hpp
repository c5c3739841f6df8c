// Byte-level helpers shared by the PCS profiles: building frames, putting
// integers in either byte order, scaling with rounding and saturating to the
// field. A value beyond its field saturates (a 0.01 V field tops at
// 327.67 V): the wire format cannot say more, and wrapping would lie.
#pragma once

#include <cstddef>
#include <cstdint>

#include "stacksim/hal.h"

namespace stacksim::fw::pcs_bytes {

inline ssim_can_frame frame(std::uint32_t id, bool extended, std::uint8_t dlc) {
  ssim_can_frame f{};
  f.id = id;
  f.extended = extended ? 1 : 0;
  f.dlc = dlc;
  return f;
}

// Data bytes a frame carries: DLC 9..15 mean 8 (ISO 11898-1).
inline std::uint8_t payload_length(const ssim_can_frame& f) { return f.dlc > 8 ? 8 : f.dlc; }

// Nearest integer of num / den (den > 0), halves away from zero.
inline std::int64_t div_round(std::int64_t num, std::int64_t den) {
  return num >= 0 ? (num + den / 2) / den : -((-num + den / 2) / den);
}

inline std::int64_t clamp(std::int64_t v, std::int64_t lo, std::int64_t hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}
inline std::uint16_t u16(std::int64_t v) { return static_cast<std::uint16_t>(clamp(v, 0, 0xFFFF)); }
inline std::uint16_t s16(std::int64_t v) {  // two's complement bits of a saturated int16
  return static_cast<std::uint16_t>(static_cast<std::int16_t>(clamp(v, -32768, 32767)));
}
inline std::uint8_t u8(std::int64_t v) { return static_cast<std::uint8_t>(clamp(v, 0, 0xFF)); }

inline void put_le16(std::uint8_t* d, std::size_t at, std::uint16_t v) {
  d[at] = static_cast<std::uint8_t>(v);
  d[at + 1] = static_cast<std::uint8_t>(v >> 8);
}
inline void put_be16(std::uint8_t* d, std::size_t at, std::uint16_t v) {
  d[at] = static_cast<std::uint8_t>(v >> 8);
  d[at + 1] = static_cast<std::uint8_t>(v);
}
inline void put16(std::uint8_t* d, std::size_t at, std::uint16_t v, bool big_endian) {
  if (big_endian) {
    put_be16(d, at, v);
  } else {
    put_le16(d, at, v);
  }
}

// `text` into d[at..at+len), padded with `pad`.
inline void put_text(std::uint8_t* d, std::size_t at, std::size_t len, const char* text, char pad) {
  std::size_t i = 0;
  for (; i < len && text != nullptr && text[i] != '\0'; ++i) d[at + i] = static_cast<std::uint8_t>(text[i]);
  for (; i < len; ++i) d[at + i] = static_cast<std::uint8_t>(pad);
}

inline void set_bit(std::uint8_t& byte, int n, bool on) {
  if (on) byte = static_cast<std::uint8_t>(byte | (1u << n));
}

// Units of the wire formats, rounded.
inline std::int64_t dV(std::int64_t mV) { return div_round(mV, 100); }   // 0.1 V
inline std::int64_t cV(std::int64_t mV) { return div_round(mV, 10); }    // 0.01 V
inline std::int64_t dA(std::int64_t mA) { return div_round(mA, 100); }   // 0.1 A
inline std::int64_t pct(std::int64_t permille) { return div_round(permille, 10); }

}  // namespace stacksim::fw::pcs_bytes
