// The GTX3000 internal bus: slave BMS (one per module) <-> master BMS (BCU)
// over RS485, 115200 baud 8N1, master polls, one talker at a time.
//
// Frame: 0x7E | address | function | length | payload[length] | CRC-16/MODBUS
// (low byte first) over address..payload. Everything multi-byte is
// little-endian. docs/internal-bus.md is the full description.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace stacksim::fw::ibus {

inline constexpr std::uint8_t kStart = 0x7E;
inline constexpr std::uint8_t kUnassigned = 0x00;  // a module before automatic coding
inline constexpr std::uint8_t kMaster = 0xF0;
inline constexpr std::uint8_t kBroadcast = 0xFF;
inline constexpr std::size_t kMaxPayload = 128;  // a parallel unit's report is 104
inline constexpr std::size_t kOverhead = 6;  // start, address, function, length, CRC
inline constexpr std::size_t kMaxFrame = kMaxPayload + kOverhead;
inline constexpr std::size_t kMaxCells = 16;
inline constexpr std::size_t kMaxTemps = 8;

enum class Function : std::uint8_t {
  kPoll = 0x01,          // master -> module: report now
  kBalance = 0x02,       // master -> module: u16 mask of cells to bleed, u16 hold time in 100 ms
  kAssign = 0x03,        // master -> broadcast: u8 address for the module whose ADR_IN is asserted
  kResetAddress = 0x04,  // master -> broadcast: forget addresses, release ADR_OUT
  kReport = 0x81,        // module -> master: answer to kPoll
  kBalanceAck = 0x82,    // module -> master: the mask now applied
  kAssigned = 0x83,      // module -> master: u8 address taken
};

// Module report flags.
inline constexpr std::uint8_t kFlagAfeFault = 0x01;     // a channel read a fault or an implausible value
inline constexpr std::uint8_t kFlagTempFault = 0x02;    // a sensor at a rail or implausible
inline constexpr std::uint8_t kFlagBalancing = 0x04;    // some bleed switch closed

struct Report {
  std::uint8_t flags = 0;
  std::uint8_t cells = 0;
  std::array<std::uint16_t, kMaxCells> cell_mV{};
  std::uint8_t temps = 0;
  std::array<std::int16_t, kMaxTemps> temp_dC{};
  std::int16_t board_temp_dC = 0;
  std::uint16_t balancing_mask = 0;
};

struct Frame {
  std::uint8_t address = 0;
  Function function = Function::kPoll;
  std::uint8_t length = 0;
  std::array<std::uint8_t, kMaxPayload> payload{};
};

// Writes the frame into `out` (at least kMaxFrame bytes); returns its size.
std::size_t encode(const Frame& frame, std::uint8_t* out);

// Parses one complete burst. False for anything that is not exactly one
// well-formed frame with a correct CRC (counted by the caller).
bool decode(const std::uint8_t* data, std::size_t len, Frame& frame);

Frame make_report(std::uint8_t address, const Report& report);
bool parse_report(const Frame& frame, Report& report);

}  // namespace stacksim::fw::ibus
