#include "core/derate.hpp"

#include <algorithm>

namespace stacksim::fw {

bool Derating::configure(const ParamSet& p) {
  const std::size_t missing_before = p.missing_count();
  bool ok = charge_temp_.load(p, "derate.charge_temp", "dC", "permille");
  ok = discharge_temp_.load(p, "derate.discharge_temp", "dC", "permille") && ok;
  ok = charge_cell_.load(p, "derate.charge_cell", "mV", "permille") && ok;
  ok = discharge_cell_.load(p, "derate.discharge_cell", "mV", "permille") && ok;
  charge_max_mA_ = p.require("current.charge_max_mA");
  discharge_max_mA_ = p.require("current.discharge_max_mA");
  return ok && p.missing_count() == missing_before && charge_max_mA_ >= 0 && discharge_max_mA_ >= 0;
}

std::int32_t Derating::charge_factor(const DerateInput& in) const {
  if (!in.temps_valid || !in.cells_valid) return 0;
  return std::min({charge_temp_.eval(in.temp_min_dC), charge_temp_.eval(in.temp_max_dC),
                   charge_cell_.eval(in.cell_max_mV)});
}

std::int32_t Derating::discharge_factor(const DerateInput& in) const {
  if (!in.temps_valid || !in.cells_valid) return 0;
  return std::min({discharge_temp_.eval(in.temp_min_dC), discharge_temp_.eval(in.temp_max_dC),
                   discharge_cell_.eval(in.cell_min_mV)});
}

CurrentLimits Derating::limits(const DerateInput& in) const {
  CurrentLimits out;
  out.charge_mA = static_cast<std::int32_t>(static_cast<std::int64_t>(charge_max_mA_) *
                                            charge_factor(in) / 1000);
  out.discharge_mA = static_cast<std::int32_t>(static_cast<std::int64_t>(discharge_max_mA_) *
                                               discharge_factor(in) / 1000);
  return out;
}

}  // namespace stacksim::fw
