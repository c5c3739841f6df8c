#include "inverter/pylon_broadcast.hpp"

#include <cmath>

namespace stacksim::inverter {
namespace {

// 0x359 [PYLV12] (Sofar HV uses the same map). ProtectSystemErrorBit7 is
// Battery-Emulator's position of "system error" (Pylon LV option
// pcs.pylon_lv.system_error_bit), absent from the Sofar DBC.
constexpr FlagMeaning kAlarms[] = {
    {"ProtectCellOverVoltage", kCellHighVoltage, true},
    {"ProtectCellUnderVoltage", kCellLowVoltage, true},
    {"ProtectOverTemperature", kHighTemperature, true},
    {"ProtectUnderTemperature", kLowTemperature, true},
    {"ProtectDischargeOverCurrent", kDischargeOverCurrent, true},
    {"ProtectChargeOverCurrent", kChargeOverCurrent, true},
    {"ProtectSystemError", kSystemError, true},
    {"AlarmCellHighVoltage", kCellHighVoltage, false},
    {"AlarmCellLowVoltage", kCellLowVoltage, false},
    {"AlarmHighTemperature", kHighTemperature, false},
    {"AlarmLowTemperature", kLowTemperature, false},
    {"AlarmDischargeHighCurrent", kDischargeOverCurrent, false},
    {"AlarmChargeHighCurrent", kChargeOverCurrent, false},
    {"AlarmInternalCommFail", kInternalComm, false},
};
constexpr std::size_t kModuleCount = std::size(kAlarms), kBit7 = kModuleCount + 1;

}  // namespace

PylonBroadcastReader::PylonBroadcastReader(const protocol::Dbc& dbc, const std::string& label,
                                           Diagnostics& diags)
    : limits_(dbc, label, "BMS_Limits",
              {{"ChargeVoltage"}, {"ChargeCurrentLimit"}, {"DischargeCurrentLimit"},
               {"DischargeVoltage", Field::kMayEnd}},
              diags),
      soc_(dbc, label, "BMS_SocSoh", {{"Soc"}, {"Soh"}}, diags),
      measurements_(dbc, label, "BMS_Measurements", {{"Voltage"}, {"Current"}, {"Temperature"}}, diags),
      alarms_(dbc, label, "BMS_Alarms",
              flag_fields(kAlarms, {{"ModuleCount"}, {"ProtectSystemErrorBit7", Field::kMayBeAbsent}}), diags),
      requests_(dbc, label, "BMS_Requests",
                {{"ChargeEnable"}, {"DischargeEnable"}, {"ForceChargeIRequest"},
                 {"ForceChargeIIRequest"}, {"FullChargeRequest"}},
                diags) {}

bool PylonBroadcastReader::valid() const {
  return limits_.valid() && soc_.valid() && measurements_.valid() && alarms_.valid() && requests_.valid();
}

bool PylonBroadcastReader::owns(std::uint32_t id) const {
  return id == limits_.id() || id == soc_.id() || id == measurements_.id() || id == alarms_.id() ||
         id == requests_.id();
}

std::optional<Received> PylonBroadcastReader::read(std::uint32_t id, const bus::CanFrame& f,
                                                   BatteryView& v) {
  if (id == limits_.id()) {
    if (!limits_.read(f)) return Received::kMalformed;
    v.charge_voltage_V = limits_.value(0);
    // Real packs send both limits positive; some DBCs and emulators send the
    // discharge limit negative (protocols.md section 1.3): its size counts.
    v.charge_limit_A = std::fmax(limits_.value(1), 0.0);
    v.discharge_limit_A = std::fabs(limits_.value(2));
    v.discharge_voltage_V = limits_.value(3);  // NaN without bytes 6-7
    return Received::kDecoded;
  }
  if (id == soc_.id()) {
    if (!soc_.read(f)) return Received::kMalformed;
    v.soc_pct = soc_.value(0);
    v.soh_pct = soc_.value(1);
    return Received::kDecoded;
  }
  if (id == measurements_.id()) {
    if (!measurements_.read(f)) return Received::kMalformed;
    v.voltage_V = measurements_.value(0);
    v.current_A = measurements_.value(1);
    v.temperature_C = measurements_.value(2);
    return Received::kDecoded;
  }
  if (id == alarms_.id()) {
    if (!alarms_.read(f)) return Received::kMalformed;
    read_flags(alarms_, kAlarms, v);
    // Battery-Emulator's position of "system error" (Pylon LV option).
    if (alarms_.flag(kBit7)) v.protections |= kSystemError;
    v.modules = static_cast<int>(alarms_.value(kModuleCount));
    return Received::kDecoded;
  }
  if (id == requests_.id()) {
    if (!requests_.read(f)) return Received::kMalformed;
    v.charge_enable = requests_.flag(0);
    v.discharge_enable = requests_.flag(1);
    v.force_charge_1 = requests_.flag(2);
    v.force_charge_2 = requests_.flag(3);
    v.full_charge = requests_.flag(4);
    return Received::kDecoded;
  }
  return std::nullopt;
}

}  // namespace stacksim::inverter
