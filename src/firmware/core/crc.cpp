#include "core/crc.hpp"

#include <array>

namespace stacksim::fw {

namespace {

// kTables[0][b]: the bitwise algorithm run over byte b. kTables[k][b]: the
// same followed by k zero bytes. 4 KiB of tables let eight bytes be folded
// in with eight independent lookups (slicing-by-8) instead of a chain of one
// lookup per byte; every node on the internal bus checks every frame it is sent.
using Tables = std::array<std::array<std::uint16_t, 256>, 8>;
constexpr Tables make_tables() {
  Tables t{};
  for (unsigned byte = 0; byte < 256; ++byte) {
    std::uint16_t crc = static_cast<std::uint16_t>(byte);
    for (int bit = 0; bit < 8; ++bit) {
      const bool lsb = (crc & 1u) != 0;
      crc = static_cast<std::uint16_t>(crc >> 1);
      if (lsb) crc = static_cast<std::uint16_t>(crc ^ 0xA001u);
    }
    t[0][byte] = crc;
  }
  for (std::size_t k = 1; k < t.size(); ++k) {
    for (unsigned byte = 0; byte < 256; ++byte) {
      const std::uint16_t prev = t[k - 1][byte];
      t[k][byte] = static_cast<std::uint16_t>((prev >> 8) ^ t[0][prev & 0xFFu]);
    }
  }
  return t;
}

constexpr Tables kTables = make_tables();

}  // namespace

std::uint16_t crc16_modbus_update(std::uint16_t crc, const std::uint8_t* data, std::size_t len) {
  for (; len >= 8; len -= 8, data += 8) {
    crc = static_cast<std::uint16_t>(
        kTables[7][data[0] ^ (crc & 0xFFu)] ^ kTables[6][data[1] ^ (crc >> 8)] ^ kTables[5][data[2]] ^
        kTables[4][data[3]] ^ kTables[3][data[4]] ^ kTables[2][data[5]] ^ kTables[1][data[6]] ^
        kTables[0][data[7]]);
  }
  for (std::size_t i = 0; i < len; ++i) {
    crc = static_cast<std::uint16_t>((crc >> 8) ^ kTables[0][(crc ^ data[i]) & 0xFFu]);
  }
  return crc;
}

std::uint16_t crc16_modbus(const std::uint8_t* data, std::size_t len) {
  return crc16_modbus_update(kCrc16ModbusInit, data, len);
}

}  // namespace stacksim::fw
