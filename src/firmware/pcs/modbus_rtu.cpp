#include "pcs/modbus_rtu.hpp"

#include "core/crc.hpp"

namespace stacksim::fw::modbus {
namespace {

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }

void put_be16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}

// Appends the CRC (low byte first) and gives the ADU's length.
std::size_t seal(std::uint8_t* out, std::size_t pdu_end) {
  const std::uint16_t crc = crc16_modbus(out, pdu_end);
  out[pdu_end] = static_cast<std::uint8_t>(crc);
  out[pdu_end + 1] = static_cast<std::uint8_t>(crc >> 8);
  return pdu_end + 2;
}

Result exception(std::uint8_t address, std::uint8_t function, std::uint8_t code, std::uint8_t* out) {
  out[0] = address;
  out[1] = static_cast<std::uint8_t>(function | 0x80);
  out[2] = code;
  return {Outcome::kException, seal(out, 3)};
}

}  // namespace

Result serve(const std::uint8_t* adu, std::size_t len, std::uint8_t address, Registers& regs, std::uint8_t* out) {
  if (adu == nullptr || len < 4 || len > kMaxAdu) return {};
  const std::uint16_t crc = static_cast<std::uint16_t>(adu[len - 2] | adu[len - 1] << 8);
  if (crc != crc16_modbus(adu, len - 2)) return {};
  const std::uint8_t to = adu[0], function = adu[1];
  const bool broadcast = to == kBroadcastAddress;
  if (!broadcast && to != address) return {Outcome::kNotForUs, 0};
  const std::size_t pdu = len - 3;  // function code and data
  Result r{Outcome::kAnswered, 0};
  switch (function) {
    case 0x03:
    case 0x04: {
      if (broadcast) return {Outcome::kBroadcast, 0};  // reads are never broadcast
      if (pdu != 5) return exception(address, function, kIllegalDataValue, out);
      const std::uint16_t first = be16(adu + 2), count = be16(adu + 4);
      if (count == 0 || count > kMaxReadRegisters) return exception(address, function, kIllegalDataValue, out);
      if (!regs.readable(first, count)) return exception(address, function, kIllegalDataAddress, out);
      out[0] = address;
      out[1] = function;
      out[2] = static_cast<std::uint8_t>(2 * count);
      for (std::uint16_t i = 0; i < count; ++i) put_be16(out + 3 + 2 * i, regs.read(static_cast<std::uint16_t>(first + i)));
      r.len = seal(out, 3 + 2u * count);
      return r;
    }
    case 0x06: {
      if (pdu != 5) return broadcast ? Result{Outcome::kBroadcast, 0} : exception(address, function, kIllegalDataValue, out);
      const std::uint16_t reg = be16(adu + 2);
      if (!regs.writable(reg, 1)) {
        return broadcast ? Result{Outcome::kBroadcast, 0} : exception(address, function, kIllegalDataAddress, out);
      }
      regs.write(reg, be16(adu + 4));
      if (broadcast) return {Outcome::kBroadcast, 0};
      for (std::size_t i = 0; i < 6; ++i) out[i] = adu[i];  // the echo
      r.len = seal(out, 6);
      return r;
    }
    case 0x10: {
      const std::uint16_t first = pdu >= 6 ? be16(adu + 2) : 0, count = pdu >= 6 ? be16(adu + 4) : 0;
      const bool shaped = pdu >= 6 && count >= 1 && count <= kMaxWriteRegisters && adu[6] == 2 * count &&
                          pdu == 6u + 2u * count;
      if (!shaped) return broadcast ? Result{Outcome::kBroadcast, 0} : exception(address, function, kIllegalDataValue, out);
      if (!regs.writable(first, count)) {
        return broadcast ? Result{Outcome::kBroadcast, 0} : exception(address, function, kIllegalDataAddress, out);
      }
      for (std::uint16_t i = 0; i < count; ++i) regs.write(static_cast<std::uint16_t>(first + i), be16(adu + 7 + 2 * i));
      if (broadcast) return {Outcome::kBroadcast, 0};
      for (std::size_t i = 0; i < 6; ++i) out[i] = adu[i];  // address, function, first, count
      r.len = seal(out, 6);
      return r;
    }
    default:
      if (broadcast) return {Outcome::kBroadcast, 0};
      return exception(address, function, kIllegalFunction, out);
  }
}

}  // namespace stacksim::fw::modbus
