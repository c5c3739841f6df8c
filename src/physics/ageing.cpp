// Capacity fade and resistance growth (physics.md section 6). Stress is
// accumulated every slow update; the laws are applied once per ageing window
// with "virtual time" continuation, so a change of stress continues the curve
// from the loss already reached instead of restarting it.
#include <algorithm>
#include <cmath>

#include "physics/system.hpp"

namespace stacksim::physics {
namespace {

constexpr double kTurnDeadband = 0.01;  // SOC swing that counts as a reversal

double dod_factor(const AgeingParams& p, double dod) {
  const auto f = [&](double d) {
    const double x = d - 0.6;
    return p.cycle_dod_cubic * x * x * x + p.cycle_dod_offset;
  };
  return f(dod) / f(p.cycle_reference_dod);
}

// Continues loss = k * x^z by dx from the loss already reached.
double continue_power_law(double loss, double k, double z, double dx) {
  if (k <= 0.0 || dx <= 0.0) return loss;
  const double x_virtual = loss > 0.0 ? std::pow(loss / k, 1.0 / z) : 0.0;
  return k * std::pow(x_virtual + dx, z);
}

void track_half_cycles(CellAgeing& a, double soc) {
  if (a.direction == 0) {
    if (std::fabs(soc - a.soc_turn) > kTurnDeadband) {
      a.direction = soc > a.soc_turn ? 1 : -1;
      a.soc_extreme = soc;
    }
    return;
  }
  const double d = static_cast<double>(a.direction);
  if ((soc - a.soc_extreme) * d > 0.0) {
    a.soc_extreme = soc;
  } else if ((a.soc_extreme - soc) * d > kTurnDeadband) {
    a.last_dod = std::fabs(a.soc_extreme - a.soc_turn);
    a.soc_turn = a.soc_extreme;
    a.soc_extreme = soc;
    a.direction = -a.direction;
  }
}

}  // namespace

void PhysicsSystem::ageing_accumulate(double elapsed_s) {
  bool due = false;
  for (std::size_t c = 0; c < cell_count(); ++c) {
    const AgeingParams& p = cell_type(c).ageing;
    CellAgeing& a = ageing_[c];
    const double soc = cells_.soc[c];
    const double t_C = cells_.temperature_C[c];
    const double x = soc - 0.5;
    const double f_soc = 1.0 + p.calendar_soc_cubic * x * x * x;
    a.window_calendar_stress_s +=
        arrhenius_rate(p.calendar_activation_J_per_mol, t_C, p.reference_temperature_C) *
        std::max(f_soc, 0.0) * elapsed_s;
    a.window_temperature_Cs += t_C * elapsed_s;
    a.window_s += elapsed_s;
    // The cell's share of its branch's throughput (bleed currents and the
    // imbalance between parallel cells are small against it).
    const double share = 1.0 / static_cast<double>(groups_[group_of_cell_[c]].cells);
    const std::size_t b = modules_[groups_[group_of_cell_[c]].module].branch;
    a.window_charge_As += branch_abs_charge_As_[b] * share;
    a.window_sq_current_A2s += branch_sq_current_A2s_[b] * share * share;
    track_half_cycles(a, soc);
    due = due || a.window_s >= p.update_period_s;
  }
  std::fill(branch_abs_charge_As_.begin(), branch_abs_charge_As_.end(), 0.0);
  std::fill(branch_sq_current_A2s_.begin(), branch_sq_current_A2s_.end(), 0.0);
  if (due) ageing_apply();
}

void PhysicsSystem::ageing_apply() {
  for (std::size_t c = 0; c < cell_count(); ++c) {
    const AgeingParams& p = cell_type(c).ageing;
    CellAgeing& a = ageing_[c];
    if (p.enabled && a.window_s > 0.0) {
      const double window_days = a.window_s / 86400.0;
      const double q_now_Ah = a.capacity_now_Ah();
      const double d_efc = a.window_charge_As / (2.0 * q_now_Ah * 3600.0);
      const double t_mean_C = a.window_temperature_Cs / a.window_s;

      const double cal_stress = a.window_calendar_stress_s / a.window_s;
      a.calendar_loss = continue_power_law(a.calendar_loss, p.calendar_k_per_day_pow * cal_stress,
                                           p.calendar_exponent, window_days);

      if (d_efc > 0.0) {
        // Charge-weighted mean C-rate and the depth of the last half-cycle
        // (or of the one still under way, if deeper).
        const double c_rate = a.window_sq_current_A2s / a.window_charge_As / q_now_Ah;
        const double f_c = (1.0 + p.cycle_c_rate_slope * c_rate) /
                           (1.0 + p.cycle_c_rate_slope * p.cycle_reference_c_rate);
        const double swing = std::fabs(a.soc_extreme - a.soc_turn);
        const double dod = std::clamp(std::max(a.last_dod, swing), 0.01, 1.0);
        const double f_t =
            arrhenius_rate(p.cycle_activation_J_per_mol, t_mean_C, p.reference_temperature_C);
        a.cycle_loss = continue_power_law(a.cycle_loss,
                                          p.cycle_k_per_efc_pow * f_t * f_c * dod_factor(p, dod),
                                          p.cycle_exponent, d_efc);
      }
      a.resistance_growth += p.resistance_per_efc * d_efc +
                             p.resistance_per_day * cal_stress * window_days;
      a.efc += d_efc;
      a.days += window_days;
    }
    a.window_s = a.window_charge_As = a.window_sq_current_A2s = 0.0;
    a.window_calendar_stress_s = a.window_temperature_Cs = 0.0;
  }
}

}  // namespace stacksim::physics
