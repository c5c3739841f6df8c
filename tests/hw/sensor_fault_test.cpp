// What a failing sensor reads (src/hw/sensor_fault.cpp), each kind against
// its definition computed here.
#include "hw/sensor_fault.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace stacksim::hw {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
using K = SensorFault::Kind;

TEST(SensorFault, HealthyStuckAndOffset) {
  Rng rng(1, "sensor");
  SensorFault f;
  EXPECT_EQ(f.apply(3300.0, 0, rng), 3300.0);
  f.set(K::kStuck, 2500.0, 0);
  EXPECT_EQ(f.apply(3300.0, kSecond, rng), 2500.0);
  f.set(K::kOffset, -100.0, 0);
  EXPECT_EQ(f.apply(3300.0, kSecond, rng), 3200.0);
  f.set(K::kNone, 0.0, 0);
  EXPECT_EQ(f.apply(3300.0, kSecond, rng), 3300.0);
}

TEST(SensorFault, DriftGrowsPerHourFromTheFaultsStart) {
  Rng rng(1, "sensor");
  SensorFault f;
  f.set(K::kDrift, 6.0, 100 * kSecond);  // 6 degrees per hour from t = 100 s
  EXPECT_DOUBLE_EQ(*f.apply(25.0, 100 * kSecond, rng), 25.0);
  EXPECT_NEAR(*f.apply(25.0, (100 + 1800) * kSecond, rng), 28.0, 1e-12);
  EXPECT_NEAR(*f.apply(25.0, (100 + 7200) * kSecond, rng), 37.0, 1e-12);
}

TEST(SensorFault, NoiseHasItsSigmaAndNoBias) {
  Rng rng(7, "sensor");
  SensorFault f;
  f.set(K::kNoise, 50.0, 0);
  double sum = 0.0, sq = 0.0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double e = *f.apply(1000.0, i, rng) - 1000.0;
    sum += e;
    sq += e * e;
  }
  const double mean = sum / n, sigma = std::sqrt(sq / n - mean * mean);
  EXPECT_NEAR(mean, 0.0, 4.0 * 50.0 / std::sqrt(n));
  EXPECT_NEAR(sigma, 50.0, 0.02 * 50.0);
}

// A step of the truth seen through a first-order lag: 1 - 1/e of it after one
// time constant, whatever the spacing of the readings.
TEST(SensorFault, DelayedFollowsAStepWithItsTimeConstant) {
  for (const std::int64_t period : {kSecond / 10, kSecond, 5 * kSecond}) {
    Rng rng(1, "sensor");
    SensorFault f;
    f.set(K::kDelayed, 20.0, 0);
    EXPECT_EQ(*f.apply(25.0, 0, rng), 25.0);  // starts from the truth
    double reading = 0.0;
    for (std::int64_t t = period; t <= 20 * kSecond; t += period) reading = *f.apply(45.0, t, rng);
    EXPECT_NEAR(reading, 25.0 + 20.0 * (1.0 - std::exp(-1.0)), 1e-9) << period;
  }
}

TEST(SensorFault, IntermittentDropsTheFirstHalfOfEveryPeriod) {
  Rng rng(1, "sensor");
  SensorFault f;
  f.set(K::kIntermittent, 10.0, 60 * kSecond);
  EXPECT_FALSE(f.apply(1.0, 60 * kSecond, rng).has_value());
  EXPECT_FALSE(f.apply(1.0, 64 * kSecond, rng).has_value());
  EXPECT_EQ(f.apply(1.0, 65 * kSecond, rng), 1.0);
  EXPECT_EQ(f.apply(1.0, 69 * kSecond, rng), 1.0);
  EXPECT_FALSE(f.apply(1.0, 70 * kSecond, rng).has_value());
}

}  // namespace
}  // namespace stacksim::hw
