// A Modbus RTU slave (Modbus application protocol V1.1b3, serial line
// V1.02): one request ADU in, one response ADU out. Functions 03 / 04 read
// holding / input registers (the same map here), 06 writes one register,
// 0x10 several; anything else is exception 01. CRC-16/MODBUS, low byte
// first. A pure codec over a register map: no state, no allocation.
#pragma once

#include <cstddef>
#include <cstdint>

namespace stacksim::fw::modbus {

inline constexpr std::uint8_t kBroadcastAddress = 0;
inline constexpr std::size_t kMaxAdu = 256;  // serial line ADU
inline constexpr std::uint16_t kMaxReadRegisters = 125;
inline constexpr std::uint16_t kMaxWriteRegisters = 123;

inline constexpr std::uint8_t kIllegalFunction = 0x01;
inline constexpr std::uint8_t kIllegalDataAddress = 0x02;
inline constexpr std::uint8_t kIllegalDataValue = 0x03;

class Registers {
 public:
  virtual bool readable(std::uint16_t first, std::uint16_t count) const = 0;
  virtual std::uint16_t read(std::uint16_t reg) const = 0;
  virtual bool writable(std::uint16_t first, std::uint16_t count) const = 0;
  virtual void write(std::uint16_t reg, std::uint16_t value) = 0;

 protected:
  ~Registers() = default;
};

enum class Outcome : std::uint8_t {
  kBadFrame,   // shorter than an ADU, or the CRC is wrong: nobody answers
  kNotForUs,   // another slave's
  kAnswered,   // a normal response in `out`
  kException,  // an exception response in `out`
  kBroadcast,  // a write to address 0: done, never answered
};

struct Result {
  Outcome outcome = Outcome::kBadFrame;
  std::size_t len = 0;  // bytes of the response in `out`
};

// Serves one request ADU (address ... CRC) for slave `address` over `regs`.
// `out` must hold kMaxAdu bytes.
Result serve(const std::uint8_t* adu, std::size_t len, std::uint8_t address, Registers& regs, std::uint8_t* out);

}  // namespace stacksim::fw::modbus
