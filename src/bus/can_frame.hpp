// A classic CAN 2.0 frame as the in-process bus carries it. The bus does not
// include the HAL header (the simulator converts ssim_can_frame <-> CanFrame),
// so the bus library stays usable by tools that have no firmware at all.
#pragma once

#include <array>
#include <cstdint>

namespace stacksim::bus {

struct CanFrame {
  std::uint32_t id = 0;  // 11-bit or 29-bit identifier, no flag bits
  bool extended = false;
  bool rtr = false;
  std::uint8_t dlc = 0;  // 0..15 on the wire; 9..15 carry 8 data bytes (ISO 11898-1)
  std::array<std::uint8_t, 8> data{};
};

// Identifier fits its format and DLC fits its 4-bit field. The bus asserts
// this on send(); callers that take frames from outside (HAL, logs) check it
// first and report a bad frame as an error of their own.
constexpr bool can_frame_valid(const CanFrame& f) {
  return f.dlc <= 15 && f.id <= (f.extended ? 0x1FFFFFFFu : 0x7FFu);
}

// Number of data bytes on the wire: remote frames carry none whatever their DLC.
constexpr int can_data_bytes(const CanFrame& f) {
  return f.rtr ? 0 : (f.dlc > 8 ? 8 : f.dlc);
}

}  // namespace stacksim::bus
