#include "pcs/growatt_modbus.hpp"

#include "pcs/can_bytes.hpp"
#include "pcs/growatt_flags.hpp"

namespace stacksim::fw {
namespace {

using namespace pcs_bytes;
namespace reg = growatt_reg;

std::int64_t centi(std::int64_t milli) { return div_round(milli, 10); }  // mV -> 10 mV, mA -> 10 mA

}  // namespace

void GrowattRegisters::update(const PcsReport& r, std::int64_t rtc_s) {
  const auto set = [this](std::uint16_t at, std::uint16_t v) { values_[static_cast<std::size_t>(at - reg::kFirst)] = v; };
  const CivilTime t = civil_time(rtc_s);
  std::uint8_t flags[4] = {};
  growatt_alarm_bytes(r, flags);
  set(reg::kGaugeCurrent, s16(centi(r.current_mA)));
  set(reg::kYearMonth, static_cast<std::uint16_t>(u8(t.year - 2000) << 8 | u8(t.month)));
  set(reg::kDayHour, static_cast<std::uint16_t>(u8(t.day) << 8 | u8(t.hour)));
  set(reg::kMinuteSecond, static_cast<std::uint16_t>(u8(t.minute) << 8 | u8(t.second)));
  set(reg::kStatus, growatt_status_word(r));
  set(reg::kError, static_cast<std::uint16_t>(flags[0] << 8 | flags[1]));
  set(reg::kSoc, u16(pct(r.soc_permille)));
  set(reg::kVoltage, u16(centi(r.pack_mV)));
  set(reg::kCurrent, s16(centi(r.current_mA)));
  set(reg::kTemperature, s16(r.temp_max_dC));
  set(reg::kMaxChargeCurrent, u16(centi(r.charge_limit_mA)));
  set(reg::kMaxDischargeCurrent, u16(centi(r.discharge_limit_mA)));
  set(reg::kRemaining, u16(centi(r.remaining_mAh)));
  set(reg::kFullCharge, u16(centi(r.full_mAh)));
  set(reg::kCycles, u16(r.cycles));
  set(reg::kMasterBox, 0);
  set(reg::kSoh, u16(pct(r.soh_permille)));
  set(reg::kCvVoltage, u16(centi(r.charge_voltage_mV)));
  set(reg::kWarning, static_cast<std::uint16_t>(flags[2] << 8 | flags[3]));
  set(reg::kMaxDischargeCurrent2, u16(centi(r.discharge_limit_mA)));
  set(reg::kExtendedError, static_cast<std::uint16_t>(r.faults & 0xFFFFu));
  set(reg::kCellMax, r.cell_max_mV);
  set(reg::kCellMin, r.cell_min_mV);
  set(reg::kCellMaxNumber, static_cast<std::uint16_t>(r.cell_max_index + 1));
  set(reg::kCellMinNumber, static_cast<std::uint16_t>(r.cell_min_index + 1));
}

bool GrowattRegisters::readable(std::uint16_t first, std::uint16_t count) const {
  const std::uint32_t last = static_cast<std::uint32_t>(first) + count - 1;
  return count > 0 && first >= reg::kFirst && last <= reg::kLast;
}

std::uint16_t GrowattRegisters::read(std::uint16_t at) const { return values_[static_cast<std::size_t>(at - reg::kFirst)]; }

bool GrowattRegisters::writable(std::uint16_t first, std::uint16_t count) const {
  const std::uint32_t last = static_cast<std::uint32_t>(first) + count - 1;
  return count > 0 && first >= reg::kYearMonth && last <= reg::kMinuteSecond;
}

void GrowattRegisters::write(std::uint16_t, std::uint16_t) {
  // The board keeps its own calendar (HAL rtc_s); the write is the PCS's handshake.
  ++clock_writes_;
}

}  // namespace stacksim::fw
