#include "physics/system.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <utility>

#include "util/rng.hpp"

namespace stacksim::physics {
namespace {

// Four running sums in a fixed order: the compiler may keep them in one vector
// register, and the result does not depend on which instruction set ran.
double sum(const double* x, std::size_t n) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += x[i];
    s1 += x[i + 1];
    s2 += x[i + 2];
    s3 += x[i + 3];
  }
  for (; i < n; ++i) s0 += x[i];
  return (s0 + s1) + (s2 + s3);
}

}  // namespace

void CellArrays::resize(std::size_t n) {
  for (auto* v : {&soc, &v1_V, &v2_V, &hyst, &temperature_C, &current_A, &voltage_V, &heat_J,
                  &r0, &a1, &b1, &g1, &a2, &b2, &g2, &eta, &soc_per_As, &capacity_As,
                  &sd_current_A, &ocv_shift_V, &reversible_heat_V, &half_gap_V, &e_V, &z_ohm}) {
    v->assign(n, 0.0);
  }
  direction.assign(n, -1.0);
}

PhysicsSystem::PhysicsSystem(SystemLayout layout, std::uint64_t seed)
    : layout_(std::move(layout)) {
  assert(!layout_.branches.empty() && layout_.refresh_period_s > 0.0);
  for (const CellParams& p : layout_.cell_types) {
    for (const RcTables* t : {&p.charge, &p.discharge}) {
      for (const UniformTable2D* x : {&t->r0_ohm, &t->r1_ohm, &t->tau1_s, &t->r2_ohm, &t->tau2_s}) {
        assert(x->same_grid(p.charge.r0_ohm) && "one grid per cell type (slow_update.cpp)");
        (void)x;
      }
    }
  }
  refresh_period_ns_ = static_cast<std::int64_t>(std::llround(layout_.refresh_period_s * 1e9));
  build_topology();
  draw_spread(seed);
  for (std::size_t c = 0; c < cell_count(); ++c) {
    cells_.soc[c] = 0.5;
    cells_.temperature_C[c] = 25.0;
  }
  std::fill(module_temperature_C_.begin(), module_temperature_C_.end(), 25.0);
  std::fill(module_ambient_C_.begin(), module_ambient_C_.end(), 25.0);
  std::fill(branch_closed_.begin(), branch_closed_.end(), 1);
  next_refresh_ns_ = refresh_period_ns_;
  refresh_coefficients();
  refresh_thevenin();
}

void PhysicsSystem::build_topology() {
  std::size_t cell = 0;
  for (std::size_t b = 0; b < layout_.branches.size(); ++b) {
    BranchInfo bi;
    bi.first_module = modules_.size();
    bi.first_group = groups_.size();
    bi.first_cell = cell;
    for (const ModuleLayout& ml : layout_.branches[b].modules) {
      assert(ml.cell_type < layout_.cell_types.size());
      assert(ml.series_groups >= 1 && ml.cells_per_group >= 1);
      ModuleInfo mi{b, groups_.size(), ml.series_groups, cell, 0, ml};
      for (std::size_t g = 0; g < ml.series_groups; ++g) {
        for (std::size_t p = 0; p < ml.cells_per_group; ++p) {
          cell_type_of_.push_back(ml.cell_type);
          group_of_cell_.push_back(groups_.size());
        }
        groups_.push_back({cell, ml.cells_per_group, modules_.size()});
        cell += ml.cells_per_group;
      }
      mi.cells = cell - mi.first_cell;
      modules_.push_back(mi);
    }
    bi.modules = modules_.size() - bi.first_module;
    bi.groups = groups_.size() - bi.first_group;
    bi.cells = cell - bi.first_cell;
    branches_.push_back(bi);
  }
  cells_.resize(cell);
  ageing_.resize(cell);
  group_voltage_V_.assign(groups_.size(), 0.0);
  group_bleed_A_.assign(groups_.size(), 0.0);
  group_e_V_.assign(groups_.size(), 0.0);
  group_z_ohm_.assign(groups_.size(), 0.0);
  balancing_.assign(groups_.size(), 0);
  module_temperature_C_.assign(modules_.size(), 25.0);
  module_ambient_C_.assign(modules_.size(), 25.0);
  module_heat_J_.assign(modules_.size(), 0.0);
  branch_closed_.assign(branches_.size(), 1);
  branch_conduction_.assign(branches_.size(), Conduction::kClosed);
  for (auto* v : {&branch_current_A_, &branch_voltage_V_, &branch_e_V_, &branch_z_ohm_,
                  &branch_abs_charge_As_, &branch_sq_current_A2s_}) {
    v->assign(branches_.size(), 0.0);
  }
  branch_simple_.assign(branches_.size(), 1);
  branch_direction_.assign(branches_.size(), -1.0);
  for (const GroupInfo& g : groups_) {
    if (g.cells != 1) branch_simple_[modules_[g.module].branch] = 0;
  }
  // Cells of one type in a row form one kernel range.
  for (std::size_t c = 0; c < cell; ++c) {
    if (kernel_ranges_.empty() || cell_type_of_[c] != kernel_ranges_.back().type) {
      kernel_ranges_.push_back({c, 0, cell_type_of_[c]});
    }
    ++kernel_ranges_.back().count;
  }
}

void PhysicsSystem::draw_spread(std::uint64_t seed) {
  for (std::size_t b = 0; b < branches_.size(); ++b) {
    // One stream per branch, named after it: adding a branch does not change
    // the cells of the others.
    Rng rng(seed, "physics.spread/" + layout_.branches[b].name);
    const BranchInfo& bi = branches_[b];
    for (std::size_t c = bi.first_cell; c < bi.first_cell + bi.cells; ++c) {
      const CellParams& p = cell_type(c);
      CellAgeing& a = ageing_[c];
      // Truncated at 4 sigma: a production line screens out the tails, and a
      // factor must stay positive for any sigma the cell file allows.
      const auto draw = [&rng] { return std::clamp(rng.normal(), -4.0, 4.0); };
      const double zq = draw();
      const double zr = draw();
      const double zs = draw();
      a.capacity_Ah = p.capacity_Ah * (1.0 + p.spread.capacity_sigma * zq);
      a.resistance_factor = 1.0 + p.spread.resistance_sigma * zr;
      const double s = p.spread.self_discharge_sigma;
      a.self_discharge_factor = std::exp(s * zs - 0.5 * s * s);  // mean 1
    }
  }
}

const CellParams& PhysicsSystem::cell_type(std::size_t cell) const {
  return layout_.cell_types[cell_type_of_[cell]];
}

// --- set-up and actuators ---------------------------------------------------

void PhysicsSystem::set_cells_soc(std::size_t first, std::size_t count, double soc) {
  for (std::size_t c = first; c < first + count; ++c) {
    cells_.soc[c] = soc;
    // A new starting point, not a half-cycle of use.
    ageing_[c].soc_turn = soc;
    ageing_[c].soc_extreme = soc;
  }
  refresh_coefficients();
  refresh_thevenin();
}

void PhysicsSystem::set_cell_soc(std::size_t cell, double soc) { set_cells_soc(cell, 1, soc); }

void PhysicsSystem::set_cell_leakage_A(std::size_t cell, double amps) {
  ageing_[cell].leakage_A = amps;
  refresh_coefficients();
}

void PhysicsSystem::scale_cell_capacity(std::size_t cell, double factor) {
  ageing_[cell].capacity_Ah *= factor;
  refresh_coefficients();
}

void PhysicsSystem::collapse_cell(std::size_t cell) {
  const OcvTable& t = cell_type(cell).ocv;
  // Below SOC 0 the kernel reads u = u(0) + slope(0) * SOC * intervals_per_soc.
  const double u0_V = t.u_and_slope[0] + cells_.ocv_shift_V[cell];
  const double slope_V = t.u_and_slope[1] * t.intervals_per_soc;
  const double soc = slope_V > 0.0 ? -u0_V / slope_V : 0.0;
  cells_.v1_V[cell] = 0.0;
  cells_.v2_V[cell] = 0.0;
  cells_.hyst[cell] = 0.0;
  set_cells_soc(cell, 1, soc);
}

void PhysicsSystem::set_branch_soc(std::size_t b, double soc) {
  set_cells_soc(branches_[b].first_cell, branches_[b].cells, soc);
}

void PhysicsSystem::set_branch_temperature_C(std::size_t b, double temperature_C) {
  const BranchInfo& bi = branches_[b];
  for (std::size_t c = bi.first_cell; c < bi.first_cell + bi.cells; ++c) {
    cells_.temperature_C[c] = temperature_C;
  }
  for (std::size_t m = bi.first_module; m < bi.first_module + bi.modules; ++m) {
    module_temperature_C_[m] = temperature_C;
  }
  refresh_coefficients();
  refresh_thevenin();
}

void PhysicsSystem::set_module_soc(std::size_t m, double soc) {
  set_cells_soc(modules_[m].first_cell, modules_[m].cells, soc);
}

void PhysicsSystem::set_module_temperature_C(std::size_t m, double temperature_C) {
  const ModuleInfo& mi = modules_[m];
  for (std::size_t c = mi.first_cell; c < mi.first_cell + mi.cells; ++c) cells_.temperature_C[c] = temperature_C;
  module_temperature_C_[m] = temperature_C;
  refresh_coefficients();
  refresh_thevenin();
}

void PhysicsSystem::set_ambient_C(double temperature_C) {
  std::fill(module_ambient_C_.begin(), module_ambient_C_.end(), temperature_C);
}

void PhysicsSystem::set_module_ambient_C(std::size_t m, double temperature_C) {
  module_ambient_C_[m] = temperature_C;
}

void PhysicsSystem::set_hysteresis(double h) {
  std::fill(cells_.hyst.begin(), cells_.hyst.end(), h);
  refresh_thevenin();
}

void PhysicsSystem::set_branch_conduction(std::size_t b, Conduction c) {
  const auto one_way = [](Conduction k) {
    return k == Conduction::kDischargeOnly || k == Conduction::kChargeOnly;
  };
  if (one_way(branch_conduction_[b])) --one_way_count_;
  if (one_way(c)) ++one_way_count_;
  branch_conduction_[b] = c;
  // A one-way branch starts conducting; the next solve settles it.
  branch_closed_[b] = c == Conduction::kOpen ? 0 : 1;
}

void PhysicsSystem::set_balancing(std::size_t g, bool on) {
  if ((balancing_[g] != 0) == on) return;
  balancing_[g] = on ? 1 : 0;
  if (on) {
    ++balancing_count_;
  } else {
    --balancing_count_;
  }
}

// --- views ------------------------------------------------------------------

double PhysicsSystem::group_soc(std::size_t g) const {
  const GroupInfo& gi = groups_[g];
  double q = 0.0, qs = 0.0;
  for (std::size_t c = gi.first_cell; c < gi.first_cell + gi.cells; ++c) {
    const double cap = ageing_[c].capacity_now_Ah();
    q += cap;
    qs += cap * cells_.soc[c];
  }
  return qs / q;
}

double PhysicsSystem::branch_soc(std::size_t b) const {
  const BranchInfo& bi = branches_[b];
  const double* soc = cells_.soc.data() + bi.first_cell;
  const double* cap = cells_.capacity_As.data() + bi.first_cell;
  // Four running sums in a fixed order, as in sum().
  double q[4] = {0.0, 0.0, 0.0, 0.0}, qs[4] = {0.0, 0.0, 0.0, 0.0};
  for (std::size_t c = 0; c < bi.cells; ++c) {
    q[c % 4] += cap[c];
    qs[c % 4] += cap[c] * soc[c];
  }
  return ((qs[0] + qs[1]) + (qs[2] + qs[3])) / ((q[0] + q[1]) + (q[2] + q[3]));
}

double PhysicsSystem::branch_capacity_Ah(std::size_t b) const {
  const BranchInfo& bi = branches_[b];
  double weakest = 0.0;
  for (std::size_t g = bi.first_group; g < bi.first_group + bi.groups; ++g) {
    double q = 0.0;
    for (std::size_t c = groups_[g].first_cell; c < groups_[g].first_cell + groups_[g].cells; ++c) {
      q += ageing_[c].capacity_now_Ah();
    }
    weakest = g == bi.first_group ? q : std::min(weakest, q);
  }
  return weakest;
}

double PhysicsSystem::cell_stored_energy_J(std::size_t c) const {
  return cell_type(c).ocv.enthalpy_at(cells_.soc[c]) * ageing_[c].capacity_now_Ah() * 3600.0;
}

double PhysicsSystem::cell_heat_total_J() const {
  double pending = 0.0;
  for (double h : cells_.heat_J) pending += h;
  return cell_heat_total_J_ + pending;
}

// --- step -------------------------------------------------------------------

TerminalResult PhysicsSystem::step(std::int64_t dt_ns, const TerminalCommand& command) {
  assert(dt_ns > 0);
  if (dt_ns != dt_ns_) {
    dt_ns_ = dt_ns;
    dt_s_ = static_cast<double>(dt_ns) * 1e-9;
    refresh_coefficients();
    refresh_thevenin();
  }
  TerminalResult result;
  solve_with_one_way(command, result);
  distribute_currents();
  if (select_directions()) {
    // Some cells reverse: solve again with the parameter sets of the
    // direction they will really carry, or a voltage command would be missed
    // by the difference between the sets in the step of the reversal.
    result = TerminalResult{};
    solve_with_one_way(command, result);
    distribute_currents();
    select_directions();  // a second flip (near-zero current) is not chased
  }
  run_cell_kernel();
  collect_outputs(result);
  time_ns_ += dt_ns;
  if (time_ns_ >= next_refresh_ns_) {
    const double elapsed_s = static_cast<double>(time_ns_ - last_slow_ns_) * 1e-9;
    last_slow_ns_ = time_ns_;
    next_refresh_ns_ = (time_ns_ / refresh_period_ns_ + 1) * refresh_period_ns_;
    slow_update(elapsed_s);
  }
  return result;
}

void PhysicsSystem::branch_thevenin(std::size_t b, double& e, double& z, double* group_e,
                                    double* group_z) const {
  const BranchInfo& bi = branches_[b];
  e = 0.0;
  z = layout_.branches[b].resistance_ohm;
  if (branch_simple_[b] && !bleed_active_) {
    // Single cells in series and no bleed: plain sums.
    e = sum(cells_.e_V.data() + bi.first_cell, bi.cells);
    z += sum(cells_.z_ohm.data() + bi.first_cell, bi.cells);
    return;
  }
  for (std::size_t g = bi.first_group; g < bi.first_group + bi.groups; ++g) {
    const GroupInfo& gi = groups_[g];
    double ge, gz;
    if (gi.cells == 1) {
      ge = cells_.e_V[gi.first_cell];
      gz = cells_.z_ohm[gi.first_cell];
    } else {
      double s = 0.0, w = 0.0;
      for (std::size_t c = gi.first_cell; c < gi.first_cell + gi.cells; ++c) {
        s += 1.0 / cells_.z_ohm[c];
        w += cells_.e_V[c] / cells_.z_ohm[c];
      }
      gz = 1.0 / s;
      ge = w / s;
    }
    if (group_e) {
      group_e[g] = ge;
      group_z[g] = gz;
    }
    // The bleed resistor draws its current from the group.
    e += ge - gz * group_bleed_A_[g];
    z += gz;
  }
}

void PhysicsSystem::solve_branch_currents(const TerminalCommand& command,
                                          TerminalResult& result) {
  // Each closed branch is a Thevenin source E_k + Z_k*I_k built from its cells'
  // exact ZOH response to a current held over this step; the bus voltage
  // follows from sum(I_k) = I.
  double inv_z_sum = 0.0, e_over_z_sum = 0.0;
  std::size_t closed = 0, last_closed = 0;
  for (std::size_t b = 0; b < branches_.size(); ++b) {
    if (branch_closed_[b]) {
      ++closed;
      last_closed = b;
    }
  }
  // One closed branch of single cells taking a given current needs no
  // Thevenin view: the branch current is the command.
  const bool direct = closed == 1 && command.mode == TerminalCommand::Mode::kCurrent &&
                      branch_simple_[last_closed] && !bleed_active_;
  for (std::size_t b = 0; b < branches_.size(); ++b) {
    if (!branch_closed_[b]) {
      // An open branch carries no current, but its groups' parallel cells
      // and bleed resistors still need their group view (distribute_currents).
      if (!branch_simple_[b] || bleed_active_) {
        double e_unused = 0.0, z_unused = 0.0;
        branch_thevenin(b, e_unused, z_unused, group_e_V_.data(), group_z_ohm_.data());
      }
      continue;
    }
    if (direct) continue;
    branch_thevenin(b, branch_e_V_[b], branch_z_ohm_[b], group_e_V_.data(), group_z_ohm_.data());
    inv_z_sum += 1.0 / branch_z_ohm_[b];
    e_over_z_sum += branch_e_V_[b] / branch_z_ohm_[b];
  }
  std::fill(branch_current_A_.begin(), branch_current_A_.end(), 0.0);
  if (closed == 0) {
    result.open_circuit =
        (command.mode == TerminalCommand::Mode::kCurrent && command.current_A != 0.0) ||
        (command.mode == TerminalCommand::Mode::kPower && command.power_W != 0.0) ||
        command.mode == TerminalCommand::Mode::kVoltage;
    return;
  }
  if (direct) {
    branch_current_A_[last_closed] = command.current_A;
    result.current_A = command.current_A;
    return;
  }
  const double e_sys = e_over_z_sum / inv_z_sum;
  const double z_sys = 1.0 / inv_z_sum;
  double current_A = 0.0;
  switch (command.mode) {
    case TerminalCommand::Mode::kCurrent:
      current_A = command.current_A;
      break;
    case TerminalCommand::Mode::kPower: {
      // P = (E + Z*I)*I; the root near P/E, in the form without cancellation.
      const double disc = e_sys * e_sys + 4.0 * z_sys * command.power_W;
      if (disc < 0.0) {
        current_A = -e_sys / (2.0 * z_sys);
        result.power_limited = true;
      } else {
        current_A = 2.0 * command.power_W / (e_sys + std::sqrt(disc));
      }
      break;
    }
    case TerminalCommand::Mode::kVoltage: {
      const double wanted = (command.voltage_V - e_sys) / z_sys;
      const double limit = std::fabs(command.current_limit_A);
      current_A = std::clamp(wanted, -limit, limit);
      result.current_limited = current_A != wanted;
      break;
    }
  }
  const double bus_V = (current_A + e_over_z_sum) / inv_z_sum;
  bus_V_ = bus_V;
  double assigned = 0.0;
  for (std::size_t b = 0; b < branches_.size(); ++b) {
    if (!branch_closed_[b]) continue;
    if (b == last_closed) {
      // The remainder, so that the branch currents add up to the terminal
      // current to the last bit.
      branch_current_A_[b] = current_A - assigned;
    } else {
      branch_current_A_[b] = (bus_V - branch_e_V_[b]) / branch_z_ohm_[b];
      assigned += branch_current_A_[b];
    }
  }
  result.current_A = current_A;
}

void PhysicsSystem::distribute_currents() {
  double max_abs = 0.0;
  for (std::size_t b = 0; b < branches_.size(); ++b) {
    const BranchInfo& bi = branches_[b];
    const double i_b = branch_current_A_[b];
    if (branch_simple_[b] && !bleed_active_) {
      std::fill_n(cells_.current_A.begin() + static_cast<std::ptrdiff_t>(bi.first_cell), bi.cells, i_b);
      max_abs = std::max(max_abs, std::fabs(i_b));
      continue;
    }
    for (std::size_t g = bi.first_group; g < bi.first_group + bi.groups; ++g) {
      const GroupInfo& gi = groups_[g];
      const double group_A = i_b - group_bleed_A_[g];
      if (gi.cells == 1) {
        cells_.current_A[gi.first_cell] = group_A;
        max_abs = std::max(max_abs, std::fabs(group_A));
        continue;
      }
      // Cells in parallel share the group current by their own OCV and
      // impedance: one terminal voltage V_g = E_g + Z_g*I_g.
      const double v_g = group_e_V_[g] + group_z_ohm_[g] * group_A;
      for (std::size_t c = gi.first_cell; c < gi.first_cell + gi.cells; ++c) {
        cells_.current_A[c] = (v_g - cells_.e_V[c]) / cells_.z_ohm[c];
        max_abs = std::max(max_abs, std::fabs(cells_.current_A[c]));
      }
    }
  }
  max_cell_current_A_ = max_abs;
}

void PhysicsSystem::collect_outputs(TerminalResult& result) {
  double bus_sum = 0.0;
  std::size_t closed = 0;
  for (std::size_t b = 0; b < branches_.size(); ++b) {
    const BranchInfo& bi = branches_[b];
    double v = 0.0;
    if (branch_simple_[b]) {
      v = sum(cells_.voltage_V.data() + bi.first_cell, bi.cells);
    } else {
      for (std::size_t g = bi.first_group; g < bi.first_group + bi.groups; ++g) {
        const GroupInfo& gi = groups_[g];
        double vg = 0.0;
        for (std::size_t c = gi.first_cell; c < gi.first_cell + gi.cells; ++c) vg += cells_.voltage_V[c];
        vg /= static_cast<double>(gi.cells);
        group_voltage_V_[g] = vg;
        v += vg;
      }
    }
    const double i_b = branch_current_A_[b];
    const double r_b = layout_.branches[b].resistance_ohm;
    branch_voltage_V_[b] = v + r_b * i_b;
    external_heat_J_ += i_b * i_b * r_b * dt_s_;
    branch_abs_charge_As_[b] += std::fabs(i_b) * dt_s_;
    branch_sq_current_A2s_[b] += i_b * i_b * dt_s_;
    if (branch_closed_[b]) {
      bus_sum += branch_voltage_V_[b];
      ++closed;
    }
  }
  if (bleed_active_ || balancing_count_ > 0) update_bleed();
  result.voltage_V = closed ? bus_sum / static_cast<double>(closed) : 0.0;
}

void PhysicsSystem::update_bleed() {
  bool any = false;
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    const double vg = group_voltage_V(g);
    // The bleed resistor sits on the module's BMS board: its heat warms the
    // module, not the cell.
    const double bleed_J = vg * group_bleed_A_[g] * dt_s_;
    module_heat_J_[groups_[g].module] += bleed_J;
    external_heat_J_ += bleed_J;
    const double r_bal = modules_[groups_[g].module].layout.balancing_resistance_ohm;
    group_bleed_A_[g] = balancing_[g] && r_bal > 0.0 ? vg / r_bal : 0.0;
    any = any || group_bleed_A_[g] != 0.0;
  }
  bleed_active_ = any;
}

}  // namespace stacksim::physics
