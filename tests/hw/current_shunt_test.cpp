// Current shunt and voltage dividers: offset, gain and noise statistics
// against the data file's sigmas.
#include "hw/current_shunt.hpp"

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hw/voltage_sense.hpp"
#include "hw_fixture.hpp"

namespace stacksim::hw {
namespace {

using testing::make_rig;

struct Stats {
  double mean = 0.0, sd = 0.0;
};

template <typename F>
Stats stats(int n, F&& draw) {
  double sum = 0.0, sum2 = 0.0;
  for (int i = 0; i < n; ++i) {
    const double x = draw();
    sum += x;
    sum2 += x * x;
  }
  const double mean = sum / n;
  return {mean, std::sqrt(std::max(0.0, sum2 / n - mean * mean))};
}

CurrentShuntSpec bcu_shunt() {
  auto rig = make_rig("gtx3000-h4");
  return *rig.hardware.board(SSIM_ROLE_BCU)->shunt;
}

TEST(CurrentShunt, AtZeroCurrentTheMeanIsTheOffsetAndTheSpreadIsTheNoise) {
  const CurrentShuntSpec spec = bcu_shunt();
  CurrentShunt shunt(spec, 9, "string1/bcu");
  EXPECT_FALSE(shunt.ready());
  const int n = 40000;
  const Stats s = stats(n, [&] {
    shunt.sample(0.0);
    return static_cast<double>(shunt.reading_mA());
  });
  EXPECT_TRUE(shunt.ready());
  // Rounding to the resolution adds res^2/12 of variance (the noise dithers it).
  const double sd = std::sqrt(spec.noise_sigma_mA * spec.noise_sigma_mA + spec.resolution_mA * spec.resolution_mA / 12.0);
  EXPECT_NEAR(s.mean, shunt.offset_mA(), 4.0 * sd / std::sqrt(n) + 0.5);
  EXPECT_NEAR(s.sd, sd, 0.05 * sd);
  EXPECT_NE(shunt.offset_mA(), 0.0);
}

TEST(CurrentShunt, GainErrorScalesTheCurrent) {
  const CurrentShuntSpec spec = bcu_shunt();
  CurrentShunt shunt(spec, 21, "string1/bcu");
  const int n = 20000;
  const Stats s = stats(n, [&] {
    shunt.sample(-25.0);  // 25 A discharge (GTX3000 nominal current)
    return static_cast<double>(shunt.reading_mA());
  });
  const double expected = -25000.0 * (1.0 + shunt.gain_error()) + shunt.offset_mA();
  EXPECT_NEAR(s.mean, expected, 4.0 * spec.noise_sigma_mA / std::sqrt(n) + 0.5);
  // The gain error is visible: 25 A x gain is well above the mean's noise.
  EXPECT_GT(std::fabs(shunt.gain_error()) * 25000.0, 0.0);
  for (int i = 0; i < 100; ++i) {
    shunt.sample(1.234);
    EXPECT_EQ(shunt.reading_mA() % 10, 0) << "resolution 10 mA";
  }
}

// Over many boards (seeds), the drawn calibration errors have the data
// file's sigma (less ~1.5 % for the 3 sigma screen) and never exceed 3 sigma.
TEST(CurrentShunt, CalibrationSpreadAcrossBoardsMatchesTheSigmas) {
  const CurrentShuntSpec spec = bcu_shunt();
  std::vector<double> offsets, gains;
  for (std::uint64_t seed = 1; seed <= 2000; ++seed) {
    CurrentShunt s(spec, seed, "string1/bcu");
    offsets.push_back(s.offset_mA());
    gains.push_back(s.gain_error());
  }
  int k = 0;
  const Stats so = stats(static_cast<int>(offsets.size()), [&] { return offsets[k++]; });
  k = 0;
  const Stats sg = stats(static_cast<int>(gains.size()), [&] { return gains[k++]; });
  EXPECT_NEAR(so.mean, 0.0, 4.0 * spec.offset_sigma_mA / std::sqrt(2000.0));
  EXPECT_NEAR(so.sd, 0.987 * spec.offset_sigma_mA, 0.06 * spec.offset_sigma_mA);
  EXPECT_NEAR(sg.sd, 0.987 * spec.gain_sigma, 0.06 * spec.gain_sigma);
  for (double o : offsets) ASSERT_LE(std::fabs(o), 3.0 * spec.offset_sigma_mA + 1e-12);
}

TEST(VoltageSense, BatteryAndLinkHaveTheirOwnGainAndTheResolution) {
  auto rig = make_rig("gtx3000-h4");
  const VoltageSenseSpec spec = *rig.hardware.board(SSIM_ROLE_BCU)->voltage_sense;
  VoltageSense vs(spec, 4, "string1/bcu");
  EXPECT_NE(vs.gain_error(VoltageSense::kBattery), vs.gain_error(VoltageSense::kLink));
  const int n = 20000;
  double sum_b = 0.0, sum_l = 0.0;
  for (int i = 0; i < n; ++i) {
    vs.sample(210.0, 100.0);
    ASSERT_EQ(vs.reading_mV(VoltageSense::kBattery) % 100, 0);
    sum_b += vs.reading_mV(VoltageSense::kBattery);
    sum_l += vs.reading_mV(VoltageSense::kLink);
  }
  const double tol = 4.0 * std::hypot(spec.noise_sigma_mV, spec.resolution_mV / std::sqrt(12.0)) / std::sqrt(n) + 1.0;
  EXPECT_NEAR(sum_b / n, 210000.0 * (1 + vs.gain_error(VoltageSense::kBattery)) + vs.offset_mV(VoltageSense::kBattery), tol);
  EXPECT_NEAR(sum_l / n, 100000.0 * (1 + vs.gain_error(VoltageSense::kLink)) + vs.offset_mV(VoltageSense::kLink), tol);
  // Below zero the unipolar ADC reads 0.
  vs.sample(0.0, 0.0);
  EXPECT_GE(vs.reading_mV(VoltageSense::kLink), 0);
}

}  // namespace
}  // namespace stacksim::hw
