// Cell heat and the lumped thermal network (slow_update.cpp).
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
using testing::one_cell_layout;
using testing::PackShape;
using testing::SyntheticCell;

void hold(PhysicsSystem& sys, double current_A, double seconds, double dt_s) {
  const auto steps = static_cast<std::int64_t>(std::llround(seconds / dt_s));
  for (std::int64_t k = 0; k < steps; ++k) sys.step(ns(dt_s), TerminalCommand::current(current_A));
}

// Adiabatic cell (every conductance zero) at 1C. Heat rate, computed here:
// ohmic over R0 and both pairs once they are charged, I^2 (R0 + R1 + R2);
// hysteresis, I * H * h with h = sgn(I) after a long run in one direction;
// reversible, I * T * dU/dT (T in K, I > 0 on charge).
class AdiabaticHeating : public ::testing::TestWithParam<double> {};

TEST_P(AdiabaticHeating, TemperatureRiseMatchesTheHeatRate) {
  const double i_A = GetParam();  // 1C charge or discharge
  SyntheticCell sc;  // R 1 + 0.5 + 0.8 mOhm, tau 10 s and 100 s
  sc.entropic_V_per_K = 2.0e-4;
  sc.half_gap_V = 0.010;
  sc.hysteresis_rate = 60.0;
  sc.heat_capacity_J_per_K = 2000.0;
  PhysicsSystem sys(one_cell_layout(make_cell(sc)), 1);
  sys.set_cell_soc(0, i_A > 0.0 ? 0.1 : 0.9);
  sys.set_hysteresis(i_A > 0.0 ? 1.0 : -1.0);
  const double dt = 1.0;
  hold(sys, i_A, 1000.0, dt);  // pairs charged to within exp(-10)
  const double t0_C = sys.cells().temperature_C[0];
  hold(sys, i_A, 1800.0, dt);
  const double t1_C = sys.cells().temperature_C[0];
  const double t_mid_K = 0.5 * (t0_C + t1_C) + 273.15;
  const double r_dc = sc.r0_ohm + sc.r1_ohm + sc.r2_ohm;
  const double sign = i_A > 0.0 ? 1.0 : -1.0;
  const double q_W = i_A * i_A * r_dc + i_A * sc.half_gap_V * sign + i_A * t_mid_K * sc.entropic_V_per_K;
  const double rate_K_per_s = (t1_C - t0_C) / 1800.0;
  EXPECT_NEAR(rate_K_per_s, q_W / sc.heat_capacity_J_per_K, 0.02 * q_W / sc.heat_capacity_J_per_K)
      << "q " << q_W << " W";
  // The reversible part has the right sign: charge (dU/dT > 0) heats more
  // than discharge would. 23 W ohmic + 1 W hysteresis +- 6 W reversible.
  if (i_A > 0.0) {
    EXPECT_GT(rate_K_per_s, 28.0 / 2000.0);
  } else {
    EXPECT_LT(rate_K_per_s, 20.0 / 2000.0);
  }
}

INSTANTIATE_TEST_SUITE_P(Directions, AdiabaticHeating, ::testing::Values(100.0, -100.0));

// Only the ambient path: at steady state T - T_amb = q / G.
TEST(Thermal, SteadyStateRiseIsHeatOverConductance) {
  SyntheticCell sc;  // no entropic term, no hysteresis: q = I^2 R at any SOC
  sc.heat_capacity_J_per_K = 100.0;
  sc.to_ambient_W_per_K = 1.0;  // time constant 100 s
  PhysicsSystem sys(one_cell_layout(make_cell(sc)), 1);
  sys.set_ambient_C(20.0);
  sys.set_cell_soc(0, 0.1);
  const double i_A = 50.0;
  hold(sys, i_A, 3600.0, 1.0);  // 36 thermal time constants
  const double q_W = i_A * i_A * (sc.r0_ohm + sc.r1_ohm + sc.r2_ohm);  // 5.75 W
  EXPECT_NEAR(sys.cells().temperature_C[0] - 20.0, q_W / 1.0, 1e-3 * q_W);
  // At rest it relaxes to ambient.
  hold(sys, 0.0, 3600.0, 1.0);
  EXPECT_NEAR(sys.cells().temperature_C[0], 20.0, 1e-6);
}

// Heat leaves through the housing node when the cell has no direct path:
// with the housing at ambient through G_h, the chain cell -> housing ->
// ambient has the series conductance 1/(1/G_cm + 1/G_h) per cell.
TEST(Thermal, SteadyStateThroughTheHousingNode) {
  SyntheticCell sc;
  sc.heat_capacity_J_per_K = 100.0;
  sc.to_module_W_per_K = 2.0;
  PackShape shape;
  shape.series_groups = 4;
  shape.module_heat_capacity_J_per_K = 400.0;
  shape.module_to_ambient_W_per_K = 4.0;
  PhysicsSystem sys(make_layout(make_cell(sc), shape), 1);
  sys.set_branch_soc(0, 0.1);
  const double i_A = 50.0;
  hold(sys, i_A, 3600.0, 1.0);
  const double q_W = i_A * i_A * (sc.r0_ohm + sc.r1_ohm + sc.r2_ohm);
  // Housing: 4 q through 4 W/K; each cell q through 2 W/K above the housing.
  const double housing_rise = 4.0 * q_W / 4.0;
  EXPECT_NEAR(sys.module_temperature_C(0) - 25.0, housing_rise, 1e-3 * housing_rise);
  for (std::size_t c = 0; c < 4; ++c) {
    EXPECT_NEAR(sys.cells().temperature_C[c] - 25.0, housing_rise + q_W / 2.0, 1e-3 * q_W) << c;
  }
}

}  // namespace
}  // namespace stacksim::physics
