// The frames of the protocols on stacksim's RS485 lines, written here from
// their descriptions (docs/pcs-protocols.md, docs/internal-bus.md, the Modbus
// serial line spec) rather than with the firmware's codecs, so that a test
// built on them checks the firmware instead of agreeing with it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace stacksim::serve::testing {

// CRC-16/MODBUS: polynomial 0xA001 reflected, initial value 0xFFFF.
inline std::uint16_t crc16_modbus(const std::string& bytes) {
  std::uint16_t crc = 0xFFFF;
  for (const char c : bytes) {
    crc ^= static_cast<std::uint8_t>(c);
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) != 0 ? static_cast<std::uint16_t>((crc >> 1) ^ 0xA001) : static_cast<std::uint16_t>(crc >> 1);
  }
  return crc;
}

// A Modbus RTU ADU: `pdu` (address, function, data) and its CRC, low byte first.
inline std::string modbus_adu(const std::string& pdu) {
  const std::uint16_t crc = crc16_modbus(pdu);
  return pdu + static_cast<char>(crc & 0xFF) + static_cast<char>(crc >> 8);
}

// An internal-bus frame: 0x7E, address, function, length, payload, CRC over
// address..payload, low byte first.
inline std::string ibus_frame(std::uint8_t address, std::uint8_t function, const std::string& payload = {}) {
  std::string body;
  body += static_cast<char>(address);
  body += static_cast<char>(function);
  body += static_cast<char>(payload.size());
  body += payload;
  const std::uint16_t crc = crc16_modbus(body);
  return '\x7E' + body + static_cast<char>(crc & 0xFF) + static_cast<char>(crc >> 8);
}

// A Pylontech RS485 ASCII frame: '~', VER ADR CID1 CID2 LENGTH INFO CHKSUM in
// hex, '\r'. LENGTH is LCHKSUM (the two's complement mod 16 of the sum of
// LENID's nibbles) and LENID (INFO's characters); CHKSUM the two's complement
// mod 65536 of the sum of the characters after '~'. `info` is hex text.
// lchksum_error / chksum_error are added to the right values.
inline std::string pylon_frame(int ver, int adr, int cid1, int cid2, const std::string& info, int lchksum_error = 0,
                               int chksum_error = 0) {
  const unsigned lenid = static_cast<unsigned>(info.size());
  const unsigned lchksum = ((~((lenid & 0xF) + (lenid >> 4 & 0xF) + (lenid >> 8 & 0xF)) + 1u + static_cast<unsigned>(lchksum_error)) & 0xF);
  char head[16];
  std::snprintf(head, sizeof head, "%02X%02X%02X%02X%04X", ver, adr, cid1, cid2, lchksum << 12 | lenid);
  const std::string body = head + info;
  unsigned sum = 0;
  for (const char c : body) sum += static_cast<unsigned char>(c);
  char tail[8];
  std::snprintf(tail, sizeof tail, "%04X", (~sum + 1u + static_cast<unsigned>(chksum_error)) & 0xFFFF);
  return "~" + body + tail + "\r";
}

}  // namespace stacksim::serve::testing
