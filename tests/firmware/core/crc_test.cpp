#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "core/crc.hpp"

namespace stacksim::fw {
namespace {

// The catalogue check value of CRC-16/MODBUS (reveng.sourceforge.io/crc-catalogue):
// CRC of the ASCII string "123456789" is 0x4B37.
TEST(Crc16Modbus, CheckValue) {
  const char* text = "123456789";
  EXPECT_EQ(crc16_modbus(reinterpret_cast<const std::uint8_t*>(text), std::strlen(text)), 0x4B37);
}

// A Modbus RTU frame carries its CRC low byte first, so the CRC over the
// frame including it is 0. The read request "01 03 00 00 00 0A" is sent as
// "... C5 CD" (CRC 0xCDC5; recomputed independently in Python for this test).
TEST(Crc16Modbus, ModbusFrameExample) {
  const std::uint8_t frame[] = {0x01, 0x03, 0x00, 0x00, 0x00, 0x0A};
  EXPECT_EQ(crc16_modbus(frame, sizeof frame), 0xCDC5);
  const std::uint8_t with_crc[] = {0x01, 0x03, 0x00, 0x00, 0x00, 0x0A, 0xC5, 0xCD};
  EXPECT_EQ(crc16_modbus(with_crc, sizeof with_crc), 0x0000);
}

TEST(Crc16Modbus, UpdateInPiecesEqualsWhole) {
  const std::uint8_t data[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  const std::uint16_t first = crc16_modbus_update(kCrc16ModbusInit, data, 4);
  EXPECT_EQ(crc16_modbus_update(first, data + 4, 6), crc16_modbus(data, sizeof data));
  EXPECT_EQ(crc16_modbus(data, 0), 0xFFFF);
}

// The table-driven, eight-bytes-at-a-time code against the bitwise
// definition, over every length up to 300 (all tails after the 8-byte blocks).
std::uint16_t crc16_modbus_bitwise(const std::uint8_t* data, std::size_t len) {
  std::uint16_t crc = 0xFFFF;
  for (std::size_t i = 0; i < len; ++i) {
    crc = static_cast<std::uint16_t>(crc ^ data[i]);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1u) != 0 ? static_cast<std::uint16_t>((crc >> 1) ^ 0xA001u) : static_cast<std::uint16_t>(crc >> 1);
    }
  }
  return crc;
}

TEST(Crc16Modbus, MatchesTheBitwiseDefinitionAtEveryLength) {
  std::mt19937 rng(7);
  std::vector<std::uint8_t> data(300);
  for (int round = 0; round < 20; ++round) {
    for (auto& b : data) b = static_cast<std::uint8_t>(rng());
    for (std::size_t len = 0; len <= data.size(); ++len) {
      ASSERT_EQ(crc16_modbus(data.data(), len), crc16_modbus_bitwise(data.data(), len)) << "length " << len;
    }
  }
}

}  // namespace
}  // namespace stacksim::fw
