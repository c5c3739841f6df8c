// Branches in parallel on one bus and cells in parallel inside a group.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "physics/system.hpp"
#include "test_cells.hpp"

namespace stacksim::physics {
namespace {

using testing::make_cell;
using testing::make_layout;
using testing::ns;
using testing::PackShape;
using testing::SyntheticCell;

double branch_sum(const PhysicsSystem& sys) {
  double s = 0.0;
  for (std::size_t b = 0; b < sys.branch_count(); ++b) s += sys.branch_current_A(b);
  return s;
}

// Three 16-cell LV packs with cell spread, different cable resistances and
// different SOCs.
PhysicsSystem three_packs() {
  CellParams p = make_cell(SyntheticCell{});
  p.spread.capacity_sigma = 0.01;
  p.spread.resistance_sigma = 0.05;
  PackShape shape;
  shape.branches = 3;
  shape.series_groups = 16;
  SystemLayout l = make_layout(p, shape);
  l.branches[0].resistance_ohm = 2e-3;
  l.branches[1].resistance_ohm = 5e-3;
  l.branches[2].resistance_ohm = 9e-3;
  PhysicsSystem sys(l, 3);
  sys.set_branch_soc(0, 0.4);
  sys.set_branch_soc(1, 0.5);
  sys.set_branch_soc(2, 0.6);
  return sys;
}

TEST(Parallel, BranchCurrentsAddUpToTheTerminalCurrentForEveryCommand) {
  PhysicsSystem sys = three_packs();
  const double dt = 1.0;
  struct Phase {
    TerminalCommand cmd;
    double seconds;
  };
  const std::vector<Phase> phases{
      {TerminalCommand::current(60.0), 300.0},   {TerminalCommand::current(0.0), 120.0},
      {TerminalCommand::current(-150.0), 300.0}, {TerminalCommand::power(4000.0), 300.0},
      {TerminalCommand::power(-6000.0), 300.0},  {TerminalCommand::voltage(51.6, 30.0), 1800.0},
      {TerminalCommand::voltage(50.6, 90.0), 900.0},
  };
  std::size_t steps = 0, power_steps = 0, cv_steps = 0, limited_steps = 0;
  for (const Phase& ph : phases) {
    for (double t = 0.0; t < ph.seconds; t += dt) {
      const TerminalResult r = sys.step(ns(dt), ph.cmd);
      ++steps;
      ASSERT_NEAR(branch_sum(sys), r.current_A, 1e-9) << "step " << steps;
      // The bus joins the branches: their voltages differ only by how far
      // each branch's OCV moved during the step (16 cells x 0.4 V/SOC x
      // |I_b| dt / Q, Q at least 95 Ah with a 1 % capacity spread).
      double i_max = 0.0;
      for (std::size_t b = 0; b < 3; ++b) i_max = std::max(i_max, std::fabs(sys.branch_current_A(b)));
      const double ocv_move_V = 16.0 * 0.4 * i_max * dt / (0.95 * 100.0 * 3600.0);
      for (std::size_t b = 0; b < 3; ++b) {
        ASSERT_NEAR(sys.branch_voltage_V(b), r.voltage_V, ocv_move_V + 1e-9) << "step " << steps;
      }
      switch (ph.cmd.mode) {
        case TerminalCommand::Mode::kCurrent:
          ASSERT_EQ(r.current_A, ph.cmd.current_A);
          break;
        case TerminalCommand::Mode::kPower:
          ASSERT_FALSE(r.power_limited);
          ASSERT_NEAR(r.voltage_V * r.current_A, ph.cmd.power_W, ocv_move_V * std::fabs(r.current_A));
          ++power_steps;
          break;
        case TerminalCommand::Mode::kVoltage:
          ASSERT_LE(std::fabs(r.current_A), ph.cmd.current_limit_A + 1e-12);
          if (r.current_limited) {
            ++limited_steps;
          } else {
            ASSERT_NEAR(r.voltage_V, ph.cmd.voltage_V, ocv_move_V);
            ++cv_steps;
          }
          break;
      }
    }
  }
  // Both regimes of the voltage command were exercised.
  EXPECT_GT(cv_steps, 100u);
  EXPECT_GT(limited_steps, 0u);
  EXPECT_EQ(power_steps, 600u);
}

TEST(Parallel, OpenBranchCarriesNoCurrent) {
  PhysicsSystem sys = three_packs();
  sys.set_branch_closed(1, false);
  EXPECT_FALSE(sys.branch_closed(1));
  const std::size_t first = sys.branch(1).first_cell, cells = sys.branch(1).cells;
  const std::vector<double> soc_before(sys.cells().soc.begin() + static_cast<std::ptrdiff_t>(first),
                                       sys.cells().soc.begin() + static_cast<std::ptrdiff_t>(first + cells));
  for (int k = 0; k < 600; ++k) {
    const TerminalResult r = sys.step(ns(1.0), TerminalCommand::current(k < 300 ? -90.0 : 40.0));
    ASSERT_EQ(sys.branch_current_A(1), 0.0);
    ASSERT_NEAR(sys.branch_current_A(0) + sys.branch_current_A(2), r.current_A, 1e-9);
    ASSERT_NE(sys.branch_current_A(0), 0.0);
    ASSERT_NE(sys.branch_current_A(2), 0.0);
    for (std::size_t c = first; c < first + cells; ++c) ASSERT_EQ(sys.cells().current_A[c], 0.0);
  }
  for (std::size_t k = 0; k < cells; ++k) {
    EXPECT_EQ(sys.cells().soc[first + k], soc_before[k]);  // no self-discharge set
  }
  // Closed again, it takes its share.
  sys.set_branch_closed(1, true);
  sys.step(ns(1.0), TerminalCommand::current(-90.0));
  EXPECT_LT(sys.branch_current_A(1), 0.0);
  // All open: nothing flows and the source is told so.
  for (std::size_t b = 0; b < 3; ++b) sys.set_branch_closed(b, false);
  const TerminalResult r = sys.step(ns(1.0), TerminalCommand::current(-90.0));
  EXPECT_TRUE(r.open_circuit);
  EXPECT_EQ(r.current_A, 0.0);
  EXPECT_EQ(branch_sum(sys), 0.0);
}

// Two 16-cell packs at 40 % and 60 % SOC joined at rest. The circulating
// current I = (U_1 - U_0) / R_loop with U = 16 (3.0 + 0.4 SOC) drives the
// SOC difference d as dd/dt = -d / tau, tau = 3600 Q R_loop / (2 * 16 * 0.4).
// R_loop lies between the two packs' series resistances alone (the RC pairs
// not yet charged: 2 (16 R0 + R_b)) and the full DC resistance (pairs
// charged), enlarged by the lag of the slowest pair behind a decaying
// current: R2 / (1 - tau2/tau) instead of R2, less than 5 % on R_loop.
TEST(Parallel, JoinedPacksExchangeADecayingCurrentAndConverge) {
  SyntheticCell sc;  // R0 1 mOhm, R1 0.5, R2 0.8 (tau 10 s, 100 s), eta 1
  PackShape shape;
  shape.branches = 2;
  shape.series_groups = 16;
  shape.branch_resistance_ohm = 5e-3;
  PhysicsSystem sys(make_layout(make_cell(sc), shape), 1);
  sys.set_branch_soc(0, 0.4);
  sys.set_branch_soc(1, 0.6);
  const double q_As = 100.0 * 3600.0;
  const double r_fast = 2.0 * (16.0 * sc.r0_ohm + 5e-3);
  const double r_slow = 1.05 * 2.0 * (16.0 * (sc.r0_ohm + sc.r1_ohm + sc.r2_ohm) + 5e-3);
  const double tau_min = q_As * r_fast / (2.0 * 16.0 * 0.4);  // 1181 s
  const double tau_max = q_As * r_slow / (2.0 * 16.0 * 0.4);  // 2469 s

  // First step: the full OCV difference 16 * 0.4 * 0.2 = 1.28 V over R0s and
  // cables (and the first instant of the pairs).
  sys.step(ns(1.0), TerminalCommand::current(0.0));
  EXPECT_GT(sys.branch_current_A(0), 0.0);
  EXPECT_LT(sys.branch_current_A(0), 1.28 / r_fast);
  EXPECT_GT(sys.branch_current_A(0), 0.9 * 1.28 / r_fast);

  double t = 1.0, last_current = sys.branch_current_A(0);
  for (double check_s : {600.0, 3600.0, 3.0 * 3600.0, 6.0 * 3600.0}) {
    for (; t < check_s; t += 1.0) {
      sys.step(ns(1.0), TerminalCommand::current(0.0));
      ASSERT_NEAR(sys.branch_current_A(0) + sys.branch_current_A(1), 0.0, 1e-9);
      ASSERT_GT(sys.branch_current_A(0), 0.0) << "t = " << t;  // no overshoot
    }
    const double d = sys.branch_soc(1) - sys.branch_soc(0);
    EXPECT_LT(d, 0.2 * std::exp(-t / tau_max)) << "t = " << t;
    EXPECT_GT(d, 0.2 * std::exp(-t / tau_min)) << "t = " << t;
    EXPECT_LT(sys.branch_current_A(0), last_current) << "t = " << t;
    last_current = sys.branch_current_A(0);
    // Charge moves, none is made or lost (eta = 1, no self-discharge).
    EXPECT_NEAR(sys.branch_soc(0) + sys.branch_soc(1), 1.0, 1e-12);
  }
  // After six hours: below 0.2 exp(-21600 / 2469) = 3.2e-5.
  EXPECT_LT(sys.branch_soc(1) - sys.branch_soc(0), 3.2e-5);
}

// 2P16S like the lfp65 pack, with a large resistance spread: each group's
// two cells share its current in inverse proportion to their impedance over
// the step (equal OCV at the start), and add up to it.
TEST(Parallel, CellsOfAGroupShareItsCurrentByResistance) {
  SyntheticCell sc;
  sc.capacity_Ah = 64.0;
  CellParams p = make_cell(sc);
  p.spread.resistance_sigma = 0.05;
  PackShape shape;
  shape.series_groups = 16;
  shape.cells_per_group = 2;
  PhysicsSystem sys(make_layout(p, shape), 11);
  ASSERT_EQ(sys.group_count(), 16u);
  const double dt = 1.0, i_A = -64.0;
  // Impedance of a cell over one step from rest, computed here: resistances
  // and time constants both scale with the cell's resistance factor.
  const auto z = [&](double f) {
    return f * (sc.r0_ohm + sc.r1_ohm * (1.0 - std::exp(-dt / (f * sc.tau1_s))) +
                sc.r2_ohm * (1.0 - std::exp(-dt / (f * sc.tau2_s))));
  };
  for (int k = 0; k < 120; ++k) {
    sys.step(ns(dt), TerminalCommand::current(i_A));
    for (std::size_t g = 0; g < sys.group_count(); ++g) {
      const std::size_t c0 = sys.group(g).first_cell, c1 = c0 + 1;
      const double i0 = sys.cells().current_A[c0], i1 = sys.cells().current_A[c1];
      ASSERT_NEAR(i0 + i1, i_A, 1e-9) << "group " << g << " step " << k;
      const double f0 = sys.ageing(c0).resistance_factor, f1 = sys.ageing(c1).resistance_factor;
      ASSERT_NE(f0, f1);
      // Higher resistance, smaller share of the discharge current.
      if (f0 > f1) {
        ASSERT_GT(i0, i1) << "group " << g << " step " << k;  // i < 0: smaller magnitude
      } else {
        ASSERT_LT(i0, i1) << "group " << g << " step " << k;
      }
      if (k == 0) {
        const double expected0 = i_A * (1.0 / z(f0)) / (1.0 / z(f0) + 1.0 / z(f1));
        EXPECT_NEAR(i0, expected0, 1e-9 * std::fabs(i_A)) << "group " << g;
      }
    }
  }
}


// An open branch of parallel groups carries no branch current; its cells only
// exchange the small current their own OCV differences drive, and its group
// voltages stay those of the cells (they are what a front end measures).
TEST(Parallel, OpenBranchOfParallelGroupsKeepsItsVoltages) {
  CellParams p = make_cell(SyntheticCell{});
  p.spread.capacity_sigma = 0.01;
  PackShape shape;
  shape.series_groups = 16;
  shape.cells_per_group = 2;
  PhysicsSystem sys(make_layout(p, shape), 5);
  sys.set_branch_soc(0, 0.5);
  sys.set_branch_closed(0, false);
  for (int k = 0; k < 100; ++k) {
    const TerminalResult r = sys.step(ns(0.01), TerminalCommand::current(-20.0));
    ASSERT_TRUE(r.open_circuit);
  }
  for (std::size_t g = 0; g < sys.group_count(); ++g) {
    const std::size_t c0 = sys.group(g).first_cell;
    const double mean = 0.5 * (sys.cells().voltage_V[c0] + sys.cells().voltage_V[c0 + 1]);
    EXPECT_NEAR(sys.group_voltage_V(g), mean, 1e-12) << "group " << g;
    EXPECT_GT(sys.group_voltage_V(g), 3.0) << "group " << g;
    // What one cell gives, the other takes.
    EXPECT_NEAR(sys.cells().current_A[c0] + sys.cells().current_A[c0 + 1], 0.0, 1e-9);
    EXPECT_LT(std::fabs(sys.cells().current_A[c0]), 0.5) << "group " << g;
  }
}

}  // namespace
}  // namespace stacksim::physics
