#include <cstdint>
#include <cstring>

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

}  // namespace
}  // namespace stacksim::fw
