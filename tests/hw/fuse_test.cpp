// The fuse's I^2 t model with the GTX3000 BCU fuse.
#include "hw/fuse.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "hw_fixture.hpp"

namespace stacksim::hw {
namespace {

FuseSpec bcu_fuse() {
  auto rig = testing::make_rig("gtx3000-h4");
  return *rig.hardware.board(SSIM_ROLE_BCU)->fuse;
}

TEST(Fuse, NeverBlowsAtItsRating) {
  const FuseSpec spec = bcu_fuse();
  Fuse f(spec);
  for (int i = 0; i < 3600 * 100; ++i) ASSERT_FALSE(f.pass(spec.rated_current_A, 10'000'000));
  EXPECT_FALSE(f.blown());
  EXPECT_EQ(f.heat_A2s(), 0.0);
}

TEST(Fuse, ShortCircuitClearsAfterI2tOverTheExcess) {
  const FuseSpec spec = bcu_fuse();
  const double i = 10.0 * spec.rated_current_A;
  // Independent: melting when (I^2 - In^2) t = I2t.
  const double t_s = spec.melting_i2t_A2s / (i * i - spec.rated_current_A * spec.rated_current_A);
  Fuse f(spec);
  const std::int64_t dt_ns = 100'000;  // 0.1 ms
  std::int64_t t_ns = 0;
  while (!f.pass(i, dt_ns)) {
    t_ns += dt_ns;
    ASSERT_LT(t_ns, 10'000'000'000);
  }
  t_ns += dt_ns;
  EXPECT_NEAR(1e-9 * static_cast<double>(t_ns), t_s, 1e-4);
  EXPECT_TRUE(f.blown());
  f.replace();
  EXPECT_FALSE(f.blown());
}

TEST(Fuse, HeatCoolsWithItsTimeConstant) {
  const FuseSpec spec = bcu_fuse();
  Fuse f(spec);
  const double i = 2.0 * spec.rated_current_A;
  f.pass(i, 100'000'000);
  const double heat = f.heat_A2s();
  EXPECT_NEAR(heat, (i * i - spec.rated_current_A * spec.rated_current_A) * 0.1, 1e-9);
  const auto tau_ns = static_cast<std::int64_t>(spec.cooling_time_constant_s * 1e9);
  f.pass(0.0, tau_ns);
  EXPECT_NEAR(f.heat_A2s(), heat * std::exp(-1.0), 1e-9 * heat);
}

}  // namespace
}  // namespace stacksim::hw
