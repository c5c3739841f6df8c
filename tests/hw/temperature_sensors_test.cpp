// NTC sensors: conversion error against an independent evaluation of the
// NTC equation, thermal lag, rails.
#include "hw/temperature_sensors.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "hw_fixture.hpp"

namespace stacksim::hw {
namespace {

using testing::make_rig;

constexpr double kT25 = 298.15;

// R(T) = R25 exp(B (1/T - 1/T25)) and its inverse with nominal values.
double ntc_ohm(double t_C, double r25, double beta) { return r25 * std::exp(beta * (1.0 / (t_C + 273.15) - 1.0 / kT25)); }
double ntc_C(double r, double r25, double beta) { return 1.0 / (1.0 / kT25 + std::log(r / r25) / beta) - 273.15; }

// Temperature error of a part at the corners of its tolerances, read with
// the nominal equation: the bound the tolerance implies.
double tolerance_error_C(double t_C, const TemperatureSensorsSpec& s) {
  double worst = 0.0;
  for (double kr : {-1.0, 1.0}) {
    for (double kb : {-1.0, 1.0}) {
      const double r = ntc_ohm(t_C, s.r25_ohm * (1 + kr * s.r25_tolerance), s.beta_K * (1 + kb * s.beta_tolerance));
      worst = std::max(worst, std::fabs(ntc_C(r, s.r25_ohm, s.beta_K) - t_C));
    }
  }
  return worst;
}

// Degrees per ADC code at t_C for the nominal divider.
double degrees_per_code(double t_C, const TemperatureSensorsSpec& s) {
  const double fs = std::pow(2.0, s.adc_bits);
  const auto code = [&](double t) {
    const double r = ntc_ohm(t, s.r25_ohm, s.beta_K);
    return fs * r / (r + s.pullup_ohm);
  };
  return 0.02 / std::fabs(code(t_C + 0.01) - code(t_C - 0.01));
}

TemperatureSensorsSpec module_ntc(const testing::Rig& rig) { return rig.hardware.board(SSIM_ROLE_MODULE)->temperatures; }

TEST(TemperatureSensors, ConversionErrorWithinWhatTheTolerancesImply) {
  auto rig = make_rig("gtx3000-h4");
  const TemperatureSensorsSpec spec = module_ntc(rig);
  ASSERT_EQ(spec.positions.size(), 4u);
  double largest_error = 0.0;
  for (double t_C = -20.0; t_C <= 60.0; t_C += 5.0) {
    rig.physics->set_branch_temperature_C(0, t_C);
    // Half an LSB of rounding plus 5 sigma of ADC noise, in degrees; 0.05 C
    // of rounding to 0.1 C.
    const double bound = tolerance_error_C(t_C, spec) + (0.5 + 5.0 * spec.adc_noise_lsb) * degrees_per_code(t_C, spec) + 0.05;
    for (std::uint64_t seed = 1; seed <= 25; ++seed) {
      std::vector<std::size_t> cells = {0, 5, 10, 15};
      TemperatureSensors s(spec, cells, seed, "string1/module1");
      s.track(0, *rig.physics);  // settled on the cell
      s.convert(0, t_C);
      for (std::size_t i = 0; i < 4; ++i) {
        std::int16_t dC = 0;
        ASSERT_TRUE(s.reading_dC(i, dC));
        const double err = std::fabs(dC / 10.0 - t_C);
        ASSERT_LE(err, bound) << t_C << " C, seed " << seed << ", sensor " << i;
        largest_error = std::max(largest_error, err);
      }
    }
  }
  // The errors are real: some part is off by more than the 0.1 C display step.
  EXPECT_GT(largest_error, 0.2);
}

// With only the beta tolerance, a part reads exactly at 25 C and drifts away
// from it as its own beta says.
TEST(TemperatureSensors, BetaErrorGrowsAwayFrom25C) {
  auto rig = make_rig("gtx3000-h4");
  TemperatureSensorsSpec spec = module_ntc(rig);
  spec.r25_tolerance = 0.0;
  spec.adc_noise_lsb = 0.0;
  for (double t_C : {-20.0, 25.0, 60.0}) {
    rig.physics->set_branch_temperature_C(0, t_C);
    TemperatureSensors fresh(spec, {3}, 11, "string1/module2");
    fresh.track(0, *rig.physics);
    fresh.convert(0, t_C);
    std::int16_t dC = 0;
    ASSERT_TRUE(fresh.reading_dC(0, dC));
    const double expected = ntc_C(ntc_ohm(t_C, spec.r25_ohm, fresh.beta_K(0)), spec.r25_ohm, spec.beta_K);
    EXPECT_NEAR(dC / 10.0, expected, 0.5 * degrees_per_code(t_C, spec) + 0.05 + 1e-9) << t_C;
    if (t_C == 25.0) {
      EXPECT_NEAR(dC / 10.0, 25.0, 0.1);
    }
  }
}

TEST(TemperatureSensors, LagReaches63PercentAfterOneTimeConstant) {
  auto rig = make_rig("gtx3000-h4");
  TemperatureSensorsSpec spec = module_ntc(rig);
  spec.adc_noise_lsb = 0.0;
  TemperatureSensors s(spec, {0}, 3, "string1/module1");
  rig.physics->set_branch_temperature_C(0, 20.0);
  s.track(0, *rig.physics);
  rig.physics->set_branch_temperature_C(0, 40.0);
  const std::int64_t step_ns = 1'000'000'000;
  s.track(step_ns, *rig.physics);  // the step is seen here
  const double tau_s = spec.time_constant_s;
  const auto at = [&](double seconds_after) {
    const auto t = step_ns + static_cast<std::int64_t>(seconds_after * 1e9);
    return s.sensor_temperature_C(0, t);
  };
  EXPECT_NEAR(at(0.0), 20.0, 1e-12);
  EXPECT_NEAR(at(tau_s), 20.0 + 20.0 * (1.0 - std::exp(-1.0)), 1e-9);
  EXPECT_NEAR(at(5 * tau_s), 20.0 + 20.0 * (1.0 - std::exp(-5.0)), 1e-9);
  // And the converted reading follows: after tau it is within the part's
  // error of 32.64 C, far from both 20 and 40.
  s.convert(step_ns + static_cast<std::int64_t>(tau_s * 1e9), 25.0);
  std::int16_t dC = 0;
  ASSERT_TRUE(s.reading_dC(0, dC));
  EXPECT_NEAR(dC / 10.0, 32.64, tolerance_error_C(32.64, spec) + degrees_per_code(32.64, spec) + 0.05);
}

TEST(TemperatureSensors, OpenAndShortedThermistorsSitOnTheRails) {
  auto rig = make_rig("gtx5000-x1");
  const TemperatureSensorsSpec spec = rig.hardware.board(SSIM_ROLE_PACK)->temperatures;
  TemperatureSensors s(spec, {0, 1}, 5, "pack1");
  s.track(0, *rig.physics);
  s.set_fault(0, NtcFault::kOpen);
  s.set_fault(1, NtcFault::kShort);
  s.convert(0, 25.0);
  std::int16_t dC = 0;
  EXPECT_EQ(s.code(0), (1u << spec.adc_bits) - 1);
  EXPECT_EQ(s.code(1), 0u);
  EXPECT_FALSE(s.reading_dC(0, dC));
  EXPECT_FALSE(s.reading_dC(1, dC));
  s.set_fault(0, NtcFault::kNone);
  s.convert(0, 25.0);
  EXPECT_TRUE(s.reading_dC(0, dC));
  EXPECT_NEAR(dC / 10.0, 25.0, tolerance_error_C(25.0, spec) + 5 * degrees_per_code(25.0, spec));
}

// Far below the range of a working cell, but not at the rail: the firmware
// gets the absurd temperature, as from a real board.
TEST(TemperatureSensors, ColdButNotRailConvertsToItsTemperature) {
  auto rig = make_rig("gtx5000-x1");
  TemperatureSensorsSpec spec = rig.hardware.board(SSIM_ROLE_PACK)->temperatures;
  spec.adc_noise_lsb = 0.0;
  rig.physics->set_branch_temperature_C(0, -60.0);
  TemperatureSensors s(spec, {0}, 5, "pack1");
  s.track(0, *rig.physics);
  s.convert(0, 25.0);
  std::int16_t dC = 0;
  ASSERT_TRUE(s.reading_dC(0, dC));
  EXPECT_LT(dC, -500);
}

TEST(TemperatureSensors, BoardSensorIsHousingPlusSelfHeating) {
  auto rig = make_rig("gtx5000-x1");
  const TemperatureSensorsSpec spec = rig.hardware.board(SSIM_ROLE_PACK)->temperatures;
  TemperatureSensors s(spec, {}, 5, "pack1");
  s.convert(0, 31.0);
  EXPECT_EQ(s.board_reading_dC(), std::lround(10.0 * (31.0 + spec.board_self_heating_C)));
}

}  // namespace
}  // namespace stacksim::hw
