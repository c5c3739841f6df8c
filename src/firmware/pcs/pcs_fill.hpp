// Filling one unit's PcsReport: the app's part (limits, SOC, state, flags,
// requests) and the extremes with their positions, which only the role has
// (a BCU's modules, a pack's own cells).
#pragma once

#include <cstdint>

#include "app/bms_app.hpp"
#include "pcs/pcs_meaning.hpp"
#include "pcs/pcs_report.hpp"

namespace stacksim::fw {

// Extremes and positions over a unit's cells, sensors and modules, fed one
// module at a time (positions continue from module to module).
class PcsScan {
 public:
  void module_cells(const std::uint16_t* mV, int count);
  void module_temperatures(const std::int16_t* dC, int count);
  // Sets the extremes, positions, averages and counts in `r` (nothing for
  // what was not scanned).
  void apply(PcsReport& r) const;

 private:
  std::uint16_t cells_ = 0, temps_ = 0, modules_ = 0;
  std::uint16_t cell_min_ = 0, cell_max_ = 0, cell_min_at_ = 0, cell_max_at_ = 0;
  std::int16_t temp_min_ = 0, temp_max_ = 0;
  std::uint16_t temp_min_at_ = 0, temp_max_at_ = 0;
  std::int64_t temp_sum_ = 0;
  std::int32_t module_min_ = 0, module_max_ = 0;
  std::uint16_t module_min_at_ = 0, module_max_at_ = 0;
};

// The app's part: limits and voltage window, measurements, SOC/SOH, cycles,
// capacities, state, tier flags, faults and requests. `nominal_mAh`: the
// unit's nominal capacity. Active only when `talks` (the role decides:
// running, and not a parallel slave).
void fill_from_app(const BmsApp& app, const PcsMeaningMap& meanings, const Snapshot& s, std::uint32_t nominal_mAh,
                   bool talks, PcsReport& r);

}  // namespace stacksim::fw
