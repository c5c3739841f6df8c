// The energy management (src/inverter/energy_manager.cpp) against numbers
// worked out by hand from its rules: the demand as a current, the battery's
// limits on top, CC-CV at CVL, the stop at DVL, the grid requests, the ramp.
#include "inverter/energy_manager.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace stacksim::inverter {
namespace {

using Mode = physics::TerminalCommand::Mode;
constexpr std::int64_t kStep_ns = 10'000'000;
constexpr std::int64_t kHour_ns = 3'600'000'000'000;

// A 16S LFP pack as a Pylon LV battery would describe it.
BatteryView pack() {
  BatteryView v;
  v.charge_voltage_V = 56.8;
  v.discharge_voltage_V = 46.0;
  v.charge_limit_A = 50.0;
  v.discharge_limit_A = 80.0;
  v.charge_enable = v.discharge_enable = true;
  return v;
}

Demand amps(double a) { return Demand::from_command(physics::TerminalCommand::current(a)); }

Decision decide(const Demand& d, const BatteryView& v, Measured m = {51.2, 0.0}, bool comm = true,
                EnergyConfig c = {}, std::int64_t now_ns = 0, bool ignore = false) {
  return EnergyManager(c).decide(now_ns, kStep_ns, d, v, comm, ignore, m);
}

TEST(EnergyManager, ChargeBelowTheLimitIsCcCvAtTheBatterysVoltageWithTheDemandAsLimit) {
  const Decision d = decide(amps(30.0), pack());
  EXPECT_EQ(d.command.mode, Mode::kVoltage);
  EXPECT_DOUBLE_EQ(d.command.voltage_V, 56.8);
  EXPECT_DOUBLE_EQ(d.command.current_limit_A, 30.0);
  EXPECT_EQ(d.limiter, Limiter::kNone);
  EXPECT_EQ(d.voltage_limiter, Limiter::kChargeVoltage);
}

TEST(EnergyManager, ChargeAboveTheLimitIsCutToTheLimit) {
  const Decision d = decide(amps(120.0), pack());
  EXPECT_DOUBLE_EQ(d.command.current_limit_A, 50.0);
  EXPECT_DOUBLE_EQ(d.target_A, 50.0);
  EXPECT_EQ(d.limiter, Limiter::kChargeLimit);
}

TEST(EnergyManager, DischargeIsCutToTheLimitAndHeldAtTheCutOffVoltage) {
  const Decision d = decide(amps(-200.0), pack());
  EXPECT_EQ(d.command.mode, Mode::kVoltage);
  EXPECT_DOUBLE_EQ(d.command.voltage_V, 46.0);
  EXPECT_DOUBLE_EQ(d.command.current_limit_A, 80.0);
  EXPECT_DOUBLE_EQ(d.target_A, -80.0);
  EXPECT_EQ(d.limiter, Limiter::kDischargeLimit);
}

TEST(EnergyManager, PowerIsTurnedIntoCurrentAtTheMeasuredVoltage) {
  // 2 kW out of a pack at 50 V: 40 A.
  const Decision d = decide(Demand::from_command(physics::TerminalCommand::power(-2000.0)), pack(), {50.0, 0.0});
  EXPECT_DOUBLE_EQ(d.demand_A, -40.0);
  EXPECT_DOUBLE_EQ(d.command.current_limit_A, 40.0);
}

TEST(EnergyManager, ClearedEnableBitsOrZeroLimitsStopThatDirectionOnly) {
  BatteryView v = pack();
  v.charge_enable = false;
  Decision d = decide(amps(10.0), v);
  EXPECT_EQ(d.command.mode, Mode::kCurrent);
  EXPECT_EQ(d.command.current_A, 0.0);
  EXPECT_EQ(d.limiter, Limiter::kDisabled);
  EXPECT_DOUBLE_EQ(decide(amps(-10.0), v).target_A, -10.0);
  v = pack();
  v.discharge_limit_A = 0.0;
  d = decide(amps(-10.0), v);
  EXPECT_EQ(d.command.current_A, 0.0);
  EXPECT_EQ(d.limiter, Limiter::kDisabled);
}

TEST(EnergyManager, NothingFlowsWithoutCommunicationOrWithoutVoltage) {
  Decision d = decide(amps(10.0), pack(), {51.2, 0.0}, false);
  EXPECT_EQ(d.command.current_A, 0.0);
  EXPECT_EQ(d.limiter, Limiter::kCommLost);
  d = decide(amps(10.0), pack(), {0.0, 0.0});
  EXPECT_EQ(d.command.current_A, 0.0);
  EXPECT_EQ(d.limiter, Limiter::kNoVoltage);
}

TEST(EnergyManager, ABatteryAtOrPastItsVoltageIsNotPushedBack) {
  // At CVL with the taper over: a voltage command would discharge it.
  Decision d = decide(amps(10.0), pack(), {56.9, 0.0});
  EXPECT_EQ(d.command.mode, Mode::kCurrent);
  EXPECT_EQ(d.command.current_A, 0.0);
  EXPECT_EQ(d.limiter, Limiter::kChargeVoltage);
  // Still tapering (current flowing): the CV phase goes on.
  d = decide(amps(10.0), pack(), {56.8, 2.0});
  EXPECT_EQ(d.command.mode, Mode::kVoltage);
  // At DVL: the discharge stops.
  d = decide(amps(-10.0), pack(), {45.9, 0.0});
  EXPECT_EQ(d.command.current_A, 0.0);
  EXPECT_EQ(d.limiter, Limiter::kDischargeVoltage);
}

TEST(EnergyManager, WithoutADischargeVoltageTheDischargeIsAPlainCurrent) {
  BatteryView v = pack();
  v.discharge_voltage_V = kUnknown;  // Growatt LV has none
  const Decision d = decide(amps(-30.0), v, {40.0, 0.0});
  EXPECT_EQ(d.command.mode, Mode::kCurrent);
  EXPECT_DOUBLE_EQ(d.command.current_A, -30.0);
}

TEST(EnergyManager, AVoltageDemandBelowCvlKeepsItsOwnVoltage) {
  const Demand demand = Demand::from_command(physics::TerminalCommand::voltage(55.0, 20.0));
  Decision d = decide(demand, pack());
  EXPECT_DOUBLE_EQ(d.command.voltage_V, 55.0);
  EXPECT_DOUBLE_EQ(d.command.current_limit_A, 20.0);
  EXPECT_EQ(d.voltage_limiter, Limiter::kNone);
  // Above CVL: the battery's voltage wins.
  d = decide(Demand::from_command(physics::TerminalCommand::voltage(58.0, 20.0)), pack());
  EXPECT_DOUBLE_EQ(d.command.voltage_V, 56.8);
}

TEST(EnergyManager, ForceChargeChargesFromTheGridAgainstADischargeDemand) {
  BatteryView v = pack();
  v.force_charge_1 = true;
  EnergyConfig c;
  c.force_charge_power_W = 500.0;
  // 500 W at 50 V: 10 A into the battery although 30 A out was asked.
  Decision d = decide(amps(-30.0), v, {50.0, 0.0}, true, c);
  EXPECT_TRUE(d.force_charging);
  EXPECT_DOUBLE_EQ(d.demand_A, 10.0);
  EXPECT_DOUBLE_EQ(d.command.current_limit_A, 10.0);
  // A larger charge demand stands.
  d = decide(amps(30.0), v, {50.0, 0.0}, true, c);
  EXPECT_DOUBLE_EQ(d.demand_A, 30.0);
  // No grid: no force charge.
  Demand off = amps(-30.0);
  off.grid_available = false;
  d = decide(off, v, {50.0, 0.0}, true, c);
  EXPECT_FALSE(d.force_charging);
  EXPECT_DOUBLE_EQ(d.target_A, -30.0);
}

TEST(EnergyManager, FullChargeActsOnlyInsideItsDailyWindow) {
  BatteryView v = pack();
  v.full_charge = true;
  EnergyConfig c;  // 03:00-06:00 by default
  c.start_epoch_s = 1767225600;  // 2026-01-01T00:00:00
  // 02:59:59.99: not yet; 03:00: charges as much as CCL allows (50 A).
  Decision d = decide(amps(-5.0), v, {51.2, 0.0}, true, c, 3 * kHour_ns - kStep_ns);
  EXPECT_FALSE(d.full_charging);
  EXPECT_DOUBLE_EQ(d.target_A, -5.0);
  d = decide(amps(-5.0), v, {51.2, 0.0}, true, c, 3 * kHour_ns);
  EXPECT_TRUE(d.full_charging);
  EXPECT_DOUBLE_EQ(d.target_A, 50.0);
  EXPECT_DOUBLE_EQ(d.command.voltage_V, 56.8);
  // 06:00 the next day is outside again, 27:00 inside.
  EXPECT_FALSE(decide(amps(0.0), v, {51.2, 0.0}, true, c, 30 * kHour_ns).full_charging);
  EXPECT_TRUE(decide(amps(0.0), v, {51.2, 0.0}, true, c, 27 * kHour_ns).full_charging);
  // A window across midnight (22:00-02:00) at 1 kW: 1000 / 50 = 20 A at 23:00.
  c.full_charge_window = {22 * kHour_ns, 2 * kHour_ns};
  c.full_charge_power_W = 1000.0;
  d = decide(amps(0.0), v, {50.0, 0.0}, true, c, 23 * kHour_ns);
  EXPECT_DOUBLE_EQ(d.target_A, 20.0);
  EXPECT_TRUE(decide(amps(0.0), v, {50.0, 0.0}, true, c, kHour_ns).full_charging);
  EXPECT_FALSE(decide(amps(0.0), v, {50.0, 0.0}, true, c, 12 * kHour_ns).full_charging);
}

TEST(EnergyManager, TheCalendarStartsAtTheScenariosLocalTime) {
  // 2026-01-01T05:30:00 plus 1 h is 06:30.
  EXPECT_EQ(time_of_day_ns(1767225600 + 5 * 3600 + 1800, kHour_ns), 6 * kHour_ns + kHour_ns / 2);
}

TEST(EnergyManager, IgnoringLimitsSendsTheDemandAsItIs) {
  BatteryView v = pack();
  v.charge_enable = false;
  const Decision d = decide(amps(120.0), v, {51.2, 0.0}, false, {}, 0, true);
  EXPECT_FALSE(d.obeying);
  EXPECT_EQ(d.command.mode, Mode::kCurrent);
  EXPECT_DOUBLE_EQ(d.command.current_A, 120.0);
}

TEST(EnergyManager, TheRampLimitsRisesNotFalls) {
  EnergyConfig c;
  c.ramp_A_per_s = 100.0;  // 1 A per 10 ms step
  // From rest: 1 A; from 20 A flowing: 21 A; a direction change starts at 0.
  EXPECT_DOUBLE_EQ(decide(amps(40.0), pack(), {51.2, 0.0}, true, c).target_A, 1.0);
  Decision d = decide(amps(40.0), pack(), {51.2, 20.0}, true, c);
  EXPECT_DOUBLE_EQ(d.target_A, 21.0);
  EXPECT_EQ(d.limiter, Limiter::kRamp);
  EXPECT_DOUBLE_EQ(decide(amps(-40.0), pack(), {51.2, 20.0}, true, c).target_A, -1.0);
  // Falling: at once.
  EXPECT_DOUBLE_EQ(decide(amps(5.0), pack(), {51.2, 20.0}, true, c).target_A, 5.0);
}

TEST(EnergyManager, TheSettledLimiterTellsTheCvPhaseFromTheLimit) {
  const Decision d = decide(amps(120.0), pack());
  physics::TerminalResult r;
  r.current_limited = true;  // CC at CCL
  EXPECT_EQ(settled_limiter(d, r), Limiter::kChargeLimit);
  r.current_limited = false;  // the voltage set the current: the taper
  EXPECT_EQ(settled_limiter(d, r), Limiter::kChargeVoltage);
}

}  // namespace
}  // namespace stacksim::inverter
