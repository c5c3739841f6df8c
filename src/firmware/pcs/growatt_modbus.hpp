// The Growatt BMS RS485 "1xSxxP ESS" V2.01/V2.02 register map (Modbus RTU,
// protocols.md 4.4, [GW485]) as far as the reference gives it: the status
// block 0x0010-0x0028, read with 03 or 04, from the numbers the CAN profiles
// send (pcs_report.hpp). The reference lists the block's contents in order
// but not each register's address; the addresses below follow that order
// (an assumption, docs/pcs-protocols.md). 0x0011-0x0013 are the date and
// time, which the PCS may write (06 / 0x10; its handshake is a 0x10 write
// to 0x0013): the write is taken as the handshake, and reads give the
// board's own calendar.
#pragma once

#include <array>
#include <cstdint>

#include "pcs/modbus_rtu.hpp"
#include "pcs/pcs_report.hpp"

namespace stacksim::fw {

namespace growatt_reg {
inline constexpr std::uint16_t kGaugeCurrent = 0x0010;  // 10 mA, signed, + charge
inline constexpr std::uint16_t kYearMonth = 0x0011;     // (year - 2000) << 8 | month
inline constexpr std::uint16_t kDayHour = 0x0012;       // day << 8 | hour
inline constexpr std::uint16_t kMinuteSecond = 0x0013;  // minute << 8 | second
inline constexpr std::uint16_t kStatus = 0x0014;        // the CAN 0x311 status word
inline constexpr std::uint16_t kError = 0x0015;         // the CAN 0x312 protection bytes 0-1
inline constexpr std::uint16_t kSoc = 0x0016;           // %
inline constexpr std::uint16_t kVoltage = 0x0017;       // 10 mV
inline constexpr std::uint16_t kCurrent = 0x0018;       // 10 mA, signed, + charge
inline constexpr std::uint16_t kTemperature = 0x0019;   // 0.1 degC, signed: the warmest sensor
inline constexpr std::uint16_t kMaxChargeCurrent = 0x001A;     // 10 mA: the charge limit now
inline constexpr std::uint16_t kMaxDischargeCurrent = 0x001B;  // 10 mA: the discharge limit now
inline constexpr std::uint16_t kRemaining = 0x001C;     // RM, 10 mAh
inline constexpr std::uint16_t kFullCharge = 0x001D;    // FCC, 10 mAh
inline constexpr std::uint16_t kCycles = 0x001E;
inline constexpr std::uint16_t kMasterBox = 0x001F;     // reserved for the master box: 0
inline constexpr std::uint16_t kSoh = 0x0020;           // %
inline constexpr std::uint16_t kCvVoltage = 0x0021;     // charge voltage, 10 mV
inline constexpr std::uint16_t kWarning = 0x0022;       // the CAN 0x312 alarm bytes 2-3
inline constexpr std::uint16_t kMaxDischargeCurrent2 = 0x0023;  // listed twice by [GW485]: the same limit
inline constexpr std::uint16_t kExtendedError = 0x0024;  // SSIM_FAULT_* bits 0-15
inline constexpr std::uint16_t kCellMax = 0x0025;       // mV
inline constexpr std::uint16_t kCellMin = 0x0026;       // mV
inline constexpr std::uint16_t kCellMaxNumber = 0x0027; // from 1
inline constexpr std::uint16_t kCellMinNumber = 0x0028; // from 1
inline constexpr std::uint16_t kFirst = kGaugeCurrent;
inline constexpr std::uint16_t kLast = kCellMinNumber;
}  // namespace growatt_reg

class GrowattRegisters final : public modbus::Registers {
 public:
  // A snapshot of the block from the report and the board's calendar.
  void update(const PcsReport& r, std::int64_t rtc_s);

  bool readable(std::uint16_t first, std::uint16_t count) const override;
  std::uint16_t read(std::uint16_t reg) const override;
  bool writable(std::uint16_t first, std::uint16_t count) const override;
  void write(std::uint16_t reg, std::uint16_t value) override;

  // Writes to the date and time registers (the PCS's handshake).
  std::uint32_t clock_writes() const { return clock_writes_; }

 private:
  static constexpr std::size_t kCount = growatt_reg::kLast - growatt_reg::kFirst + 1;
  std::array<std::uint16_t, kCount> values_{};
  std::uint32_t clock_writes_ = 0;
};

}  // namespace stacksim::fw
