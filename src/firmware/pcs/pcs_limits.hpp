// The battery's fixed limits as the PCS protocols that report them want
// them (Pylontech RS485 0x47, protocols.md 5.2): thresholds of the
// protection table and the rated currents. Read once at start-up.
#pragma once

#include <cstdint>

#include "core/protection.hpp"

namespace stacksim::fw {

struct PcsLimits {
  std::int32_t cell_high_mV = 0;        // cell over-voltage, protection tier
  std::int32_t cell_low_mV = 0;         // cell under-voltage, alarm tier
  std::int32_t cell_under_mV = 0;       // cell under-voltage, protection tier
  std::int32_t pack_high_mV = 0;        // pack over-voltage, protection tier
  std::int32_t pack_low_mV = 0;         // pack under-voltage, alarm tier
  std::int32_t pack_under_mV = 0;       // pack under-voltage, protection tier
  std::int32_t charge_high_dC = 0;      // over-temperature while charging, protection tier
  std::int32_t charge_low_dC = 0;       // under-temperature while charging, protection tier
  std::int32_t discharge_high_dC = 0;
  std::int32_t discharge_low_dC = 0;
  std::int32_t charge_max_mA = 0;       // rated (current.charge_max_mA)
  std::int32_t discharge_max_mA = 0;    // rated (current.discharge_max_mA)
};

// From the protection table: for each limit the first row of its quantity
// and direction (temperature rows: applying to that direction or always)
// at the tier named, or at the nearest tier the row has; 0 where no row
// watches it.
PcsLimits pcs_limits_from(const ProtectionEngine& engine, std::int32_t charge_max_mA, std::int32_t discharge_max_mA);

}  // namespace stacksim::fw
