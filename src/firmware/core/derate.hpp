// Charge and discharge current limits: the product's maximum continuous
// currents scaled by piecewise-linear tables of cell temperature
// (derate.charge_temp, derate.discharge_temp: 0 outside the manual's allowed
// range) and of cell voltage near the ends (derate.charge_cell against the
// highest cell, so the limit tapers toward the charge voltage;
// derate.discharge_cell against the lowest cell, tapering toward cut-off).
// Table values are permille of the maximum current; the smallest factor wins.
// Both temperature extremes are looked up, since either may be the limiting
// one. Without valid temperatures or cells the limit is 0: a BMS that cannot
// see its cells allows no current.
//
// Limits are per pack (LV) or per string (BCU); parallel units add theirs up
// in the per-role firmware.
#pragma once

#include <cstdint>

#include "core/curve.hpp"
#include "core/params.hpp"

namespace stacksim::fw {

struct DerateInput {
  std::int16_t temp_min_dC = 0;
  std::int16_t temp_max_dC = 0;
  bool temps_valid = false;
  std::int32_t cell_min_mV = 0;
  std::int32_t cell_max_mV = 0;
  bool cells_valid = false;
};

struct CurrentLimits {
  std::int32_t charge_mA = 0;
  std::int32_t discharge_mA = 0;  // positive
};

class Derating {
 public:
  bool configure(const ParamSet& params);
  CurrentLimits limits(const DerateInput& in) const;

  // The factors alone, permille.
  std::int32_t charge_factor(const DerateInput& in) const;
  std::int32_t discharge_factor(const DerateInput& in) const;

  std::int32_t charge_max_mA() const { return charge_max_mA_; }
  std::int32_t discharge_max_mA() const { return discharge_max_mA_; }

 private:
  Curve charge_temp_, discharge_temp_, charge_cell_, discharge_cell_;
  std::int32_t charge_max_mA_ = 0;
  std::int32_t discharge_max_mA_ = 0;
};

}  // namespace stacksim::fw
