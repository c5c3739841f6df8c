// DC-link pre-charge, decay and inrush against the RC solution written out
// here.
#include "hw/dc_link.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "hw_fixture.hpp"

namespace stacksim::hw {
namespace {

using testing::make_rig;

constexpr double kPrechargeOhm = 50.0;

TEST(DcLink, PrechargeFollowsTheRcCharge) {
  auto rig = make_rig("gtx3000-h10");
  const DcLinkSpec spec = rig.hardware.dc_link;
  ASSERT_EQ(spec.capacitance_F, 1e-3);
  DcLink link(spec, *rig.physics);
  const double v_bat = rig.physics->branch_voltage_V(0);
  ASSERT_GT(v_bat, 400.0);
  link.set_paths(0, false, true, kPrechargeOhm);
  // Independent: the link sees the battery through R and the bleed to 0 V.
  const double g = 1.0 / kPrechargeOhm + 1.0 / spec.bleed_resistance_ohm;
  const double v_inf = v_bat / kPrechargeOhm / g;
  const double tau_s = spec.capacitance_F / g;
  const double rc_s = kPrechargeOhm * spec.capacitance_F;
  const std::int64_t dt_ns = 10'000'000;
  std::int64_t t_ns = 0;
  for (double t_check_s : {0.01, 0.03, 0.05, 0.1, 0.2, 0.3}) {
    while (t_ns < static_cast<std::int64_t>(std::llround(t_check_s * 1e9))) {
      link.advance(dt_ns);
      t_ns += dt_ns;
    }
    const double t_s = 1e-9 * static_cast<double>(t_ns);
    EXPECT_NEAR(link.voltage_V(), v_inf * (1.0 - std::exp(-t_s / tau_s)), 1e-9 * v_bat) << t_s;
    // The brief's form, without the bleed: within 0.1 %.
    const double simple = v_bat * (1.0 - std::exp(-t_s / rc_s));
    EXPECT_NEAR(link.voltage_V(), simple, 1e-3 * simple) << t_s;
    // The pre-charge current flows out of the battery: (V_link - V_bat) / R.
    EXPECT_NEAR(link.precharge_current_A(0), (link.voltage_V() - v_bat) / kPrechargeOhm, 1e-9);
  }
  EXPECT_EQ(link.inrush_count(), 0u);
}

TEST(DcLink, ExactForAnyStepSize) {
  auto rig = make_rig("gtx3000-h4");
  DcLink fine(rig.hardware.dc_link, *rig.physics), coarse(rig.hardware.dc_link, *rig.physics);
  fine.set_paths(0, false, true, kPrechargeOhm);
  coarse.set_paths(0, false, true, kPrechargeOhm);
  for (int i = 0; i < 100; ++i) fine.advance(1'000'000);
  coarse.advance(100'000'000);
  EXPECT_NEAR(fine.voltage_V(), coarse.voltage_V(), 1e-9);
}

TEST(DcLink, DecaysThroughTheBleedResistor) {
  auto rig = make_rig("gtx3000-h4");
  const DcLinkSpec spec = rig.hardware.dc_link;
  DcLink link(spec, *rig.physics);
  link.set_voltage_V(200.0);
  link.set_paths(0, false, false, kPrechargeOhm);
  for (int i = 0; i < 100; ++i) link.advance(1'000'000'000);
  const double tau_s = spec.bleed_resistance_ohm * spec.capacitance_F;
  EXPECT_NEAR(link.voltage_V(), 200.0 * std::exp(-100.0 / tau_s), 1e-9);
}

TEST(DcLink, FailedOpenResistorLeavesTheLinkUncharged) {
  auto rig = make_rig("gtx3000-h4");
  DcLink link(rig.hardware.dc_link, *rig.physics);
  link.set_paths(0, false, true, HUGE_VAL);
  for (int i = 0; i < 100; ++i) link.advance(10'000'000);
  EXPECT_EQ(link.voltage_V(), 0.0);
  EXPECT_EQ(link.precharge_current_A(0), 0.0);
}

TEST(DcLink, ClosingOnAnUnchargedLinkIsAnInrushEvent) {
  auto rig = make_rig("gtx3000-h4");
  DcLink link(rig.hardware.dc_link, *rig.physics);
  const double v_bat = rig.physics->branch_voltage_V(0);
  link.set_paths(0, true, false, kPrechargeOhm);
  EXPECT_EQ(link.inrush_count(), 1u);
  EXPECT_NEAR(link.peak_inrush_dV(), v_bat, 1e-9);
  link.advance(10'000'000);
  EXPECT_NEAR(link.voltage_V(), rig.physics->branch_voltage_V(0), 1e-12);
  EXPECT_TRUE(link.bus_closed());
}

TEST(DcLink, ClosingAfterPrechargeIsNot) {
  auto rig = make_rig("gtx3000-h4");
  DcLink link(rig.hardware.dc_link, *rig.physics);
  link.set_paths(0, false, true, kPrechargeOhm);
  for (int i = 0; i < 30; ++i) link.advance(10'000'000);  // 6 RC
  link.set_paths(0, true, true, kPrechargeOhm);
  EXPECT_EQ(link.inrush_count(), 0u);
  EXPECT_LT(link.last_closing_dV(0), 0.01 * rig.physics->branch_voltage_V(0));
}

TEST(DcLink, SeveralBranchesPrechargeAsTheirParallelThevenin) {
  auto rig = make_rig("gtx3000-h5-x2");
  rig.physics->set_branch_soc(1, 0.95);
  rig.physics->step(1'000'000, physics::TerminalCommand::current(0.0));
  const double v1 = rig.physics->branch_voltage_V(0), v2 = rig.physics->branch_voltage_V(1);
  ASSERT_GT(std::fabs(v1 - v2), 1.0);
  const DcLinkSpec spec = rig.hardware.dc_link;
  DcLink link(spec, *rig.physics);
  const double r1 = 50.0, r2 = 80.0;
  link.set_paths(0, false, true, r1);
  link.set_paths(1, false, true, r2);
  const double g = 1 / r1 + 1 / r2 + 1 / spec.bleed_resistance_ohm;
  const double v_inf = (v1 / r1 + v2 / r2) / g;
  const double tau_s = spec.capacitance_F / g;
  for (int i = 0; i < 7; ++i) link.advance(10'000'000);
  EXPECT_NEAR(link.voltage_V(), v_inf * (1 - std::exp(-0.07 / tau_s)), 1e-9 * v1);
  // The second string closes onto a link held by the first: the difference
  // of the two strings is the inrush.
  link.set_paths(0, true, false, r1);
  link.advance(10'000'000);
  const std::uint64_t before = link.inrush_count();
  link.set_paths(1, true, false, r2);
  EXPECT_NEAR(link.last_closing_dV(1), std::fabs(v2 - v1), 1e-9);
  EXPECT_EQ(link.inrush_count(), before + (std::fabs(v2 - v1) > spec.inrush_threshold_fraction * v2 ? 1u : 0u));
}

}  // namespace
}  // namespace stacksim::hw
