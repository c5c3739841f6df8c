#include "core/crc.hpp"

namespace stacksim::fw {

// Bitwise rather than table-driven: 256 bytes of flash saved, and the links
// and the NVM record are short.
std::uint16_t crc16_modbus_update(std::uint16_t crc, const std::uint8_t* data, std::size_t len) {
  for (std::size_t i = 0; i < len; ++i) {
    crc = static_cast<std::uint16_t>(crc ^ data[i]);
    for (int bit = 0; bit < 8; ++bit) {
      const bool lsb = (crc & 1u) != 0;
      crc = static_cast<std::uint16_t>(crc >> 1);
      if (lsb) crc = static_cast<std::uint16_t>(crc ^ 0xA001u);
    }
  }
  return crc;
}

std::uint16_t crc16_modbus(const std::uint8_t* data, std::size_t len) {
  return crc16_modbus_update(kCrc16ModbusInit, data, len);
}

}  // namespace stacksim::fw
