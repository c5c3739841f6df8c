#include "pcs/pcs_limits.hpp"

namespace stacksim::fw {
namespace {

// Any row for kAlways; otherwise a row about that direction.
bool covers(const ProtectionRow& row, Applies wanted) {
  switch (wanted) {
    case Applies::kWhileCharging: return row_concerns_charge(row);
    case Applies::kWhileDischarging: return row_concerns_discharge(row);
    case Applies::kAlways: break;
  }
  return true;
}

// The threshold at `tier`, or at the nearest tier the row has (looking
// toward protection first: the harder limit is what a PCS must respect).
std::int32_t at_tier(const ProtectionRow& row, Tier tier) {
  const int t = static_cast<int>(tier);
  for (int d = 0; d < kTierCount; ++d) {
    if (t + d < kTierCount && row.has_tier[static_cast<std::size_t>(t + d)]) return row.threshold[static_cast<std::size_t>(t + d)];
    if (t - d >= 0 && row.has_tier[static_cast<std::size_t>(t - d)]) return row.threshold[static_cast<std::size_t>(t - d)];
  }
  return 0;
}

std::int32_t threshold(const ProtectionEngine& e, Quantity q, Applies applies, Tier tier) {
  for (int i = 0; i < e.row_count(); ++i) {
    const ProtectionRow& row = e.row(i);
    if (row.quantity == q && covers(row, applies)) return at_tier(row, tier);
  }
  return 0;
}

}  // namespace

PcsLimits pcs_limits_from(const ProtectionEngine& e, std::int32_t charge_max_mA, std::int32_t discharge_max_mA) {
  constexpr Applies kAny = Applies::kAlways;
  PcsLimits l;
  l.cell_high_mV = threshold(e, Quantity::kCellMax_mV, kAny, Tier::kProtection);
  l.cell_low_mV = threshold(e, Quantity::kCellMin_mV, kAny, Tier::kAlarm);
  l.cell_under_mV = threshold(e, Quantity::kCellMin_mV, kAny, Tier::kProtection);
  l.pack_high_mV = threshold(e, Quantity::kPackMax_mV, kAny, Tier::kProtection);
  l.pack_low_mV = threshold(e, Quantity::kPackMin_mV, kAny, Tier::kAlarm);
  l.pack_under_mV = threshold(e, Quantity::kPackMin_mV, kAny, Tier::kProtection);
  l.charge_high_dC = threshold(e, Quantity::kCellTempMax_dC, Applies::kWhileCharging, Tier::kProtection);
  l.charge_low_dC = threshold(e, Quantity::kCellTempMin_dC, Applies::kWhileCharging, Tier::kProtection);
  l.discharge_high_dC = threshold(e, Quantity::kCellTempMax_dC, Applies::kWhileDischarging, Tier::kProtection);
  l.discharge_low_dC = threshold(e, Quantity::kCellTempMin_dC, Applies::kWhileDischarging, Tier::kProtection);
  l.charge_max_mA = charge_max_mA;
  l.discharge_max_mA = discharge_max_mA;
  return l;
}

}  // namespace stacksim::fw
