// The slow half of the model: parameters over (SOC, T), thermal nodes and the
// Thevenin view used to split current between parallel paths.
#include <algorithm>
#include <cmath>

#include "physics/system.hpp"

namespace stacksim::physics {
namespace {

struct Rc {
  double r0, a1, b1, g1, a2, b2, g2;
};

// All tables of a cell type share one grid (checked when the system is
// built), so the bilinear weights are computed once per cell.
Rc rc_at(const RcTables& t, const UniformTable2D::Weights& w, double r_factor, double dt_s) {
  const double r0 = t.r0_ohm.at(w) * r_factor;
  const double r1 = t.r1_ohm.at(w) * r_factor;
  const double r2 = t.r2_ohm.at(w) * r_factor;
  // tau = R*C with C unchanged: a resistance that grows slows its pair too.
  const double tau1 = t.tau1_s.at(w) * r_factor;
  const double tau2 = t.tau2_s.at(w) * r_factor;
  const double a1 = std::exp(-dt_s / tau1);
  const double a2 = std::exp(-dt_s / tau2);
  return {r0, a1, r1 * (1.0 - a1), 1.0 / r1, a2, r2 * (1.0 - a2), 1.0 / r2};
}

}  // namespace

void PhysicsSystem::refresh_coefficients() {
  CellArrays& s = cells_;
  max_soc_per_As_ = 0.0;
  for (std::size_t c = 0; c < cell_count(); ++c) {
    const CellParams& p = cell_type(c);
    const CellAgeing& a = ageing_[c];
    const double soc = s.soc[c];
    const double t_C = s.temperature_C[c];
    const double capacity_As = a.capacity_now_Ah() * 3600.0;
    s.soc_per_As[c] = 1.0 / capacity_As;
    s.capacity_As[c] = capacity_As;
    max_soc_per_As_ = std::max(max_soc_per_As_, s.soc_per_As[c]);
    s.sd_current_A[c] = p.self_discharge_per_s * a.self_discharge_factor *
                        arrhenius_rate(p.self_discharge_activation_J_per_mol, t_C,
                                       p.ocv.reference_temperature_C) *
                        capacity_As +
                    a.leakage_A;
    const OcvTable& t = p.ocv;
    const double pos = soc * t.intervals_per_soc;
    const std::size_t i = pos <= 0.0 ? 0 : std::min(static_cast<std::size_t>(pos), t.nodes.size() - 1);
    const double f = std::clamp(pos - static_cast<double>(i), 0.0, 1.0);
    const double dudt = t.nodes[i].dudt_V_per_K + t.nodes[i].ddudt * f;
    s.ocv_shift_V[c] = (t_C - t.reference_temperature_C) * dudt;
    s.reversible_heat_V[c] = (t_C + kZeroCelsius_K) * dudt;
    s.half_gap_V[c] = t.nodes[i].half_gap_V + t.nodes[i].dhalf_gap * f;
    load_set(c, s.direction[c] > 0.0);
  }
}

void PhysicsSystem::load_set(std::size_t c, bool charge) {
  // Only the set in use is kept: the other one is computed when the current
  // reverses, which is rare against the slow period.
  CellArrays& s = cells_;
  const CellParams& p = cell_type(c);
  const CellAgeing& a = ageing_[c];
  const double r_factor = a.resistance_factor * (1.0 + a.resistance_growth);
  const RcTables& tables = charge ? p.charge : p.discharge;
  const Rc rc = rc_at(tables, tables.r0_ohm.weights(s.soc[c], s.temperature_C[c]), r_factor, dt_s_);
  const double a1_old = s.a1[c], a2_old = s.a2[c];
  s.r0[c] = rc.r0;
  s.a1[c] = rc.a1;
  s.b1[c] = rc.b1;
  s.g1[c] = rc.g1;
  s.a2[c] = rc.a2;
  s.b2[c] = rc.b2;
  s.g2[c] = rc.g2;
  s.eta[c] = charge ? p.coulombic_efficiency : 1.0;
  s.z_ohm[c] = rc.r0 + rc.b1 + rc.b2;
  // The Thevenin source holds the RC decay of the set in use.
  s.e_V[c] += (rc.a1 - a1_old) * s.v1_V[c] + (rc.a2 - a2_old) * s.v2_V[c];
  s.direction[c] = charge ? 1.0 : -1.0;
}

void PhysicsSystem::refresh_thevenin() {
  CellArrays& s = cells_;
  for (std::size_t c = 0; c < cell_count(); ++c) {
    const OcvTable& t = cell_type(c).ocv;
    const double pos = s.soc[c] * t.intervals_per_soc;
    const std::size_t last = t.nodes.size() - 1;
    std::size_t i = pos <= 0.0 ? 0 : std::min(static_cast<std::size_t>(pos), last);
    const double f = pos - static_cast<double>(i);
    const OcvTable::Node& nd = t.nodes[i];
    const double u = nd.u_V + nd.du_V * f + s.ocv_shift_V[c];
    const double hyst_V = s.half_gap_V[c] * s.hyst[c];
    s.e_V[c] = u + hyst_V + s.a1[c] * s.v1_V[c] + s.a2[c] * s.v2_V[c];
    if (time_ns_ == 0) {
      s.voltage_V[c] = u + hyst_V + s.v1_V[c] + s.v2_V[c];
    }
  }
  if (time_ns_ == 0) {
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      double v = 0.0;
      for (std::size_t c = groups_[g].first_cell; c < groups_[g].first_cell + groups_[g].cells; ++c) {
        v += s.voltage_V[c];
      }
      group_voltage_V_[g] = v / static_cast<double>(groups_[g].cells);
    }
    for (std::size_t b = 0; b < branches_.size(); ++b) {
      double v = 0.0;
      for (std::size_t g = branches_[b].first_group;
           g < branches_[b].first_group + branches_[b].groups; ++g) {
        v += group_voltage_V_[g];
      }
      branch_voltage_V_[b] = v;
    }
  }
}

void PhysicsSystem::slow_update(double elapsed_s) {
  ++slow_updates_;
  thermal_update(elapsed_s);
  ageing_accumulate(elapsed_s);
  refresh_coefficients();
  refresh_thevenin();
}

void PhysicsSystem::thermal_update(double dt) {
  // Each node is implicit in its own temperature and explicit in its
  // neighbours' (a Jacobi step): the new temperature is a weighted mean of the
  // old ones plus the heat, so it is stable for any period.
  CellArrays& s = cells_;
  std::vector<double>& t_old = thermal_scratch_;
  t_old = s.temperature_C;
  std::vector<double>& module_old = module_scratch_;
  module_old = module_temperature_C_;
  for (std::size_t m = 0; m < modules_.size(); ++m) {
    const ModuleInfo& mi = modules_[m];
    const ThermalParams& th = layout_.cell_types[mi.layout.cell_type].thermal;
    const double t_amb = module_ambient_C_[m];
    const double t_mod = module_old[m];
    double to_module_sum = 0.0;
    for (std::size_t k = 0; k < mi.cells; ++k) {
      const std::size_t c = mi.first_cell + k;
      double g_sum = th.to_ambient_W_per_K + th.to_module_W_per_K;
      double flow = th.to_ambient_W_per_K * t_amb + th.to_module_W_per_K * t_mod;
      if (k > 0) {
        g_sum += th.to_neighbour_W_per_K;
        flow += th.to_neighbour_W_per_K * t_old[c - 1];
      }
      if (k + 1 < mi.cells) {
        g_sum += th.to_neighbour_W_per_K;
        flow += th.to_neighbour_W_per_K * t_old[c + 1];
      }
      const double cap = th.heat_capacity_J_per_K;
      s.temperature_C[c] = (cap * t_old[c] + s.heat_J[c] + dt * flow) / (cap + dt * g_sum);
      cell_heat_total_J_ += s.heat_J[c];
      s.heat_J[c] = 0.0;
      to_module_sum += t_old[c];
    }
    // Housing node: cells, ambient and the neighbouring modules of the stack.
    const BranchLayout& bl = layout_.branches[mi.branch];
    const BranchInfo& bi = branches_[mi.branch];
    double g_sum = mi.layout.to_ambient_W_per_K + th.to_module_W_per_K * static_cast<double>(mi.cells);
    double flow = mi.layout.to_ambient_W_per_K * t_amb + th.to_module_W_per_K * to_module_sum;
    for (std::size_t n : {m - 1, m + 1}) {
      if (n >= bi.first_module && n < bi.first_module + bi.modules && n != m) {
        g_sum += bl.module_coupling_W_per_K;
        flow += bl.module_coupling_W_per_K * module_old[n];
      }
    }
    const double cap = mi.layout.heat_capacity_J_per_K;
    module_temperature_C_[m] = (cap * t_mod + module_heat_J_[m] + dt * flow) / (cap + dt * g_sum);
    module_heat_J_[m] = 0.0;
  }
}

}  // namespace stacksim::physics
