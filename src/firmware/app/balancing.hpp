// Passive balancing decision, shared by the BCU (for its modules) and the LV
// pack: bleed every cell more than balance.threshold_mV above the lowest one,
// but only near the top of charge (the highest cell at or above
// balance.start_mV), where LFP's OCV says something about SOC, and never while
// discharging (bleeding then only wastes charge).
#pragma once

#include <cstdint>

namespace stacksim::fw {

struct BalancingConfig {
  std::int32_t start_mV = 3400;
  std::int32_t threshold_mV = 30;
};

inline bool balancing_allowed(const BalancingConfig& c, std::int32_t cell_max_mV, bool discharging) {
  return !discharging && cell_max_mV >= c.start_mV;
}

// Mask of the cells of one group (up to 16) to bleed against `cell_min_mV`.
inline std::uint16_t balancing_mask(const BalancingConfig& c, const std::uint16_t* cell_mV,
                                    int cells, std::int32_t cell_min_mV) {
  std::uint16_t mask = 0;
  for (int i = 0; i < cells && i < 16; ++i) {
    if (static_cast<std::int32_t>(cell_mV[i]) > cell_min_mV + c.threshold_mV) {
      mask = static_cast<std::uint16_t>(mask | (1u << i));
    }
  }
  return mask;
}

}  // namespace stacksim::fw
