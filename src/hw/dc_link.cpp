#include "hw/dc_link.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace stacksim::hw {

DcLink::DcLink(const DcLinkSpec& spec, const physics::PhysicsSystem& physics)
    : spec_(spec),
      physics_(physics),
      paths_(physics.branch_count()),
      precharge_A_(physics.branch_count(), 0.0),
      last_closing_dV_(physics.branch_count(), 0.0) {
  assert(spec_.capacitance_F > 0.0);
}

void DcLink::set_paths(std::size_t b, bool main_closed, bool precharge_closed, double precharge_ohm) {
  Path& p = paths_[b];
  if (main_closed && !p.main) {
    // The link as the closing contacts find it: the bus if another branch
    // holds it, else the capacitor's own voltage.
    double reference_V = voltage_V_;
    if (main_closed_count_ > 0) {
      double sum = 0.0;
      for (std::size_t k = 0; k < paths_.size(); ++k) {
        if (paths_[k].main) sum += physics_.branch_voltage_V(k);
      }
      reference_V = sum / static_cast<double>(main_closed_count_);
    }
    const double branch_V = physics_.branch_voltage_V(b);
    const double dV = std::fabs(branch_V - reference_V);
    last_closing_dV_[b] = dV;
    if (dV > spec_.inrush_threshold_fraction * std::fabs(branch_V)) {
      ++inrush_count_;
      peak_inrush_dV_ = std::max(peak_inrush_dV_, dV);
    }
  }
  if (main_closed && !p.main) ++main_closed_count_;
  if (!main_closed && p.main) --main_closed_count_;
  p.main = main_closed;
  p.precharge = precharge_closed;
  p.precharge_ohm = precharge_ohm;
}

void DcLink::advance(std::int64_t dt_ns) {
  if (main_closed_count_ > 0) {
    // The bus as the branches that carry current hold it; a one-way path
    // whose diode blocks sits at its own voltage, not the bus's.
    double sum = 0.0, all = 0.0;
    std::size_t carrying = 0;
    for (std::size_t b = 0; b < paths_.size(); ++b) {
      if (!paths_[b].main) continue;
      all += physics_.branch_voltage_V(b);
      if (physics_.branch_closed(b)) {
        sum += physics_.branch_voltage_V(b);
        ++carrying;
      }
    }
    voltage_V_ = carrying > 0 ? sum / static_cast<double>(carrying)
                              : all / static_cast<double>(main_closed_count_);
  } else {
    // Parallel Thevenin of the pre-charge paths and the bleed resistor.
    double g = spec_.bleed_resistance_ohm > 0.0 ? 1.0 / spec_.bleed_resistance_ohm : 0.0;
    double gv = 0.0;
    for (std::size_t b = 0; b < paths_.size(); ++b) {
      const Path& p = paths_[b];
      if (!p.precharge || !(p.precharge_ohm < HUGE_VAL)) continue;
      g += 1.0 / p.precharge_ohm;
      gv += physics_.branch_voltage_V(b) / p.precharge_ohm;
    }
    if (g > 0.0) {
      if (g != cached_g_ || dt_ns != cached_dt_ns_) {
        cached_alpha_ = std::exp(-1e-9 * static_cast<double>(dt_ns) * g / spec_.capacitance_F);
        cached_g_ = g;
        cached_dt_ns_ = dt_ns;
      }
      const double target_V = gv / g;
      voltage_V_ = target_V + (voltage_V_ - target_V) * cached_alpha_;
    }
  }
  for (std::size_t b = 0; b < paths_.size(); ++b) {
    const Path& p = paths_[b];
    precharge_A_[b] = p.precharge && !p.main && p.precharge_ohm < HUGE_VAL
                          ? (voltage_V_ - physics_.branch_voltage_V(b)) / p.precharge_ohm
                          : 0.0;
  }
}

}  // namespace stacksim::hw
