#include "pcs/pcs_report.hpp"

namespace stacksim::fw {
namespace {

// How bad a state is, for the system's state: the worst unit speaks.
int severity(ssim_bms_state s) {
  switch (s) {
    case SSIM_STATE_FAULT: return 7;
    case SSIM_STATE_OVER_DISCHARGED: return 6;
    case SSIM_STATE_PROTECT: return 5;
    case SSIM_STATE_SHUTDOWN: return 4;
    case SSIM_STATE_STARTING: return 3;
    default: return 0;  // running states: decided by the system's current
  }
}

ssim_bms_state merged_state(const PcsReport* units, std::size_t count, std::int32_t current_mA) {
  ssim_bms_state worst = units[0].state;
  bool all_full = true, any_charge = false, any_discharge = false;
  for (std::size_t i = 0; i < count; ++i) {
    const ssim_bms_state s = units[i].state;
    if (severity(s) > severity(worst)) worst = s;
    all_full = all_full && s == SSIM_STATE_FULL_CHARGE;
    any_charge = any_charge || s == SSIM_STATE_CHARGE;
    any_discharge = any_discharge || s == SSIM_STATE_DISCHARGE;
  }
  if (severity(worst) > 0) return worst;
  if (all_full) return SSIM_STATE_FULL_CHARGE;
  if (any_charge && current_mA >= 0) return SSIM_STATE_CHARGE;
  if (any_discharge && current_mA <= 0) return SSIM_STATE_DISCHARGE;
  return SSIM_STATE_STANDBY;
}

// Sum of the limits, bounded by the weakest unit's share per unit.
std::int32_t system_limit(std::int64_t sum, std::int64_t weakest_per_unit, std::int64_t units) {
  const std::int64_t bound = weakest_per_unit * units;
  const std::int64_t v = sum < bound ? sum : bound;
  return static_cast<std::int32_t>(v > INT32_MAX ? INT32_MAX : v);
}

}  // namespace

PcsReport merge_unit_reports(const PcsReport* units, std::size_t count) {
  PcsReport out;
  if (units == nullptr || count == 0) return out;
  out = units[0];
  out.units = 0;
  out.cell_count = out.temp_count = out.module_count = 0;
  out.capacity_mAh = out.full_mAh = out.remaining_mAh = 0;
  out.tiers = {};
  out.faults = 0;
  out.faulty_unit = 0;
  out.requests = kPcsEnableBits;
  out.active = true;
  out.path_closed = true;
  out.balancing = false;

  std::int64_t charge_sum = 0, discharge_sum = 0;
  std::int64_t charge_weakest = INT64_MAX, discharge_weakest = INT64_MAX;
  std::int64_t pack_sum = 0, current_sum = 0, temp_sum = 0, soc_weighted = 0, soh_weighted = 0;
  std::int64_t weight_sum = 0;
  std::uint32_t unit_base = 0;  // units before this report, for the faulty-unit number
  for (std::size_t i = 0; i < count; ++i) {
    const PcsReport& u = units[i];
    const std::int64_t n = u.units > 0 ? u.units : 1;
    charge_sum += u.charge_limit_mA;
    discharge_sum += u.discharge_limit_mA;
    if (u.charge_limit_mA / n < charge_weakest) charge_weakest = u.charge_limit_mA / n;
    if (u.discharge_limit_mA / n < discharge_weakest) discharge_weakest = u.discharge_limit_mA / n;
    if (u.charge_voltage_mV < out.charge_voltage_mV) out.charge_voltage_mV = u.charge_voltage_mV;
    if (u.discharge_voltage_mV > out.discharge_voltage_mV) out.discharge_voltage_mV = u.discharge_voltage_mV;
    pack_sum += u.pack_mV;
    current_sum += u.current_mA;
    const std::int64_t weight = u.full_mAh > 0 ? u.full_mAh : (u.capacity_mAh > 0 ? u.capacity_mAh : 1);
    soc_weighted += weight * u.soc_permille;
    soh_weighted += weight * u.soh_permille;
    weight_sum += weight;
    temp_sum += static_cast<std::int64_t>(u.temp_avg_dC) * (u.temp_count > 0 ? u.temp_count : 1);
    // Extremes, positions shifted past the units before this one.
    const bool first = i == 0;
    const auto shifted = [](std::uint16_t base, std::uint16_t at) { return static_cast<std::uint16_t>(base + at); };
    keep_min(first, u.cell_min_mV, shifted(out.cell_count, u.cell_min_index), out.cell_min_mV, out.cell_min_index);
    keep_max(first, u.cell_max_mV, shifted(out.cell_count, u.cell_max_index), out.cell_max_mV, out.cell_max_index);
    keep_min(first, u.temp_min_dC, shifted(out.temp_count, u.temp_min_index), out.temp_min_dC, out.temp_min_index);
    keep_max(first, u.temp_max_dC, shifted(out.temp_count, u.temp_max_index), out.temp_max_dC, out.temp_max_index);
    keep_min(first, u.module_min_mV, shifted(out.module_count, u.module_min_index), out.module_min_mV,
             out.module_min_index);
    keep_max(first, u.module_max_mV, shifted(out.module_count, u.module_max_index), out.module_max_mV,
             out.module_max_index);
    if (u.board_temp_dC > out.board_temp_dC) out.board_temp_dC = u.board_temp_dC;
    if (u.cycles > out.cycles) out.cycles = u.cycles;
    out.cell_count = static_cast<std::uint16_t>(out.cell_count + u.cell_count);
    out.temp_count = static_cast<std::uint16_t>(out.temp_count + u.temp_count);
    out.module_count = static_cast<std::uint16_t>(out.module_count + u.module_count);
    out.capacity_mAh += u.capacity_mAh;
    out.full_mAh += u.full_mAh;
    out.remaining_mAh += u.remaining_mAh;
    for (std::size_t t = 0; t < out.tiers.size(); ++t) out.tiers[t] |= u.tiers[t];
    out.faults |= u.faults;
    if (out.faulty_unit == 0) {
      if (u.faulty_unit != 0) {
        out.faulty_unit = static_cast<std::uint8_t>(unit_base + u.faulty_unit);
      } else if (u.flags(PcsTier::kProtection) != 0 || u.faults != 0) {
        out.faulty_unit = static_cast<std::uint8_t>(unit_base + 1);
      }
    }
    out.requests = static_cast<std::uint8_t>((out.requests & (u.requests | ~kPcsEnableBits)) |
                                             (u.requests & ~kPcsEnableBits));
    out.active = out.active && u.active;
    out.path_closed = out.path_closed && u.path_closed;
    out.balancing = out.balancing || u.balancing;
    unit_base += static_cast<std::uint32_t>(n);
  }
  out.units = static_cast<std::uint16_t>(unit_base);
  const auto n = static_cast<std::int64_t>(count);
  out.charge_limit_mA = system_limit(charge_sum, charge_weakest, out.units);
  out.discharge_limit_mA = system_limit(discharge_sum, discharge_weakest, out.units);
  out.pack_mV = static_cast<std::int32_t>(pack_sum / n);  // parallel units share the terminals
  out.current_mA = static_cast<std::int32_t>(current_sum);
  out.soc_permille = static_cast<std::uint16_t>(soc_weighted / weight_sum);
  out.soh_permille = static_cast<std::uint16_t>(soh_weighted / weight_sum);
  out.temp_avg_dC = static_cast<std::int16_t>(temp_sum / (out.temp_count > 0 ? out.temp_count : n));
  out.state = merged_state(units, count, out.current_mA);
  return out;
}

}  // namespace stacksim::fw
