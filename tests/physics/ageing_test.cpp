// Capacity fade and resistance growth laws (ageing.cpp, physics.md section 6)
// on a synthetic cell whose ageing parameters the test sets.
#include <cmath>
#include <cstdint>

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

constexpr double kR = 8.314462618;  // J/(mol K)
double arrhenius_by_hand(double ea, double t_C) {
  return std::exp(-ea / kR * (1.0 / (t_C + 273.15) - 1.0 / 298.15));
}

// One cell, its temperature pinned to ambient by a very large conductance
// (1e4 W/K: a few watts of heat raise it by less than 1 mK).
CellParams ageing_cell() {
  SyntheticCell sc;
  sc.to_ambient_W_per_K = 1e4;
  CellParams p = make_cell(sc);
  AgeingParams& a = p.ageing;
  a = AgeingParams{};
  a.enabled = true;
  a.reference_temperature_C = 25.0;
  a.update_period_s = 3600.0;
  return p;
}

PhysicsSystem pinned_system(const CellParams& p, double temperature_C, double soc) {
  PhysicsSystem sys(make_layout(p, PackShape{}), 1);
  sys.set_ambient_C(temperature_C);
  sys.set_branch_temperature_C(0, temperature_C);
  sys.set_cell_soc(0, soc);
  return sys;
}

void rest(PhysicsSystem& sys, double days) {
  const auto steps = static_cast<std::int64_t>(std::llround(days * 24.0));
  for (std::int64_t k = 0; k < steps; ++k) sys.step(ns(3600.0), TerminalCommand::current(0.0));
}

// Cycles between two SOCs at a constant current magnitude, switching on SOC.
// The step that would cross a limit is shortened to land on it (SOC is linear
// in time at constant current), so the depth of discharge is exact.
// Returns the charge throughput in Ah.
double cycle(PhysicsSystem& sys, double current_A, double soc_low, double soc_high, int cycles,
             double dt_s) {
  double throughput_As = 0.0;
  for (int n = 0; n < cycles; ++n) {
    for (const double sign : {1.0, -1.0}) {
      const double target = sign > 0.0 ? soc_high : soc_low;
      double rate = 0.0;  // SOC per second, from the last full step
      while ((target - sys.cells().soc[0]) * sign > 1e-12) {
        double dt = dt_s;
        const double remaining_s = rate != 0.0 ? (target - sys.cells().soc[0]) / rate : dt_s;
        if (remaining_s < dt_s) dt = std::max(remaining_s, 1e-3);
        const double before = sys.cells().soc[0];
        sys.step(ns(dt), TerminalCommand::current(sign * current_A));
        throughput_As += current_A * static_cast<double>(ns(dt)) * 1e-9;
        if (dt == dt_s) rate = (sys.cells().soc[0] - before) / dt;
      }
    }
  }
  return throughput_As / 3600.0;
}

// One hour at rest: applies the ageing window still open (the model applies
// the laws once per hour of simulated time).
void flush(PhysicsSystem& sys) { sys.step(ns(3600.0), TerminalCommand::current(0.0)); }

// --- Calendar ---------------------------------------------------------------

TEST(CalendarAgeing, PowerLawInTimeAtTheReferencePoint) {
  CellParams p = ageing_cell();
  p.ageing.calendar_k_per_day_pow = 1.0e-3;
  p.ageing.calendar_exponent = 0.5;
  p.ageing.calendar_activation_J_per_mol = 47200.0;
  p.ageing.calendar_soc_cubic = 4.745;
  PhysicsSystem sys = pinned_system(p, 25.0, 0.5);
  rest(sys, 100.0);
  EXPECT_NEAR(sys.ageing(0).calendar_loss, 1.0e-3 * std::sqrt(100.0), 1e-12);
  rest(sys, 265.0);
  EXPECT_NEAR(sys.ageing(0).calendar_loss, 1.0e-3 * std::sqrt(365.0), 1e-12);
  EXPECT_EQ(sys.ageing(0).cycle_loss, 0.0);
  EXPECT_NEAR(sys.ageing(0).days, 365.0, 1e-9);
  EXPECT_NEAR(sys.ageing(0).capacity_now_Ah(), 100.0 * (1.0 - 1.0e-3 * std::sqrt(365.0)), 1e-9);
}

TEST(CalendarAgeing, HigherTemperatureAgesFasterByArrhenius) {
  CellParams p = ageing_cell();
  p.ageing.calendar_k_per_day_pow = 1.0e-3;
  p.ageing.calendar_activation_J_per_mol = 47200.0;
  double previous = 0.0;
  for (double t_C : {15.0, 25.0, 35.0, 45.0}) {
    PhysicsSystem sys = pinned_system(p, t_C, 0.5);
    rest(sys, 365.0);
    const double expected = 1.0e-3 * arrhenius_by_hand(47200.0, t_C) * std::sqrt(365.0);
    EXPECT_NEAR(sys.ageing(0).calendar_loss, expected, 1e-9 * expected) << t_C << " C";
    EXPECT_GT(sys.ageing(0).calendar_loss, previous);
    previous = sys.ageing(0).calendar_loss;
  }
}

TEST(CalendarAgeing, HighSocAgesFaster) {
  CellParams p = ageing_cell();
  p.ageing.calendar_k_per_day_pow = 1.0e-3;
  p.ageing.calendar_soc_cubic = 4.745;
  PhysicsSystem mid = pinned_system(p, 25.0, 0.5);
  PhysicsSystem high = pinned_system(p, 25.0, 0.9);
  rest(mid, 200.0);
  rest(high, 200.0);
  // f_SOC = 1 + 4.745 * (0.9 - 0.5)^3 = 1.303680 (no self-discharge: SOC stays).
  EXPECT_NEAR(high.ageing(0).calendar_loss / mid.ageing(0).calendar_loss, 1.30368, 1e-9);
}

// Virtual-time continuation: after a change of temperature the curve goes on
// from the loss reached, L2 = k f2 ((L1 / (k f2))^(1/z) + t2)^z.
TEST(CalendarAgeing, ContinuesFromTheLossReachedWhenStressChanges) {
  CellParams p = ageing_cell();
  const double k = 1.0e-3, z = 0.5, ea = 47200.0;
  p.ageing.calendar_k_per_day_pow = k;
  p.ageing.calendar_exponent = z;
  p.ageing.calendar_activation_J_per_mol = ea;
  PhysicsSystem sys = pinned_system(p, 25.0, 0.5);
  rest(sys, 180.0);
  const double l1 = k * std::pow(180.0, z);
  EXPECT_NEAR(sys.ageing(0).calendar_loss, l1, 1e-12);
  sys.set_ambient_C(45.0);
  sys.set_branch_temperature_C(0, 45.0);
  rest(sys, 185.0);
  const double k2 = k * arrhenius_by_hand(ea, 45.0);
  const double l2 = k2 * std::pow(std::pow(l1 / k2, 1.0 / z) + 185.0, z);
  EXPECT_NEAR(sys.ageing(0).calendar_loss, l2, 1e-9 * l2);
  // Less than a year at 45 C from new, more than a year at 25 C.
  EXPECT_LT(l2, k2 * std::pow(365.0, z));
  EXPECT_GT(l2, k * std::pow(365.0, z));
}

TEST(CalendarAgeing, DisabledAgeingChangesNothing) {
  CellParams p = ageing_cell();
  p.ageing.calendar_k_per_day_pow = 1.0e-3;
  p.ageing.resistance_per_day = 1.0e-3;
  p.ageing.enabled = false;
  PhysicsSystem sys = pinned_system(p, 45.0, 0.9);
  rest(sys, 30.0);
  EXPECT_EQ(sys.ageing(0).calendar_loss, 0.0);
  EXPECT_EQ(sys.ageing(0).resistance_growth, 0.0);
  EXPECT_EQ(sys.ageing(0).capacity_now_Ah(), 100.0);
}

// --- Cycle ----------------------------------------------------------------------

CellParams cycling_cell() {
  CellParams p = ageing_cell();
  p.ageing.cycle_k_per_efc_pow = 3.78e-3;
  p.ageing.cycle_exponent = 0.55;
  return p;
}

TEST(CycleAgeing, PowerLawInEquivalentFullCycles) {
  CellParams p = cycling_cell();
  PhysicsSystem sys = pinned_system(p, 25.0, 0.1);
  const double ah = cycle(sys, 50.0, 0.1, 0.9, 20, 60.0);  // 0.5C, 80 % DOD
  flush(sys);
  // EFC counted here on the new capacity; the model counts on the present
  // one, which is at most 2 % smaller here, so its EFC are up to 2 % more
  // and the loss up to 1.1 % more.
  const double efc = ah / (2.0 * 100.0);
  const double expected = 3.78e-3 * std::pow(efc, 0.55);
  EXPECT_NEAR(efc, 16.0, 0.4);  // 20 cycles of 0.8 of a (shrinking) capacity
  EXPECT_GE(sys.ageing(0).cycle_loss, expected * (1.0 - 1e-3));
  EXPECT_LE(sys.ageing(0).cycle_loss, expected * 1.012);
  EXPECT_EQ(sys.ageing(0).calendar_loss, 0.0);
  EXPECT_NEAR(sys.ageing(0).efc, efc, 0.02 * efc);
}

TEST(CycleAgeing, HigherTemperatureAgesFasterByArrhenius) {
  CellParams p = cycling_cell();
  p.ageing.cycle_activation_J_per_mol = 31500.0;
  PhysicsSystem cool = pinned_system(p, 25.0, 0.1);
  PhysicsSystem warm = pinned_system(p, 45.0, 0.1);
  cycle(cool, 50.0, 0.1, 0.9, 20, 60.0);
  cycle(warm, 50.0, 0.1, 0.9, 20, 60.0);
  flush(cool);
  flush(warm);
  const double f45 = arrhenius_by_hand(31500.0, 45.0);  // 2.22
  EXPECT_GT(warm.ageing(0).cycle_loss, cool.ageing(0).cycle_loss);
  // Same charge throughput; the warm cell's EFC (on its smaller present
  // capacity) are about 1 % more, worth 0.6 % of loss: 2 % tolerance.
  EXPECT_NEAR(warm.ageing(0).cycle_loss / cool.ageing(0).cycle_loss, f45, 0.02 * f45);
  // And the pinned temperatures held.
  EXPECT_NEAR(warm.cells().temperature_C[0], 45.0, 0.01);
  EXPECT_NEAR(cool.cells().temperature_C[0], 25.0, 0.01);
}

// Naumann's DOD law f(DOD) = 4.0253 (DOD - 0.6)^3 + 1.0923: at equal EFC,
// 40 % cycles age f(0.4)/f(0.8) = 1.06010/1.12450 = 0.9427 as much as 80 % ones.
TEST(CycleAgeing, DeeperCyclesAgeFasterPerEquivalentFullCycle) {
  CellParams p = cycling_cell();
  p.ageing.cycle_dod_cubic = 4.0253;
  p.ageing.cycle_dod_offset = 1.0923;
  p.ageing.cycle_reference_dod = 0.8;
  PhysicsSystem deep = pinned_system(p, 25.0, 0.1);
  PhysicsSystem shallow = pinned_system(p, 25.0, 0.3);
  const double ah_deep = cycle(deep, 50.0, 0.1, 0.9, 20, 60.0);
  const double ah_shallow = cycle(shallow, 50.0, 0.3, 0.7, 40, 60.0);
  flush(deep);
  flush(shallow);
  EXPECT_NEAR(ah_deep, ah_shallow, 0.01 * ah_deep);
  const auto per_efc = [](const PhysicsSystem& s) {
    return s.ageing(0).cycle_loss / std::pow(s.ageing(0).efc, 0.55);
  };
  EXPECT_GT(per_efc(deep), per_efc(shallow));
  const double f = [](double d) { return 4.0253 * (d - 0.6) * (d - 0.6) * (d - 0.6) + 1.0923; }(0.4) /
                   [](double d) { return 4.0253 * (d - 0.6) * (d - 0.6) * (d - 0.6) + 1.0923; }(0.8);
  EXPECT_NEAR(per_efc(shallow) / per_efc(deep), f, 0.01 * f);
  // Deep cycles at the reference DOD run at the law's k.
  EXPECT_NEAR(per_efc(deep), 3.78e-3, 0.01 * 3.78e-3);
}

// Naumann's C-rate factor (1 + 0.649 C)/(1 + 0.649 * 0.5): 1C ages 1.245x as
// fast as 0.5C per EFC.
TEST(CycleAgeing, HigherCurrentAgesFaster) {
  CellParams p = cycling_cell();
  p.ageing.cycle_c_rate_slope = 0.649;
  p.ageing.cycle_reference_c_rate = 0.5;
  PhysicsSystem slow = pinned_system(p, 25.0, 0.1);
  PhysicsSystem fast = pinned_system(p, 25.0, 0.1);
  cycle(slow, 50.0, 0.1, 0.9, 20, 60.0);
  cycle(fast, 100.0, 0.1, 0.9, 20, 30.0);
  flush(slow);
  flush(fast);
  const auto per_efc = [](const PhysicsSystem& s) {
    return s.ageing(0).cycle_loss / std::pow(s.ageing(0).efc, 0.55);
  };
  // The C-rate is taken on the present capacity (2 % smaller at most here).
  const double expected = (1.0 + 0.649 * 1.0) / (1.0 + 0.649 * 0.5);
  EXPECT_NEAR(per_efc(fast) / per_efc(slow), expected, 0.02 * expected);
  EXPECT_GT(per_efc(fast), per_efc(slow));
}

// --- Resistance growth and its effect ------------------------------------------

TEST(ResistanceGrowth, LinearInDaysAndCyclesAndSeenInTheVoltage) {
  CellParams p = ageing_cell();
  p.ageing.resistance_per_day = 1.0e-3;
  p.ageing.resistance_per_efc = 2.0e-3;
  PhysicsSystem aged = pinned_system(p, 25.0, 0.1);
  const double ah = cycle(aged, 50.0, 0.1, 0.9, 5, 60.0);  // 4 EFC in 16 h
  rest(aged, 100.0);
  // Ageing is applied once per hour of simulated time: the last part-hour may
  // still be pending (at most 1e-3/24 of growth).
  const double elapsed_days = static_cast<double>(aged.time_ns()) * 1e-9 / 86400.0;
  EXPECT_NEAR(elapsed_days, 100.0 + 5.0 * 2.0 * 0.8 * 7200.0 / 86400.0, 1e-6);
  const double growth = 1.0e-3 * elapsed_days + 2.0e-3 * ah / 200.0;
  EXPECT_NEAR(aged.ageing(0).resistance_growth, growth, 1.0e-3 / 24.0);
  EXPECT_NEAR(aged.ageing(0).efc, ah / 200.0, 1e-9);  // no capacity fade set

  // Step response at the same SOC: the voltage drop of the first millisecond
  // is I * R0 * (1 + growth).
  PhysicsSystem fresh = pinned_system(p, 25.0, aged.cells().soc[0]);
  aged.set_cell_soc(0, fresh.cells().soc[0]);
  const auto drop = [](PhysicsSystem& s) {
    const double v0 = s.step(ns(0.001), TerminalCommand::current(0.0)).voltage_V;
    return s.step(ns(0.001), TerminalCommand::current(-100.0)).voltage_V - v0;
  };
  const double d_fresh = drop(fresh), d_aged = drop(aged);
  EXPECT_NEAR(d_fresh, -100.0 * 1.0e-3, 1e-5);  // R0 plus 1e-4 of each pair
  EXPECT_NEAR(d_aged / d_fresh, 1.0 + aged.ageing(0).resistance_growth, 1e-3);
}

TEST(CapacityFade, LessChargeMovesSocFurther) {
  CellParams p = ageing_cell();
  p.ageing.calendar_k_per_day_pow = 1.0e-2;  // 19.1 % after a year
  PhysicsSystem sys = pinned_system(p, 25.0, 0.5);
  rest(sys, 365.0);
  const double q_now = 100.0 * (1.0 - 1.0e-2 * std::sqrt(365.0));
  const double before = sys.cells().soc[0];
  for (int k = 0; k < 36; ++k) sys.step(ns(100.0), TerminalCommand::current(10.0));  // 10 Ah
  EXPECT_NEAR(sys.cells().soc[0] - before, 10.0 / q_now, 1e-9);
}

}  // namespace
}  // namespace stacksim::physics
