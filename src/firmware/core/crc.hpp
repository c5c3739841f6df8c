// CRC-16/MODBUS: the check used by the internal RS485 links and the NVM
// record (poly 0x8005 reflected = 0xA001, init 0xFFFF, no final XOR).
#pragma once

#include <cstddef>
#include <cstdint>

namespace stacksim::fw {

std::uint16_t crc16_modbus(const std::uint8_t* data, std::size_t len);

// Continues a CRC over more bytes; start with kCrc16ModbusInit.
inline constexpr std::uint16_t kCrc16ModbusInit = 0xFFFF;
std::uint16_t crc16_modbus_update(std::uint16_t crc, const std::uint8_t* data, std::size_t len);

}  // namespace stacksim::fw
