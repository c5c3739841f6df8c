// What the inverter knows about the battery: the values of the battery's
// frames, decoded by the profile (pylon_lv.cpp, ...) into one protocol-neutral
// form. Limits the battery has not sent yet are zero (nothing allowed); a
// value a profile does not carry is NaN (e.g. Growatt LV has no discharge
// voltage).
#pragma once

#include <cstdint>
#include <limits>

namespace stacksim::inverter {

inline constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

// Alarm / protection meanings, the union over the profiles' flag maps.
enum AlarmBit : std::uint16_t {
  kCellHighVoltage = 1u << 0,
  kCellLowVoltage = 1u << 1,
  kHighTemperature = 1u << 2,
  kLowTemperature = 1u << 3,
  kChargeOverCurrent = 1u << 4,
  kDischargeOverCurrent = 1u << 5,
  kSystemError = 1u << 6,
  kInternalComm = 1u << 7,
  kOther = 1u << 8,
};

struct BatteryView {
  // Limits, all >= 0.
  double charge_voltage_V = 0.0;     // CVL: charge up to this voltage, then taper
  double discharge_voltage_V = kUnknown;  // DVL: discharge cut-off
  double charge_limit_A = 0.0;       // CCL
  double discharge_limit_A = 0.0;    // DCL
  bool charge_enable = false;
  bool discharge_enable = false;
  // Requests.
  bool force_charge_1 = false;
  bool force_charge_2 = false;
  bool full_charge = false;
  // Measurements, as the battery reports them.
  double soc_pct = kUnknown;
  double soh_pct = kUnknown;
  double voltage_V = kUnknown;
  double current_A = kUnknown;  // + charge
  double temperature_C = kUnknown;
  std::uint16_t alarms = 0;       // AlarmBit
  std::uint16_t protections = 0;  // AlarmBit
  int modules = 0;                // modules / packs the battery reports

  bool force_charge() const { return force_charge_1 || force_charge_2; }
  // The limits with the enable bits applied: what the inverter may draw.
  double allowed_charge_A() const { return charge_enable ? charge_limit_A : 0.0; }
  double allowed_discharge_A() const { return discharge_enable ? discharge_limit_A : 0.0; }
};

}  // namespace stacksim::inverter
