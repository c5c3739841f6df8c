// Synthetic cells and layouts for the physics tests: every parameter is set
// here, by the test, so analytic expectations can be written down without
// looking at any model file. Defaults describe a 100 Ah cell with a linear OCV,
// flat resistances, no spread, no self-discharge, eta = 1, no entropic
// coefficient, no hysteresis and ageing disabled; each test turns on what it
// needs.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "physics/cell_params.hpp"
#include "physics/layout.hpp"
#include "physics/lut.hpp"

namespace stacksim::physics::testing {

// The same value over the whole (SOC, T) range.
inline UniformTable2D flat_table(double value) {
  return UniformTable2D(0.0, 1.0, 2, -40.0, 80.0, 2, std::vector<double>(4, value));
}

struct SyntheticCell {
  double capacity_Ah = 100.0;
  double r0_ohm = 1.0e-3;
  double r1_ohm = 0.5e-3;
  double tau1_s = 10.0;
  double r2_ohm = 0.8e-3;
  double tau2_s = 100.0;
  double coulombic_efficiency = 1.0;
  double self_discharge_per_s = 0.0;
  double entropic_V_per_K = 0.0;  // dU/dT, the same at every SOC ...
  double half_gap_V = 0.0;        // hysteresis half-gap, the same at every SOC ...
  Breakpoints entropic_table;     // ... unless these tables are given
  Breakpoints half_gap_table;
  double hysteresis_rate = 0.0;
  double heat_capacity_J_per_K = 2000.0;
  double to_ambient_W_per_K = 0.0;
  double to_neighbour_W_per_K = 0.0;
  double to_module_W_per_K = 0.0;
  // Mean OCV: 3.0 V at SOC 0 to 3.4 V at SOC 1, linear.
  Breakpoints ocv{{0.0, 1.0}, {3.0, 3.4}};
  std::size_t ocv_intervals = 100;
};

inline CellParams make_cell(const SyntheticCell& s) {
  CellParams p;
  p.name = "synthetic";
  p.capacity_Ah = s.capacity_Ah;
  p.coulombic_efficiency = s.coulombic_efficiency;
  p.self_discharge_per_s = s.self_discharge_per_s;
  p.hysteresis_rate = s.hysteresis_rate;
  const Breakpoints entropic = s.entropic_table.x.empty()
                                   ? Breakpoints{{0.0, 1.0}, {s.entropic_V_per_K, s.entropic_V_per_K}}
                                   : s.entropic_table;
  const Breakpoints half_gap = s.half_gap_table.x.empty()
                                   ? Breakpoints{{0.0, 1.0}, {s.half_gap_V, s.half_gap_V}}
                                   : s.half_gap_table;
  p.ocv = OcvTable::build(s.ocv, entropic, half_gap, 25.0, s.ocv_intervals);
  const RcTables rc{flat_table(s.r0_ohm), flat_table(s.r1_ohm), flat_table(s.tau1_s),
                    flat_table(s.r2_ohm), flat_table(s.tau2_s)};
  p.charge = rc;
  p.discharge = rc;
  p.thermal.heat_capacity_J_per_K = s.heat_capacity_J_per_K;
  p.thermal.to_ambient_W_per_K = s.to_ambient_W_per_K;
  p.thermal.to_neighbour_W_per_K = s.to_neighbour_W_per_K;
  p.thermal.to_module_W_per_K = s.to_module_W_per_K;
  p.ageing.enabled = false;
  p.spread = SpreadParams{};
  p.min_voltage_V = 2.5;
  p.max_voltage_V = 3.65;
  return p;
}

struct PackShape {
  std::size_t branches = 1;
  std::size_t modules_per_branch = 1;
  std::size_t series_groups = 1;    // per module
  std::size_t cells_per_group = 1;
  double branch_resistance_ohm = 0.0;
  double module_heat_capacity_J_per_K = 5000.0;
  double module_to_ambient_W_per_K = 0.0;
  double balancing_resistance_ohm = 33.0;
  double refresh_period_s = 1.0;
};

// Branches are named "b0", "b1", ...: the names seed the spread.
inline SystemLayout make_layout(const CellParams& cell, const PackShape& shape = {}) {
  SystemLayout l;
  l.cell_types.push_back(cell);
  l.refresh_period_s = shape.refresh_period_s;
  ModuleLayout m;
  m.cell_type = 0;
  m.series_groups = shape.series_groups;
  m.cells_per_group = shape.cells_per_group;
  m.heat_capacity_J_per_K = shape.module_heat_capacity_J_per_K;
  m.to_ambient_W_per_K = shape.module_to_ambient_W_per_K;
  m.balancing_resistance_ohm = shape.balancing_resistance_ohm;
  for (std::size_t b = 0; b < shape.branches; ++b) {
    BranchLayout bl;
    // (Appended, not "b" + to_string: GCC 12 at -O3 warns falsely on that.)
    bl.name = "b";
    bl.name += std::to_string(b);
    bl.modules.assign(shape.modules_per_branch, m);
    bl.resistance_ohm = shape.branch_resistance_ohm;
    l.branches.push_back(bl);
  }
  return l;
}

inline SystemLayout one_cell_layout(const CellParams& cell) { return make_layout(cell, PackShape{}); }

inline SystemLayout series_layout(const CellParams& cell, std::size_t cells) {
  PackShape s;
  s.series_groups = cells;
  return make_layout(cell, s);
}

// The tests' own piecewise-linear interpolation (extrapolating the end
// segments), independent of physics::Breakpoints.
inline double lerp(const std::vector<double>& x, const std::vector<double>& y, double at) {
  std::size_t i = 0;
  while (i + 2 < x.size() && at > x[i + 1]) ++i;
  return y[i] + (y[i + 1] - y[i]) * (at - x[i]) / (x[i + 1] - x[i]);
}

// Stored energy per coulomb of capacity between SOC s0 and s1 (V), computed
// independently of OcvTable: the integral of U(s) - T_ref * dU/dT(s) by
// trapezoids over the union of both tables' breakpoints, exact for
// piecewise-linear tables.
inline double enthalpy_between(const std::vector<double>& soc_u, const std::vector<double>& u,
                               const std::vector<double>& soc_e, const std::vector<double>& dudt,
                               double reference_C, double s0, double s1) {
  if (s1 < s0) return -enthalpy_between(soc_u, u, soc_e, dudt, reference_C, s1, s0);
  const double t_ref_K = reference_C + 273.15;
  std::vector<double> xs{s0, s1};
  for (const std::vector<double>* v : {&soc_u, &soc_e}) {
    for (double x : *v) {
      if (x > s0 && x < s1) xs.push_back(x);
    }
  }
  std::sort(xs.begin(), xs.end());
  const auto f = [&](double s) { return lerp(soc_u, u, s) - t_ref_K * lerp(soc_e, dudt, s); };
  double integral = 0.0;
  for (std::size_t i = 0; i + 1 < xs.size(); ++i) {
    integral += 0.5 * (f(xs[i]) + f(xs[i + 1])) * (xs[i + 1] - xs[i]);
  }
  return integral;
}

// Simulated time in the engine's unit.
inline std::int64_t ns(double seconds) { return std::llround(seconds * 1e9); }

}  // namespace stacksim::physics::testing
