// Parallel LV systems through the whole plant: the GTX5000/GTX2500 chain with
// its automatic coding (manual 5.3.2), the master's shutdown after its slaves
// (5.2.1 (3)), and the 6.5 kWh pair rules (manual 6.1, 6.2, 7.4: within 30 s,
// at most 1 V apart, RUN flickers five times).
#include <cmath>
#include <cstddef>
#include <string>

#include <gtest/gtest.h>

#include "plant_fixture.hpp"

namespace stacksim::sim::testing {
namespace {

bool running(ssim_bms_state s) {
  return s == SSIM_STATE_STANDBY || s == SSIM_STATE_CHARGE || s == SSIM_STATE_DISCHARGE ||
         s == SSIM_STATE_FULL_CHARGE;
}

bool all_running(PlantRig& rig) {
  for (std::size_t b = 0; b < rig.config().units; ++b) {
    if (!running(rig.state(b)) || !rig.master(b).main_path_closed()) return false;
  }
  return true;
}

class ChainCoding : public ::testing::TestWithParam<std::string> {};

TEST_P(ChainCoding, TheMastersButtonCodesEveryPackAndTheSystemRuns) {
  PlantRig rig(GetParam(), 0.5);
  const std::size_t n = rig.config().units;
  ASSERT_EQ(n, 4u);
  rig.start();
  // Only the master's button was pressed; the link wakes and codes the rest.
  EXPECT_TRUE(rig.run_until_true([&] { return all_running(rig); }, s(60)).has_value())
      << rig.log_text();
  EXPECT_NE(rig.log_text().find("parallel: coded 4 packs"), std::string::npos) << rig.log_text();
  for (std::size_t b = 0; b < n; ++b) {
    EXPECT_EQ(rig.status(b)->faults & SSIM_FAULT_ADDRESSING, 0u) << b;
    // Every pack but the last drives the next one's Link In.
    EXPECT_EQ(rig.master(b).output(SSIM_OUT_ADDRESS), b + 1 < n) << b;
  }
}

TEST_P(ChainCoding, ASwappedCableAfterTheMasterFailsTheCodingVisibly) {
  for (std::size_t swapped : {std::size_t{1}, std::size_t{2}}) {
    PlantRig rig(GetParam(), 0.5, 1, {}, {}, {swapped});
    rig.start();
    rig.run_until(s(30));
    const auto master = rig.status(0);
    ASSERT_TRUE(master.has_value());
    EXPECT_EQ(master->state, SSIM_STATE_FAULT) << "swapped before pack " << swapped + 1;
    EXPECT_NE(master->faults & SSIM_FAULT_ADDRESSING, 0u);
    EXPECT_NE(rig.log_text().find("parallel: coding failed after " + std::to_string(swapped) + " packs"),
              std::string::npos)
        << rig.log_text();
    for (std::size_t b = 0; b < rig.config().units; ++b) {
      EXPECT_FALSE(rig.master(b).main_path_closed()) << "no operation: pack " << b + 1;
    }
    // Packs behind the swapped cable were never woken.
    for (std::size_t b = swapped; b < rig.config().units; ++b) EXPECT_FALSE(rig.master(b).powered()) << b;
    // Coded slaves show the failure as well.
    for (std::size_t b = 1; b < swapped; ++b) EXPECT_EQ(rig.state(b), SSIM_STATE_FAULT) << b;
  }
}

TEST_P(ChainCoding, TheMasterShutsDownAfterAllItsSlaves) {
  PlantRig rig(GetParam(), 0.5);
  rig.start();
  ASSERT_TRUE(rig.run_until_true([&] { return all_running(rig); }, s(60)).has_value());
  const std::int64_t press_ns = rig.now_ns();
  rig.master(0).press_button(press_ns, press_ns + rig.setup().start_hold_ns);
  std::int64_t master_off_ns = -1, last_slave_off_ns = -1;
  while (rig.now_ns() < press_ns + s(60) && master_off_ns < 0) {
    rig.step(physics::TerminalCommand::current(0.0));
    for (std::size_t b = 1; b < rig.config().units; ++b) {
      if (rig.state(b) == SSIM_STATE_SHUTDOWN && last_slave_off_ns < 0) {
        bool all = true;
        for (std::size_t k = 1; k < rig.config().units; ++k) all = all && rig.state(k) == SSIM_STATE_SHUTDOWN;
        if (all) last_slave_off_ns = rig.now_ns();
      }
    }
    if (rig.state(0) == SSIM_STATE_SHUTDOWN) master_off_ns = rig.now_ns();
  }
  ASSERT_GE(master_off_ns, 0);
  ASSERT_GE(last_slave_off_ns, 0);
  EXPECT_LE(last_slave_off_ns, master_off_ns);
}

TEST_P(ChainCoding, ASlaveThatStopsReportingIsALostLink) {
  PlantRig rig(GetParam(), 0.5);
  rig.start();
  ASSERT_TRUE(rig.run_until_true([&] { return all_running(rig); }, s(60)).has_value());
  rig.master(2).set_supply_fault(true);
  const std::int64_t t0 = rig.now_ns();
  const auto lost = rig.run_until_true(
      [&] { return (rig.status(0)->faults & SSIM_FAULT_INTERNAL_COMM) != 0; }, t0 + s(20));
  ASSERT_TRUE(lost.has_value());
  // comm.internal_timeout_ms, plus a poll round and a debug report.
  EXPECT_GE(*lost - t0, ms(rig.param("comm.internal_timeout_ms")) - ms(500));
  EXPECT_LE(*lost - t0, ms(rig.param("comm.internal_timeout_ms")) + ms(1500));
}

INSTANTIATE_TEST_SUITE_P(Lv, ChainCoding, ::testing::Values("gtx5000-x4", "gtx2500-x4"));

// --- the 6.5 kWh pair ---------------------------------------------------------

std::size_t run_flickers(PlantRig& rig, std::size_t branch) {
  const std::uint16_t run = static_cast<std::uint16_t>(rig.param("led.run.index"));
  std::size_t offs = 0;
  bool was_on = false;
  for (const LedEvent& e : rig.plant().led_events(rig.plant().master(branch))) {
    if (e.led != run) continue;
    const bool on = e.colour != SSIM_LED_OFF;
    if (was_on && !on) ++offs;
    was_on = on;
  }
  return offs;
}

TEST(Pair, TwoPacksSwitchedOnTogetherPairAndRunFlickersFiveTimes) {
  PlantRig rig("lfp65-x2", 0.5);
  rig.start();
  ASSERT_TRUE(rig.run_until_true([&] { return all_running(rig); }, s(60)).has_value()) << rig.log_text();
  rig.run_until(rig.now_ns() + s(10));
  for (std::size_t b = 0; b < 2; ++b) {
    EXPECT_EQ(rig.status(b)->faults & SSIM_FAULT_PARALLEL, 0u);
    // Five flickers of RUN (the manual), before RUN's own pattern takes over.
    EXPECT_GE(run_flickers(rig, b), static_cast<std::size_t>(rig.param("led.parallel_ok.count"))) << b;
  }
}

TEST(Pair, APeerSwitchedOnMoreThan30sLaterIsAParallelFailureAndPowersOff) {
  PlantRig rig("lfp65-x2", 0.5);
  const std::int64_t hold = rig.setup().start_hold_ns;
  rig.master(0).press_button(0, hold);
  const std::int64_t window = ms(rig.param("parallel.window_ms"));
  rig.run_until(window + s(5));
  rig.master(1).press_button(rig.now_ns(), rig.now_ns() + hold);
  rig.run_until(rig.now_ns() + s(20));
  EXPECT_FALSE(rig.master(0).powered()) << rig.log_text();
  EXPECT_NE(rig.master(0).last_status()->faults & SSIM_FAULT_PARALLEL, 0u);
  EXPECT_FALSE(rig.master(0).main_path_closed());
}

TEST(Pair, PacksMoreThan1VApartFailAndPacksCloserPair) {
  struct Case {
    double soc0, soc1;
    bool ok;
  };
  // 16 LFP cells: 5 % vs 95 % SOC is well over 1 V apart; 45 % vs 55 % on
  // the plateau is a few tens of mV.
  for (const Case c : {Case{0.05, 0.95, false}, Case{0.45, 0.55, true}}) {
    PlantRig rig("lfp65-x2", 0.5);
    rig.physics().set_branch_soc(0, c.soc0);
    rig.physics().set_branch_soc(1, c.soc1);
    rig.step(physics::TerminalCommand::current(0.0));  // open-circuit voltages
    const double dV = std::abs(rig.physics().branch_voltage_V(0) - rig.physics().branch_voltage_V(1));
    ASSERT_EQ(dV > 1.2, !c.ok) << dV;  // the cases sit clearly on either side of 1 V
    ASSERT_EQ(dV < 0.8, c.ok) << dV;
    rig.start();
    rig.run_until(s(20));
    for (std::size_t b = 0; b < 2; ++b) {
      const auto st = rig.master(b).last_status();
      ASSERT_TRUE(st.has_value());
      EXPECT_EQ((st->faults & SSIM_FAULT_PARALLEL) != 0, !c.ok) << c.soc0 << " " << c.soc1 << " pack " << b << rig.log_text();
    }
  }
}

// --- GTX3000 strings -------------------------------------------------------

class StringChain : public ::testing::TestWithParam<std::string> {};

TEST_P(StringChain, TheMasterBcuCodesEveryStringAndTheSystemRuns) {
  PlantRig rig(GetParam(), 0.5);
  const std::size_t n = rig.config().units;
  rig.start();
  EXPECT_TRUE(rig.run_until_true([&] { return all_running(rig); }, s(120)).has_value())
      << rig.log_text();
  EXPECT_NE(rig.log_text().find("parallel: coded " + std::to_string(n) + " strings"), std::string::npos)
      << rig.log_text();
}

INSTANTIATE_TEST_SUITE_P(Gtx3000, StringChain, ::testing::Values("gtx3000-h5-x2", "gtx3000-h10-x8"));

TEST(ParallelStrings, ASwappedBcuLinkCableFailsTheCoding) {
  PlantRig rig("gtx3000-h10-x4", 0.5, 1, {}, {}, {2});
  rig.start();
  rig.run_until(s(60));
  EXPECT_EQ(rig.state(0), SSIM_STATE_FAULT);
  EXPECT_NE(rig.status(0)->faults & SSIM_FAULT_ADDRESSING, 0u);
  EXPECT_NE(rig.log_text().find("parallel: coding failed after 2 strings"), std::string::npos) << rig.log_text();
  for (std::size_t b = 0; b < 4; ++b) EXPECT_FALSE(rig.master(b).main_path_closed()) << b;
}

// Manual 5.1: "When one subsystem is fully charged, the other subsystems will
// continue to charge until all subsystems are fully charged."
// String 1 has one cell far ahead of the rest: it is full (its highest cell at
// the end of charge) long before string 2.
TEST(ParallelStrings, AFullStringStopsChargingWhileTheOtherContinues) {
  PlantRig rig("gtx3000-h5-x2", 0.8);
  rig.physics().set_cell_soc(rig.physics().branch(0).first_cell + 7, 0.995);
  rig.start();
  ASSERT_TRUE(rig.run_until_true([&] { return all_running(rig); }, s(120)).has_value()) << rig.log_text();
  // Charge at 0.2 C of the system: 20 A into two 50 Ah strings.
  const auto blocked = rig.run_until_true(
      [&] { return rig.physics().branch_conduction(0) == physics::PhysicsSystem::Conduction::kDischargeOnly; },
      rig.now_ns() + s(3 * 3600), physics::TerminalCommand::current(20.0));
  ASSERT_TRUE(blocked.has_value()) << rig.log_text();
  // From then on the full string takes nothing and the other takes it all,
  // both staying connected.
  for (int i = 0; i < 600; ++i) {
    rig.step(physics::TerminalCommand::current(10.0));
    if (rig.physics().branch_conduction(0) != physics::PhysicsSystem::Conduction::kDischargeOnly) break;
    ASSERT_LE(rig.physics().branch_current_A(0), 1e-9);
    ASSERT_TRUE(rig.master(1).main_path_closed());
  }
  EXPECT_GT(rig.physics().branch_current_A(1), 0.0);
  // A discharge is served by both strings again.
  rig.run_until(rig.now_ns() + s(5), physics::TerminalCommand::current(-40.0));
  EXPECT_LT(rig.physics().branch_current_A(0), 0.0);
  EXPECT_LT(rig.physics().branch_current_A(1), 0.0);
}

}  // namespace
}  // namespace stacksim::sim::testing
