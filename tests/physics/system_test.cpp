// Analytic checks of the physics engine (physics.md section 11, case 2) on
// synthetic cells whose every parameter the test sets (test_cells.hpp).
#include "physics/system.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "test_cells.hpp"

namespace stacksim::physics {
namespace {

using testing::make_cell;
using testing::make_layout;
using testing::ns;
using testing::one_cell_layout;
using testing::PackShape;
using testing::SyntheticCell;

// Runs `seconds` of constant terminal current in steps of `dt_s`.
TerminalResult hold(PhysicsSystem& sys, double current_A, double seconds, double dt_s) {
  TerminalResult r;
  const auto steps = static_cast<std::int64_t>(std::llround(seconds / dt_s));
  for (std::int64_t k = 0; k < steps; ++k) r = sys.step(ns(dt_s), TerminalCommand::current(current_A));
  return r;
}

// --- RC pair: exact zero-order hold -------------------------------------------

class RcStep : public ::testing::TestWithParam<double> {};

TEST_P(RcStep, ConstantCurrentMatchesTheExponentialAndRelaxes) {
  const double dt = GetParam();
  SyntheticCell sc;
  sc.r0_ohm = 0.0;      // isolate pair 1: no series resistance ...
  sc.r2_ohm = 1e-12;    // ... and a negligible second pair
  sc.tau2_s = 1.0;
  sc.r1_ohm = 0.5e-3;
  sc.tau1_s = 10.0;
  PhysicsSystem sys(one_cell_layout(make_cell(sc)), 1);
  const double i_A = -80.0;  // discharge: v1 goes negative
  const double on_s = 30.0, off_s = 40.0;
  const auto on_steps = static_cast<std::int64_t>(std::llround(on_s / dt));
  const auto off_steps = static_cast<std::int64_t>(std::llround(off_s / dt));
  std::int64_t checked = 0;
  for (std::int64_t k = 1; k <= on_steps; ++k) {
    sys.step(ns(dt), TerminalCommand::current(i_A));
    const double t = static_cast<double>(k) * dt;
    const double expected = sc.r1_ohm * i_A * (1.0 - std::exp(-t / sc.tau1_s));
    ASSERT_NEAR(sys.cells().v1_V[0], expected, 1e-9 * std::fabs(expected)) << "t = " << t;
    // Terminal voltage: linear OCV at the cell's SOC plus the pair (plus a
    // second pair of at most 1e-12 ohm * 80 A).
    const double u = 3.0 + 0.4 * sys.cells().soc[0];
    ASSERT_NEAR(sys.cells().voltage_V[0], u + expected, 1e-9) << "t = " << t;
    ++checked;
  }
  const double v_off = sc.r1_ohm * i_A * (1.0 - std::exp(-on_s / sc.tau1_s));
  for (std::int64_t k = 1; k <= off_steps; ++k) {
    sys.step(ns(dt), TerminalCommand::current(0.0));
    const double t = static_cast<double>(k) * dt;
    const double expected = v_off * std::exp(-t / sc.tau1_s);
    ASSERT_NEAR(sys.cells().v1_V[0], expected, 1e-9 * std::fabs(expected)) << "rest t = " << t;
    ++checked;
  }
  EXPECT_EQ(checked, on_steps + off_steps);
}

// From a millisecond (the fastest task) to steps near the time constant.
INSTANTIATE_TEST_SUITE_P(StepSizes, RcStep, ::testing::Values(0.001, 0.1, 1.0, 5.0));

// --- Charge counting ------------------------------------------------------------

TEST(ChargeCounting, FullCycleReturnsToTheStartingSoc) {
  SyntheticCell sc;  // eta = 1, no self-discharge
  PhysicsSystem sys(one_cell_layout(make_cell(sc)), 1);
  sys.set_cell_soc(0, 0.1);
  // 80 Ah in at 40 A, then 80 Ah out at 80 A, in 1 s steps.
  hold(sys, 40.0, 7200.0, 1.0);
  EXPECT_NEAR(sys.cells().soc[0], 0.9, 1e-12);
  hold(sys, -80.0, 3600.0, 1.0);
  EXPECT_NEAR(sys.cells().soc[0], 0.1, 1e-12);
}

TEST(ChargeCounting, CoulombicLossOnChargeOnly) {
  SyntheticCell sc;
  sc.coulombic_efficiency = 0.99;
  PhysicsSystem sys(one_cell_layout(make_cell(sc)), 1);
  sys.set_cell_soc(0, 0.1);
  const double charged_Ah = 60.0;
  hold(sys, 30.0, 7200.0, 2.0);                               // 60 Ah in
  EXPECT_NEAR(sys.cells().soc[0], 0.1 + 0.99 * charged_Ah / 100.0, 1e-12);
  hold(sys, -60.0, 3600.0, 2.0);                              // 60 Ah out
  // The cycle loses (1 - eta) * charged / Q of SOC.
  EXPECT_NEAR(sys.cells().soc[0] - 0.1, -(1.0 - 0.99) * charged_Ah / 100.0, 1e-12);
}

TEST(ChargeCounting, OneAmpForOneMillisecondOnOneHundredAmpHours) {
  SyntheticCell sc;
  PhysicsSystem sys(one_cell_layout(make_cell(sc)), 1);
  const double before = sys.cells().soc[0];
  sys.step(ns(0.001), TerminalCommand::current(1.0));
  const double expected = 1.0 * 0.001 / (100.0 * 3600.0);  // 2.78e-9
  EXPECT_NEAR(sys.cells().soc[0] - before, expected, 1e-6 * expected);
  // And a thousand of them add up, with no drift.
  for (int k = 0; k < 999; ++k) sys.step(ns(0.001), TerminalCommand::current(1.0));
  EXPECT_NEAR(sys.cells().soc[0] - before, 1000.0 * expected, 1e-6 * 1000.0 * expected);
}

TEST(ChargeCounting, SelfDischargeAtRest) {
  SyntheticCell sc;
  sc.self_discharge_per_s = 0.02 / (30.0 * 86400.0);  // 2 % per 30 days
  PhysicsSystem sys(one_cell_layout(make_cell(sc)), 1);
  sys.set_cell_soc(0, 0.5);
  // No activation energy is set, so the cell's warming by its own
  // self-discharge heat does not change the rate.
  hold(sys, 0.0, 30.0 * 86400.0, 600.0);
  EXPECT_NEAR(sys.cells().soc[0], 0.48, 1e-9);
}

// A soft internal short (scenario fault cell_leakage): the charge leaves at
// the leakage current on top of self-discharge, I * t / C.
TEST(ChargeCounting, LeakageDrainsTheCellAtItsCurrent) {
  SyntheticCell sc;  // 100 Ah, no self-discharge
  PhysicsSystem sys(one_cell_layout(make_cell(sc)), 1);
  sys.set_cell_soc(0, 0.5);
  sys.set_cell_leakage_A(0, 2.0);
  hold(sys, 0.0, 3600.0, 1.0);
  EXPECT_NEAR(sys.cells().soc[0], 0.5 - 2.0 * 3600.0 / (100.0 * 3600.0), 1e-9);
  sys.set_cell_leakage_A(0, 0.0);
  hold(sys, 0.0, 3600.0, 1.0);
  EXPECT_NEAR(sys.cells().soc[0], 0.48, 1e-9);
}

// A weak cell (scenario fault cell_capacity): its SOC is kept, and the same
// current then moves it as fast as the smaller capacity says.
TEST(ChargeCounting, AFadedCellKeepsItsSocAndMovesFaster) {
  SyntheticCell sc;  // 100 Ah
  PhysicsSystem sys(one_cell_layout(make_cell(sc)), 1);
  sys.set_cell_soc(0, 0.5);
  sys.scale_cell_capacity(0, 0.25);
  EXPECT_DOUBLE_EQ(sys.cells().soc[0], 0.5);
  hold(sys, -10.0, 360.0, 1.0);  // 1 Ah out of 25 Ah
  EXPECT_NEAR(sys.cells().soc[0], 0.5 - 1.0 / 25.0, 1e-9);
}

// A 0 V cell (scenario fault zero_volt_cell): the OCV below the table
// continues the end segment's slope, here (3.1 - 2.5) V / 0.05 = 12 V per unit
// SOC, so the cell reads 0 V at SOC -2.5 / 12; 1 Ah (1 % of 100 Ah) in lifts
// it 0.12 V, 2 Ah out from there reverses it to -0.12 V.
TEST(ChargeCounting, ACollapsedCellRestsAtZeroVoltsAndFollowsTheEndSlope) {
  SyntheticCell sc;
  sc.ocv = Breakpoints{{0.0, 0.05, 1.0}, {2.5, 3.1, 3.4}};
  PhysicsSystem sys(one_cell_layout(make_cell(sc)), 1);
  sys.set_cell_soc(0, 0.5);
  hold(sys, -50.0, 60.0, 1.0);  // polarised before the fault
  sys.collapse_cell(0);
  EXPECT_NEAR(sys.cells().soc[0], -2.5 / 12.0, 1e-12);
  EXPECT_NEAR(hold(sys, 0.0, 1.0, 1.0).voltage_V, 0.0, 1e-9);
  hold(sys, 10.0, 360.0, 1.0);
  EXPECT_NEAR(hold(sys, 0.0, 2000.0, 1.0).voltage_V, 0.12, 1e-6);
  hold(sys, -20.0, 360.0, 1.0);
  EXPECT_NEAR(hold(sys, 0.0, 2000.0, 1.0).voltage_V, -0.12, 1e-6);
}

// --- Energy balance ---------------------------------------------------------------

// Integral of V*I dt at the terminals = change of stored energy (enthalpy,
// computed here from the OCV tables) + heat in the cells + heat outside them
// (branch resistance and bleed resistors), over charge, rest, discharge with
// balancing, and a final rest.
TEST(EnergyBalance, TerminalEnergyEqualsStoredPlusHeat) {
  SyntheticCell sc;
  sc.ocv = Breakpoints{{0.0, 0.1, 0.5, 0.9, 1.0}, {3.0, 3.2, 3.29, 3.34, 3.5}};
  sc.entropic_table = Breakpoints{{0.0, 0.5, 1.0}, {-3.0e-4, 1.0e-4, 2.0e-4}};
  sc.half_gap_table = Breakpoints{{0.0, 0.5, 1.0}, {0.02, 0.011, 0.018}};
  sc.hysteresis_rate = 60.0;
  sc.coulombic_efficiency = 0.999;
  sc.self_discharge_per_s = 1e-8;
  sc.heat_capacity_J_per_K = 1000.0;
  sc.to_module_W_per_K = 0.5;
  sc.to_neighbour_W_per_K = 0.4;
  PackShape shape;
  shape.series_groups = 4;
  shape.branch_resistance_ohm = 2e-3;
  shape.module_to_ambient_W_per_K = 3.0;
  shape.balancing_resistance_ohm = 10.0;
  PhysicsSystem sys(make_layout(make_cell(sc), shape), 1);
  sys.set_branch_soc(0, 0.2);
  sys.set_ambient_C(30.0);  // heat flows in from outside: must not matter

  std::vector<double> soc0(sys.cells().soc);
  const double dt = 1.0;
  double e_in_J = 0.0, throughput_J = 0.0;
  const auto run = [&](double current_A, double seconds) {
    for (double t = 0.0; t < seconds; t += dt) {
      const TerminalResult r = sys.step(ns(dt), TerminalCommand::current(current_A));
      e_in_J += r.voltage_V * r.current_A * dt;
      throughput_J += std::fabs(r.voltage_V * r.current_A) * dt;
    }
  };
  run(50.0, 3600.0);
  run(0.0, 600.0);
  sys.set_balancing(1, true);
  run(-100.0, 1800.0);
  run(0.0, 900.0);
  sys.set_balancing(1, false);
  run(-30.0, 1200.0);
  run(0.0, 1800.0);

  double stored_J = 0.0;
  for (std::size_t c = 0; c < sys.cell_count(); ++c) {
    stored_J += 100.0 * 3600.0 *
                testing::enthalpy_between(sc.ocv.x, sc.ocv.y, sc.entropic_table.x,
                                          sc.entropic_table.y, 25.0, soc0[c], sys.cells().soc[c]);
  }
  const double heat_J = sys.cell_heat_total_J() + sys.external_heat_J();
  EXPECT_GT(sys.external_heat_J(), 0.0);
  EXPECT_NE(sys.cells().soc[1], sys.cells().soc[0]);  // the bleed did work
  EXPECT_NEAR(e_in_J, stored_J + heat_J, 1e-3 * throughput_J)
      << "in " << e_in_J << " stored " << stored_J << " heat " << heat_J;
}

// --- Hysteresis ------------------------------------------------------------------

class HysteresisState : public ::testing::TestWithParam<double> {};

// h moves toward sgn(I) as exp(-gamma * |charge| / Q) (physics.md section 1),
// whatever the step: small steps use a series, large ones the library exp.
TEST_P(HysteresisState, FollowsTheExponentialOfChargeThroughput) {
  const double dt = GetParam();
  SyntheticCell sc;
  sc.half_gap_V = 0.01;
  sc.hysteresis_rate = 60.0;
  PhysicsSystem sys(one_cell_layout(make_cell(sc)), 1);
  sys.set_cell_soc(0, 0.2);
  sys.set_hysteresis(-1.0);
  const double i_A = 50.0, q_As = 100.0 * 3600.0;
  for (double t = dt; t <= 1800.0; t += dt) {
    sys.step(ns(dt), TerminalCommand::current(i_A));
    const double expected = 1.0 - 2.0 * std::exp(-60.0 * i_A * t / q_As);
    ASSERT_NEAR(sys.cells().hyst[0], expected, 1e-9) << "t = " << t;
  }
  // Back the other way from where it got to.
  const double h0 = sys.cells().hyst[0];
  for (double t = dt; t <= 600.0; t += dt) {
    sys.step(ns(dt), TerminalCommand::current(-2.0 * i_A));
    const double expected = -1.0 + (h0 + 1.0) * std::exp(-60.0 * 2.0 * i_A * t / q_As);
    ASSERT_NEAR(sys.cells().hyst[0], expected, 1e-9) << "t = " << t;
  }
}

INSTANTIATE_TEST_SUITE_P(StepSizes, HysteresisState, ::testing::Values(0.5, 1.0, 60.0));

TEST(Hysteresis, RestVoltagesAfterChargeAndDischargeDifferByTwiceTheHalfGap) {
  SyntheticCell sc;
  sc.half_gap_V = 0.012;
  sc.hysteresis_rate = 60.0;
  const auto rest_voltage = [&](double from_soc, double current_A) {
    PhysicsSystem sys(one_cell_layout(make_cell(sc)), 1);
    sys.set_cell_soc(0, from_soc);
    sys.set_hysteresis(current_A > 0.0 ? -1.0 : 1.0);  // coming from the other side
    // 30 Ah to SOC 0.5 exactly (eta = 1), then two hours of rest.
    hold(sys, current_A, 30.0 * 3600.0 / std::fabs(current_A), 1.0);
    EXPECT_NEAR(sys.cells().soc[0], 0.5, 1e-12);
    return hold(sys, 0.0, 7200.0, 10.0).voltage_V;
  };
  const double after_charge = rest_voltage(0.2, 50.0);
  const double after_discharge = rest_voltage(0.8, -50.0);
  // h = +-(1 - 2 exp(-18)) after 30 % of SOC at gamma 60; the pairs have
  // relaxed (exp(-72)); the OCV is the same at the same SOC.
  EXPECT_NEAR(after_charge - after_discharge, 2.0 * 0.012 * (1.0 - 2.0 * std::exp(-18.0)), 1e-9);
  EXPECT_NEAR(after_charge, 3.0 + 0.4 * 0.5 + 0.012, 1e-8);
}

// --- Spread and determinism ------------------------------------------------------

// 8 strings of 10 modules of 16 cells: the shape of gtx3000-h10-x8.
SystemLayout big_pack(double capacity_sigma, double resistance_sigma, double sd_sigma) {
  SyntheticCell sc;
  CellParams p = make_cell(sc);
  p.spread.capacity_sigma = capacity_sigma;
  p.spread.resistance_sigma = resistance_sigma;
  p.spread.self_discharge_sigma = sd_sigma;
  PackShape shape;
  shape.branches = 8;
  shape.modules_per_branch = 10;
  shape.series_groups = 16;
  return make_layout(p, shape);
}

TEST(Spread, SameSeedGivesBitIdenticalCells) {
  const PhysicsSystem a(big_pack(0.003, 0.02, 0.3), 42);
  const PhysicsSystem b(big_pack(0.003, 0.02, 0.3), 42);
  ASSERT_EQ(a.cell_count(), 1280u);
  for (std::size_t c = 0; c < a.cell_count(); ++c) {
    ASSERT_EQ(a.ageing(c).capacity_Ah, b.ageing(c).capacity_Ah) << c;
    ASSERT_EQ(a.ageing(c).resistance_factor, b.ageing(c).resistance_factor) << c;
    ASSERT_EQ(a.ageing(c).self_discharge_factor, b.ageing(c).self_discharge_factor) << c;
  }
}

TEST(Spread, AnotherSeedGivesOtherCells) {
  const PhysicsSystem a(big_pack(0.003, 0.02, 0.3), 42);
  const PhysicsSystem b(big_pack(0.003, 0.02, 0.3), 43);
  std::size_t same_q = 0, same_r = 0;
  for (std::size_t c = 0; c < a.cell_count(); ++c) {
    same_q += a.ageing(c).capacity_Ah == b.ageing(c).capacity_Ah ? 1u : 0u;
    same_r += a.ageing(c).resistance_factor == b.ageing(c).resistance_factor ? 1u : 0u;
  }
  // Continuous draws: a coincidence has probability zero.
  EXPECT_EQ(same_q, 0u);
  EXPECT_EQ(same_r, 0u);
}

TEST(Spread, StreamsAreNamedPerBranch) {
  // Dropping the last string leaves the cells of the others as they were.
  SystemLayout seven = big_pack(0.003, 0.02, 0.3);
  seven.branches.pop_back();
  const PhysicsSystem a(big_pack(0.003, 0.02, 0.3), 42);
  const PhysicsSystem b(seven, 42);
  ASSERT_EQ(b.cell_count(), 1120u);
  for (std::size_t c = 0; c < b.cell_count(); ++c) {
    ASSERT_EQ(a.ageing(c).capacity_Ah, b.ageing(c).capacity_Ah) << c;
  }
}

struct Stats {
  double mean, sd;
};
Stats stats(const std::vector<double>& x) {
  double m = 0.0;
  for (double v : x) m += v;
  m /= static_cast<double>(x.size());
  double ss = 0.0;
  for (double v : x) ss += (v - m) * (v - m);
  return {m, std::sqrt(ss / static_cast<double>(x.size() - 1))};
}

// With n = 1280 normal draws the sample standard deviation has a relative
// standard error of 1/sqrt(2(n-1)) = 1.98 %, the mean a standard error of
// sigma/sqrt(n) = 2.8 % of sigma. Tolerances are 4 standard errors: a correct
// sampler fails one seed in ~16 000; a wrong scale (e.g. variance used for
// sigma, or a factor of 2) fails every seed.
TEST(Spread, SampleDeviationMatchesTheCellFileSigma) {
  const double sq = 0.003, sr = 0.02, ss = 0.3;
  for (std::uint64_t seed : {1u, 42u, 2024u}) {
    const PhysicsSystem sys(big_pack(sq, sr, ss), seed);
    const std::size_t n = sys.cell_count();
    std::vector<double> q, r, log_sd, sd;
    for (std::size_t c = 0; c < n; ++c) {
      q.push_back(sys.ageing(c).capacity_Ah / 100.0);
      r.push_back(sys.ageing(c).resistance_factor);
      log_sd.push_back(std::log(sys.ageing(c).self_discharge_factor));
      sd.push_back(sys.ageing(c).self_discharge_factor);
    }
    const double rel_se_sd = 1.0 / std::sqrt(2.0 * static_cast<double>(n - 1));
    const double se_mean = 1.0 / std::sqrt(static_cast<double>(n));
    const Stats sq_s = stats(q), sr_s = stats(r), sl_s = stats(log_sd), sd_s = stats(sd);
    EXPECT_NEAR(sq_s.sd / sq, 1.0, 4.0 * rel_se_sd) << "seed " << seed;
    EXPECT_NEAR(sq_s.mean, 1.0, 4.0 * sq * se_mean) << "seed " << seed;
    EXPECT_NEAR(sr_s.sd / sr, 1.0, 4.0 * rel_se_sd) << "seed " << seed;
    EXPECT_NEAR(sr_s.mean, 1.0, 4.0 * sr * se_mean) << "seed " << seed;
    // Self-discharge: lognormal with log-sigma 0.3 and mean 1, i.e. the log
    // has mean -sigma^2/2.
    EXPECT_NEAR(sl_s.sd / ss, 1.0, 4.0 * rel_se_sd) << "seed " << seed;
    EXPECT_NEAR(sl_s.mean, -0.5 * ss * ss, 4.0 * ss * se_mean) << "seed " << seed;
    // Mean of a lognormal: sd of the factor sqrt(exp(s^2) - 1) = 0.307.
    EXPECT_NEAR(sd_s.mean, 1.0, 4.0 * 0.307 * se_mean) << "seed " << seed;
  }
}

TEST(Spread, ZeroSigmaGivesTheNominalCell) {
  const PhysicsSystem sys(big_pack(0.0, 0.0, 0.0), 7);
  for (std::size_t c = 0; c < sys.cell_count(); ++c) {
    ASSERT_EQ(sys.ageing(c).capacity_Ah, 100.0);
    ASSERT_EQ(sys.ageing(c).resistance_factor, 1.0);
    ASSERT_EQ(sys.ageing(c).self_discharge_factor, 1.0);
  }
}

}  // namespace
}  // namespace stacksim::physics
