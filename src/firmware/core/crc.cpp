#include "core/crc.hpp"

#include <array>

namespace stacksim::fw {

namespace {

// One entry per byte value: the bitwise algorithm run over that byte. 512
// bytes of flash buy a lookup per byte instead of eight shift-and-xor steps;
// every node on the internal bus checks every frame it is sent.
constexpr std::array<std::uint16_t, 256> make_table() {
  std::array<std::uint16_t, 256> table{};
  for (unsigned byte = 0; byte < 256; ++byte) {
    std::uint16_t crc = static_cast<std::uint16_t>(byte);
    for (int bit = 0; bit < 8; ++bit) {
      const bool lsb = (crc & 1u) != 0;
      crc = static_cast<std::uint16_t>(crc >> 1);
      if (lsb) crc = static_cast<std::uint16_t>(crc ^ 0xA001u);
    }
    table[byte] = crc;
  }
  return table;
}

constexpr std::array<std::uint16_t, 256> kTable = make_table();

}  // namespace

std::uint16_t crc16_modbus_update(std::uint16_t crc, const std::uint8_t* data, std::size_t len) {
  for (std::size_t i = 0; i < len; ++i) {
    crc = static_cast<std::uint16_t>((crc >> 8) ^ kTable[(crc ^ data[i]) & 0xFFu]);
  }
  return crc;
}

std::uint16_t crc16_modbus(const std::uint8_t* data, std::size_t len) {
  return crc16_modbus_update(kCrc16ModbusInit, data, len);
}

}  // namespace stacksim::fw
