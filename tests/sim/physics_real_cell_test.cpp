// Physics-engine checks on the REAL cell model (models/cells/lfp-prismatic-
// 50ah.json, loaded with sim::load_cell_file): energy balance, step-size
// invariance and the hysteresis gap (physics.md section 11, cases 2 and 5).
// They live here because they need the loader; the analytic checks on
// synthetic cells are in tests/physics/system_test.cpp.
//
// Expected values come from the cell file read independently with
// nlohmann::json (OCV, dU/dT and half-gap breakpoints), never from the engine.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "physics/system.hpp"
#include "physics/test_cells.hpp"
#include "sim/model_files.hpp"
#include "sim/system_config.hpp"
#include "util/diagnostics.hpp"

namespace stacksim::sim {
namespace {

using physics::testing::ns;
using physics::TerminalCommand;
using physics::TerminalResult;

const std::filesystem::path kCellFile =
    std::filesystem::path(STACKSIM_DATA_DIR) / "models" / "cells" / "lfp-prismatic-50ah.json";

physics::CellParams load_50ah() {
  Diagnostics diags;
  auto cell = load_cell_file(kCellFile, diags);
  EXPECT_TRUE(cell) << diags.format();
  return cell ? *cell : physics::CellParams{};
}

// The cell file's tables, straight from the JSON.
struct FileTables {
  double capacity_Ah;
  std::vector<double> soc, mean_V, ent_soc, dudt_V_per_K, gap_soc, half_gap_V;
};

FileTables read_file_tables() {
  std::ifstream in(kCellFile);
  const nlohmann::json j = nlohmann::json::parse(in);
  const nlohmann::json& ocv = j.at("ocv");
  FileTables t;
  t.capacity_Ah = j.at("capacity_Ah").at("value").get<double>();
  t.soc = ocv.at("soc").get<std::vector<double>>();
  t.mean_V = ocv.at("mean_V").get<std::vector<double>>();
  t.ent_soc = ocv.at("entropic").at("soc").get<std::vector<double>>();
  t.dudt_V_per_K = ocv.at("entropic").at("mV_per_K").get<std::vector<double>>();
  for (double& x : t.dudt_V_per_K) x *= 1e-3;
  t.gap_soc = ocv.at("half_gap").at("soc").get<std::vector<double>>();
  t.half_gap_V = ocv.at("half_gap").at("V").get<std::vector<double>>();
  return t;
}

// One cell (or one module of `cells` in series) behind a 1 mOhm branch, in
// a housing of 2 kJ/K at 4 W/K to ambient.
physics::SystemLayout layout_of(const physics::CellParams& cell, std::size_t cells = 1) {
  physics::SystemLayout l;
  l.cell_types.push_back(cell);
  physics::ModuleLayout m;
  m.series_groups = cells;
  m.heat_capacity_J_per_K = 2000.0;
  m.to_ambient_W_per_K = 4.0;
  m.balancing_resistance_ohm = 33.0;
  physics::BranchLayout b;
  b.name = "b";
  b.modules.push_back(m);
  b.resistance_ohm = 1e-3;
  l.branches.push_back(b);
  return l;
}

// --- Energy balance ------------------------------------------------------------

// Integral of V*I dt at the terminals = change of stored energy + cell heat +
// external heat, within 0.1 % of the energy throughput. Stored energy:
// capacity (C) x integral of (U(s) - T_ref dU/dT(s)) ds over each cell's SOC
// change, from the file's breakpoints. Ageing is disabled (capacity fade
// would remove stored energy without heat) and the spread is off (every cell
// has the file's capacity); self-discharge, coulombic efficiency, hysteresis
// and the entropic term are as in the file.
TEST(RealCellEnergyBalance, TerminalEnergyEqualsStoredPlusHeat) {
  physics::CellParams cell = load_50ah();
  cell.ageing.enabled = false;
  cell.spread = physics::SpreadParams{};
  const FileTables f = read_file_tables();
  physics::PhysicsSystem sys(layout_of(cell, 4), 5);
  sys.set_branch_soc(0, 0.15);
  sys.set_hysteresis(-1.0);
  sys.set_ambient_C(20.0);
  const std::vector<double> soc0 = sys.cells().soc;

  const double dt = 1.0;
  double e_in_J = 0.0, throughput_J = 0.0;
  const auto run = [&](double current_A, double seconds) {
    for (double t = 0.0; t < seconds; t += dt) {
      const TerminalResult r = sys.step(ns(dt), TerminalCommand::current(current_A));
      e_in_J += r.voltage_V * r.current_A * dt;
      throughput_J += std::fabs(r.voltage_V * r.current_A) * dt;
    }
  };
  run(25.0, 3600.0);   // 0.5C charge to ~65 %
  run(0.0, 600.0);
  sys.set_balancing(2, true);
  run(-50.0, 1800.0);  // 1C discharge
  run(0.0, 1200.0);
  sys.set_balancing(2, false);
  run(10.0, 1200.0);   // 0.2C charge
  run(0.0, 1800.0);

  double stored_J = 0.0;
  for (std::size_t c = 0; c < sys.cell_count(); ++c) {
    stored_J += f.capacity_Ah * 3600.0 *
                physics::testing::enthalpy_between(f.soc, f.mean_V, f.ent_soc, f.dudt_V_per_K, 25.0,
                                                   soc0[c], sys.cells().soc[c]);
  }
  const double heat_J = sys.cell_heat_total_J() + sys.external_heat_J();
  EXPECT_GT(throughput_J, 4.0 * 3.2 * 50.0 * 3600.0);  // 53 Ah through 4 cells
  EXPECT_NEAR(e_in_J, stored_J + heat_J, 1e-3 * throughput_J)
      << "in " << e_in_J << " J, stored " << stored_J << " J, heat " << heat_J << " J";
  RecordProperty("residual_ppm_of_throughput",
                 static_cast<int>(std::lround((e_in_J - stored_J - heat_J) / throughput_J * 1e6)));
}

// --- Step size -------------------------------------------------------------------

// The same piecewise-constant current profile at 1 ms and at 100 ms steps:
// terminal voltages agree within 1 mV at every common time point (every
// 100 ms). Five minutes of rest, 1C and 1.5C discharge, 0.5C and 0.8C charge.
TEST(RealCellStepSize, OneMillisecondAndOneHundredMillisecondStepsAgree) {
  const physics::CellParams cell = load_50ah();
  struct Segment {
    double until_s, current_A;
  };
  const std::vector<Segment> profile{{20.0, 0.0},   {80.0, -50.0}, {95.5, 0.0},  {140.3, 25.0},
                                     {170.0, -75.0}, {230.0, 40.0}, {300.0, 0.0}};
  const auto current_at = [&](std::int64_t t_ns) {
    for (const Segment& s : profile) {
      if (t_ns < ns(s.until_s)) return s.current_A;
    }
    return 0.0;
  };
  physics::PhysicsSystem fine(layout_of(cell), 9);
  physics::PhysicsSystem coarse(layout_of(cell), 9);
  for (auto* s : {&fine, &coarse}) s->set_cell_soc(0, 0.5);
  const std::int64_t fine_dt = ns(0.001), coarse_dt = ns(0.1);
  double worst_V = 0.0;
  std::size_t compared = 0;
  while (coarse.time_ns() < ns(300.0)) {
    const double i_A = current_at(coarse.time_ns());
    const double v_coarse = coarse.step(coarse_dt, TerminalCommand::current(i_A)).voltage_V;
    double v_fine = 0.0;
    for (int k = 0; k < 100; ++k) {
      ASSERT_EQ(current_at(fine.time_ns()), i_A);  // the profile is piecewise constant on 100 ms
      v_fine = fine.step(fine_dt, TerminalCommand::current(i_A)).voltage_V;
    }
    ASSERT_EQ(fine.time_ns(), coarse.time_ns());
    ASSERT_NEAR(v_fine, v_coarse, 1e-3) << "t = " << static_cast<double>(coarse.time_ns()) * 1e-9;
    worst_V = std::max(worst_V, std::fabs(v_fine - v_coarse));
    ++compared;
  }
  EXPECT_EQ(compared, 3000u);
  EXPECT_NEAR(fine.cells().soc[0], coarse.cells().soc[0], 1e-10);  // rounding of 3e5 sums
  RecordProperty("worst_difference_nV", static_cast<int>(std::lround(worst_V * 1e9)));
}

// --- Hysteresis ------------------------------------------------------------------

// Drives the cell at constant current to exactly `target` SOC: the step that
// would cross it is shortened (SOC is linear in time at constant current).
void drive_to_soc(physics::PhysicsSystem& sys, double current_A, double target) {
  const double sign = current_A > 0.0 ? 1.0 : -1.0;
  double rate = 0.0;
  while ((target - sys.cells().soc[0]) * sign > 1e-12) {
    double dt = 10.0;
    if (rate != 0.0) dt = std::clamp((target - sys.cells().soc[0]) / rate, 1e-3, 10.0);
    const double before = sys.cells().soc[0];
    sys.step(ns(dt), TerminalCommand::current(current_A));
    if (dt == 10.0) rate = (sys.cells().soc[0] - before) / dt;
  }
}

// After a full charge from 0 % to 50 % versus a full discharge from 100 % to
// 50 %, then two hours at rest, the rest voltages differ by the model's gap
// 2 H(0.5) (the file's half_gap table), within 0.5 mV.
TEST(RealCellHysteresis, RestVoltagesDifferByTheGap) {
  const physics::CellParams cell = load_50ah();
  const FileTables f = read_file_tables();
  const double half_gap = physics::testing::lerp(f.gap_soc, f.half_gap_V, 0.5);  // 11.22 mV
  const double mean = physics::testing::lerp(f.soc, f.mean_V, 0.5);               // 3.298 V
  const auto rest_voltage = [&](double from_soc, double hysteresis, double current_A) {
    physics::PhysicsSystem sys(layout_of(cell), 3);
    sys.set_cell_soc(0, from_soc);
    sys.set_hysteresis(hysteresis);
    drive_to_soc(sys, current_A, 0.5);
    TerminalResult r;
    for (int k = 0; k < 720; ++k) r = sys.step(ns(10.0), TerminalCommand::current(0.0));
    return r.voltage_V;
  };
  const double after_charge = rest_voltage(0.0, -1.0, 25.0);      // 0.5C from empty
  const double after_discharge = rest_voltage(1.0, 1.0, -25.0);   // 0.5C from full
  EXPECT_NEAR(after_charge - after_discharge, 2.0 * half_gap, 0.5e-3)
      << "charge " << after_charge << " V, discharge " << after_discharge << " V";
  // And each branch sits at mean +- H.
  EXPECT_NEAR(after_charge, mean + half_gap, 0.5e-3);
  EXPECT_NEAR(after_discharge, mean - half_gap, 0.5e-3);
  RecordProperty("gap_uV", static_cast<int>(std::lround((after_charge - after_discharge) * 1e6)));
}

// --- Parallel cells in the real 2P16S pack ---------------------------------------

// lfp65-x1 as configured (2P16S of 64 Ah, cell spread from the file): in every
// group the two cells' currents add up to the pack current, and the cell with
// the higher resistance factor carries the smaller share.
TEST(RealPackParallelCells, ShareByResistance) {
  Diagnostics diags;
  const auto cfg = load_system_config(STACKSIM_DATA_DIR, "lfp65-x1", diags);
  ASSERT_TRUE(cfg) << diags.format();
  physics::PhysicsSystem sys(cfg->layout(), 1);
  ASSERT_EQ(sys.group_count(), 16u);
  ASSERT_EQ(sys.cell_count(), 32u);
  const double i_A = -0.5 * cfg->nominal_capacity_Ah();  // 64 A
  for (int k = 0; k < 60; ++k) {
    sys.step(ns(1.0), TerminalCommand::current(i_A));
    for (std::size_t g = 0; g < sys.group_count(); ++g) {
      const std::size_t c0 = sys.group(g).first_cell, c1 = c0 + 1;
      ASSERT_EQ(sys.group(g).cells, 2u);
      const double i0 = sys.cells().current_A[c0], i1 = sys.cells().current_A[c1];
      ASSERT_NEAR(i0 + i1, sys.branch_current_A(0), 1e-9) << "group " << g;
      const double f0 = sys.ageing(c0).resistance_factor, f1 = sys.ageing(c1).resistance_factor;
      ASSERT_NE(i0, i1) << "group " << g;
      // i < 0: the smaller share is the one nearer zero.
      ASSERT_EQ(f0 > f1, std::fabs(i0) < std::fabs(i1)) << "group " << g << " step " << k;
    }
  }
}

}  // namespace
}  // namespace stacksim::sim
