// Start button and power-on sequence of each family, pre-charge, and the
// diagnosis of a failed pre-charge and of contactors that weld or stick,
// through the real boards, buses and reference firmware.
#include <gtest/gtest.h>

#include "plant_fixture.hpp"

namespace stacksim::sim::testing {
namespace {

// Runs the operator's start and returns when the path closed.
std::int64_t start_and_close(PlantRig& rig, std::int64_t limit_ns = s(30)) {
  rig.start();
  const auto closed = rig.run_until_true([&] { return rig.master().main_path_closed(); }, limit_ns);
  EXPECT_TRUE(closed) << rig.log_text() << " state " << rig.state() << " faults "
                      << (rig.status() ? rig.status()->faults : 0);
  return closed.value_or(-1);
}

TEST(BmsStart, Gtx3000StartsCodesModulesAndClosesThePath) {
  PlantRig rig("gtx3000-h4", 0.5);
  const std::int64_t hold_ns = rig.setup().start_hold_ns;
  const std::int64_t closed_ns = start_and_close(rig);
  // Not before the button was released after its long press.
  EXPECT_GT(closed_ns, hold_ns);
  rig.run_until(closed_ns + ms(200));
  EXPECT_EQ(rig.state(), SSIM_STATE_STANDBY);
  EXPECT_EQ(rig.status()->faults, 0u);
  // The pre-charge brought the DC link to the battery before the main
  // contactor closed: no inrush.
  EXPECT_EQ(rig.plant().dc_link().inrush_count(), 0u);
  EXPECT_NEAR(rig.plant().dc_link().voltage_V(), rig.physics().branch_voltage_V(0), 1.0);
}

TEST(BmsStart, Gtx3000ShortPressDoesNotStart) {
  PlantRig rig("gtx3000-h4", 0.5);
  rig.master().set_breaker(true);
  rig.master().press_button(0, s(1));  // manual: more than 3 s
  rig.run_until(s(20));
  EXPECT_FALSE(rig.master().main_path_closed());
  EXPECT_EQ(rig.state(), SSIM_STATE_SHUTDOWN);
}

TEST(BmsStart, Gtx3000LongPressWhileRunningShutsDown) {
  PlantRig rig("gtx3000-h4", 0.5);
  const std::int64_t closed_ns = start_and_close(rig);
  rig.run_until(closed_ns + s(1));
  rig.master().press_button(rig.now_ns(), rig.now_ns() + s(4));
  const auto open = rig.run_until_true([&] { return !rig.master().main_path_closed(); },
                                       rig.now_ns() + s(20));
  ASSERT_TRUE(open);
  EXPECT_GT(*open, closed_ns + s(5));  // only after the release
  rig.run_until(*open + s(3));
  EXPECT_EQ(rig.state(), SSIM_STATE_SHUTDOWN);
}

TEST(BmsStart, EveryLvFamilyStarts) {
  for (const char* config : {"gtx5000-x1", "gtx2500-x1", "lfp65-x1"}) {
    SCOPED_TRACE(config);
    PlantRig rig(config, 0.5);
    const std::int64_t closed_ns = start_and_close(rig);
    rig.run_until(closed_ns + ms(300));
    EXPECT_EQ(rig.state(), SSIM_STATE_STANDBY);
    EXPECT_EQ(rig.status()->faults, 0u);
  }
}

TEST(BmsStart, PrechargeFailureIsAFaultAndThePathStaysOpen) {
  PlantRig rig("gtx3000-h4", 0.5);
  rig.master().set_precharge_resistor_open(true);
  rig.start();
  const std::int32_t timeout_ms = rig.param("precharge.timeout_ms");
  const auto fault = rig.run_until_true(
      [&] { return rig.status() && (rig.status()->faults & SSIM_FAULT_PRECHARGE) != 0; }, s(40));
  ASSERT_TRUE(fault) << rig.log_text();
  EXPECT_FALSE(rig.master().main_path_closed());
  EXPECT_EQ(rig.plant().dc_link().inrush_count(), 0u);
  rig.run_until(*fault + ms(200));
  EXPECT_EQ(rig.state(), SSIM_STATE_FAULT);
  // The pre-charge relay closed after the sweep and coding; the fault came
  // after the time-out, not before.
  EXPECT_GT(*fault, rig.setup().start_hold_ns + ms(timeout_ms));
}

TEST(BmsStart, WeldedContactorIsDetectedWhenTheStringOpens) {
  PlantRig rig("gtx3000-h4", 0.5);
  const std::int64_t closed_ns = start_and_close(rig);
  rig.run_until(closed_ns + s(1));
  rig.master().set_contactor_welded(SSIM_OUT_POS_CONTACTOR, true);
  // Shut down: the BCU opens the path and must see the positive contact stay.
  rig.master().press_button(rig.now_ns(), rig.now_ns() + s(4));
  const auto fault = rig.run_until_true(
      [&] { return rig.status() && (rig.status()->faults & SSIM_FAULT_CONTACTOR_WELDED) != 0; },
      rig.now_ns() + s(20));
  ASSERT_TRUE(fault) << rig.log_text();
}

TEST(BmsStart, ContactorThatWillNotCloseIsDetectedByItsAuxiliaryContact) {
  PlantRig rig("gtx3000-h4", 0.5);
  rig.master().set_contactor_stuck_open(SSIM_OUT_POS_CONTACTOR, true);
  rig.start();
  const auto fault = rig.run_until_true(
      [&] { return rig.status() && (rig.status()->faults & SSIM_FAULT_CONTACTOR_STUCK_OPEN) != 0; },
      s(30));
  ASSERT_TRUE(fault) << rig.log_text();
  EXPECT_FALSE(rig.master().main_path_closed());
}

// An LV pack's MOSFET paths have no auxiliary contacts: a discharge switch
// that will not close keeps the pre-charge (which runs through it) from
// charging the link.
TEST(BmsStart, LvSwitchThatWillNotCloseFailsThePrecharge) {
  PlantRig rig("gtx5000-x1", 0.5);
  rig.master().set_contactor_stuck_open(SSIM_OUT_NEG_CONTACTOR, true);
  rig.start();
  const auto fault = rig.run_until_true(
      [&] { return rig.status() && (rig.status()->faults & SSIM_FAULT_PRECHARGE) != 0; }, s(30));
  ASSERT_TRUE(fault) << rig.log_text();
  EXPECT_FALSE(rig.master().main_path_closed());
}

TEST(BmsStart, Lfp65PowerButtonHoldsItsOwnSupply) {
  PlantRig rig("lfp65-x1", 0.5);
  // A short press boots the board only while it is held.
  rig.master().press_button(0, ms(500));
  rig.run_until(ms(300));
  EXPECT_TRUE(rig.master().powered());
  rig.run_until(s(2));
  EXPECT_FALSE(rig.master().powered());
  // Two seconds and more: it starts and stays on after the release.
  rig.master().press_button(rig.now_ns(), rig.now_ns() + ms(2500));
  const auto closed = rig.run_until_true([&] { return rig.master().main_path_closed(); },
                                         rig.now_ns() + s(20));
  ASSERT_TRUE(closed) << rig.log_text();
  EXPECT_TRUE(rig.master().powered());
}

TEST(BmsStart, Lfp65WakeVoltageStartsIt) {
  PlantRig rig("lfp65-x1", 0.5);
  rig.master().set_wake_voltage_V(52.0);  // manual: 45-60 V on WAKE+/WAKE-
  const auto closed = rig.run_until_true([&] { return rig.master().main_path_closed(); }, s(20));
  ASSERT_TRUE(closed) << rig.log_text();
  rig.master().set_wake_voltage_V(0.0);
  rig.run_until(rig.now_ns() + s(5));
  EXPECT_TRUE(rig.master().powered());  // it holds itself
}

}  // namespace
}  // namespace stacksim::sim::testing

namespace stacksim::sim::testing {
namespace {

// Near the top of charge the BCU orders the module holding a high cell to
// bleed it (docs/internal-bus.md), and only that cell; the switch reaches the
// physics' bleed resistor.
TEST(BmsBalancing, BcuOrdersTheHighCellBledThroughItsModule) {
  PlantRig rig("gtx3000-h4", 0.95);
  const std::size_t module = 2, channel = 5;
  const std::size_t group = rig.physics().module(module).first_group + channel;
  rig.physics().set_cell_soc(rig.physics().group(group).first_cell, 0.995);
  const std::int64_t closed_ns = start_and_close(rig);
  ASSERT_GT(closed_ns, 0);
  const std::int32_t start_mV = rig.param("balance.start_mV");
  const std::int32_t threshold_mV = rig.param("balance.threshold_mV");
  // Charge gently until the highest cell is past the balancing start voltage.
  const auto charge = physics::TerminalCommand::current(5.0);
  const std::size_t board = rig.plant().master(0) + 1 + module;
  const auto bleeding = rig.run_until_true(
      [&] { return rig.plant().board(board).balancing_mask() != 0; }, rig.now_ns() + s(3600), charge);
  ASSERT_TRUE(bleeding) << "no balancing within an hour of charging";
  const auto st = rig.status();
  ASSERT_TRUE(st);
  EXPECT_GE(st->cell_max_mV, start_mV - 5);  // within the front end's error
  EXPECT_EQ(rig.plant().board(board).balancing_mask(), 1u << channel);
  EXPECT_TRUE(rig.physics().balancing(group));
  EXPECT_GT(rig.physics().group_voltage_V(group) * 1000.0,
            st->cell_min_mV + threshold_mV - 5);
  // The other modules bleed nothing.
  for (std::size_t m = 0; m < 4; ++m) {
    if (m != module) {
      EXPECT_EQ(rig.plant().board(rig.plant().master(0) + 1 + m).balancing_mask(), 0u);
    }
  }
}

TEST(BmsBalancing, PackBleedsItsHighCell) {
  PlantRig rig("gtx5000-x1", 0.95);
  const std::size_t channel = 11;
  rig.physics().set_cell_soc(rig.physics().group(channel).first_cell, 0.995);
  start_and_close(rig);
  const auto bleeding = rig.run_until_true([&] { return rig.master().balancing_mask() != 0; },
                                           rig.now_ns() + s(3600),
                                           physics::TerminalCommand::current(10.0));
  ASSERT_TRUE(bleeding);
  EXPECT_EQ(rig.master().balancing_mask(), 1u << channel);
  EXPECT_TRUE(rig.physics().balancing(channel));
  // Discharging stops the bleeding at the next balancing decision (1 s).
  const auto stopped = rig.run_until_true([&] { return rig.master().balancing_mask() == 0; },
                                          rig.now_ns() + s(3), physics::TerminalCommand::current(-20.0));
  EXPECT_TRUE(stopped);
}

}  // namespace
}  // namespace stacksim::sim::testing
