// Integer codes of the protection table's enumerations, as they travel in the
// parameter flash (prot.N.quantity, prot.N.trip, prot.N.applies,
// prot.N.reaction), and their names in models/firmware/*.json. The
// simulator's loader maps names to codes with these tables; the firmware
// never sees the names.
#pragma once

#include <cstdint>

namespace stacksim::fw {

enum class Quantity : std::int32_t {
  kCellMax_mV = 0,
  kCellMin_mV = 1,
  kPackMax_mV = 2,  // pack (LV) or string (BCU) voltage; same measurement as kPackMin_mV
  kPackMin_mV = 3,
  kChargeCurrent_mA = 4,     // current into the battery, 0 while discharging
  kDischargeCurrent_mA = 5,  // magnitude of the current out of the battery, 0 while charging
  kCellTempMax_dC = 6,
  kCellTempMin_dC = 7,
  kCellDiff_mV = 8,  // cell_max - cell_min
  kBoardTempMax_dC = 9,
};
inline constexpr const char* kQuantityNames[] = {
    "cell_max_mV",          "cell_min_mV",      "pack_max_mV",      "pack_min_mV",
    "charge_current_mA",    "discharge_current_mA", "cell_temp_max_dC", "cell_temp_min_dC",
    "cell_diff_mV",         "board_temp_max_dC"};
inline constexpr int kQuantityCount = 10;

enum class Trip : std::int32_t {
  kAbove = 0,  // out of limit at or above the threshold
  kBelow = 1,  // out of limit at or below the threshold
};
inline constexpr const char* kTripNames[] = {"above", "below"};
inline constexpr int kTripCount = 2;

// When a tier may be raised. Charging and discharging are read from the
// measured current (prot.current_deadband_mA); once raised, a tier clears on
// its value alone.
enum class Applies : std::int32_t {
  kAlways = 0,
  kWhileCharging = 1,
  kWhileDischarging = 2,
};
inline constexpr const char* kAppliesNames[] = {"always", "while_charging", "while_discharging"};
inline constexpr int kAppliesCount = 3;

enum class Reaction : std::int32_t {
  kStopCharge = 0,      // charge limit 0; contactors open only if charge current persists
  kStopDischarge = 1,   // discharge limit 0; likewise
  kStopBoth = 2,
  kOpenContactors = 3,  // both limits 0 and open once the current stopped or after delay_ms
  kFaultLatch = 4,      // as kOpenContactors, and stays until power cycle or service reset
};
inline constexpr const char* kReactionNames[] = {"stop_charge", "stop_discharge", "stop_both",
                                                 "open_contactors", "fault_latch"};
inline constexpr int kReactionCount = 5;

enum class Tier : int { kWarning = 0, kAlarm = 1, kProtection = 2 };
inline constexpr const char* kTierNames[] = {"warning", "alarm", "protection"};
inline constexpr int kTierCount = 3;

inline constexpr int kMaxProtectionRows = 32;

}  // namespace stacksim::fw
