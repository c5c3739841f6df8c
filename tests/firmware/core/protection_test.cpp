// The protection engine on small hand-written tables. The products' real
// tables are exercised row by row in protection_tables_test.cpp.
#include <cstdint>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "core/protection.hpp"
#include "param_builder.hpp"

namespace stacksim::fw {
namespace {

using test::ParamBuilder;

struct RowSpec {
  Quantity quantity = Quantity::kCellMax_mV;
  Trip trip = Trip::kAbove;
  Applies applies = Applies::kAlways;
  std::optional<std::int32_t> warning, alarm, protection;
  std::int32_t hysteresis = 0;
  std::int32_t debounce_ms = 0;
  std::int32_t delay_ms = 0;
  Reaction reaction = Reaction::kStopBoth;
};

void add_row(ParamBuilder& b, int i, const RowSpec& r) {
  const std::string p = "prot." + std::to_string(i) + ".";
  b.set(p + "quantity", static_cast<std::int32_t>(r.quantity));
  b.set(p + "trip", static_cast<std::int32_t>(r.trip));
  b.set(p + "applies", static_cast<std::int32_t>(r.applies));
  if (r.warning) b.set(p + "warning", *r.warning);
  if (r.alarm) b.set(p + "alarm", *r.alarm);
  if (r.protection) b.set(p + "protection", *r.protection);
  b.set(p + "hysteresis", r.hysteresis);
  b.set(p + "debounce_ms", r.debounce_ms);
  b.set(p + "delay_ms", r.delay_ms);
  b.set(p + "reaction", static_cast<std::int32_t>(r.reaction));
}

ParamBuilder table(std::initializer_list<RowSpec> rows, std::int32_t deadband_mA = 500) {
  ParamBuilder b;
  b.set("pack.per_module", 0).set("prot.current_deadband_mA", deadband_mA);
  b.set("prot.count", static_cast<std::int32_t>(rows.size()));
  int i = 0;
  for (const RowSpec& r : rows) add_row(b, i++, r);
  return b;
}

RowSpec cell_ov() {
  RowSpec r;
  r.quantity = Quantity::kCellMax_mV;
  r.warning = 3550;
  r.alarm = 3600;
  r.protection = 3650;
  r.hysteresis = 100;
  r.debounce_ms = 2000;
  r.delay_ms = 5000;
  r.reaction = Reaction::kStopCharge;
  return r;
}

Measurements cells(std::int32_t max_mV, std::int32_t min_mV, std::int32_t current_mA = 0) {
  Measurements m;
  m.cell_max_mV = max_mV;
  m.cell_min_mV = min_mV;
  m.cells_valid = true;
  m.current_mA = current_mA;
  m.current_valid = true;
  m.pack_valid = m.temps_valid = m.board_temp_valid = true;
  m.pack_mV = 51200;
  m.temp_max_dC = m.temp_min_dC = m.board_temp_dC = 250;
  return m;
}

class Engine : public ::testing::Test {
 protected:
  void configure(ParamBuilder b, std::int32_t modules = 1) {
    builder_ = std::move(b);
    const ParamSet p = builder_.params();
    ASSERT_TRUE(engine_.configure(p, modules));
    ASSERT_EQ(p.missing_count(), 0u);
  }
  // Evaluates every 10 ms over [from, to).
  void run(const Measurements& m, std::uint32_t from_ms, std::uint32_t to_ms) {
    for (std::uint32_t t = from_ms; t < to_ms; t += 10) engine_.evaluate(m, t);
  }
  ParamBuilder builder_;
  ProtectionEngine engine_;
};

TEST_F(Engine, TierRaisedAtTheFirstEvaluationAfterDebounceNotBefore) {
  configure(table({cell_ov()}));
  run(cells(3400, 3300), 0, 1000);
  EXPECT_EQ(engine_.warnings(), 0u);
  // Out of all three tiers from t = 1000 ms on; debounce 2000 ms.
  run(cells(3660, 3300), 1000, 3000);  // last evaluation at 2990
  EXPECT_EQ(engine_.level(0), 0);
  EXPECT_TRUE(engine_.charge_allowed());
  engine_.evaluate(cells(3660, 3300), 3000);
  EXPECT_EQ(engine_.level(0), 3);
  EXPECT_EQ(engine_.warnings(), 1u);
  EXPECT_EQ(engine_.alarms(), 1u);
  EXPECT_EQ(engine_.protections(), 1u);
  EXPECT_EQ(engine_.raised_at_ms(0, Tier::kProtection), 3000u);
  EXPECT_FALSE(engine_.charge_allowed());
  EXPECT_TRUE(engine_.discharge_allowed());  // stop_charge blocks only charging
}

TEST_F(Engine, EachTierHasItsOwnThreshold) {
  configure(table({cell_ov()}));
  run(cells(3560, 3300), 0, 2010);  // warning only
  EXPECT_EQ(engine_.level(0), 1);
  run(cells(3610, 3300), 2010, 4020);  // and alarm
  EXPECT_EQ(engine_.level(0), 2);
  EXPECT_TRUE(engine_.charge_allowed());
  EXPECT_EQ(engine_.raised_at_ms(0, Tier::kWarning), 2000u);
  EXPECT_EQ(engine_.raised_at_ms(0, Tier::kAlarm), 4010u);
}

TEST_F(Engine, ThresholdItselfIsOutOfLimit) {
  configure(table({cell_ov()}));
  run(cells(3650, 3300), 0, 2010);
  EXPECT_EQ(engine_.level(0), 3);
  ProtectionEngine other;
  ParamBuilder b = table({cell_ov()});
  ASSERT_TRUE(other.configure(b.params()));
  for (std::uint32_t t = 0; t < 10000; t += 10) other.evaluate(cells(3649, 3300), t);
  EXPECT_EQ(other.level(0), 2);
}

TEST_F(Engine, ValueBackInLimitRestartsTheDebounce) {
  configure(table({cell_ov()}));
  run(cells(3660, 3300), 0, 1500);
  run(cells(3640, 3300), 1500, 1510);  // below protection for one sample
  run(cells(3660, 3300), 1510, 3500);  // up to 3490, 1980 ms: not yet
  EXPECT_EQ(engine_.level(0), 2);
  engine_.evaluate(cells(3660, 3300), 3510);
  EXPECT_EQ(engine_.level(0), 3);
}

TEST_F(Engine, ClearsOnlyBeyondTheHysteresisBandAndAfterDebounce) {
  configure(table({cell_ov()}));
  run(cells(3660, 3300), 0, 2010);
  ASSERT_EQ(engine_.level(0), 3);
  // 3550 is below 3650 but still on the 100 mV band's edge: stays.
  run(cells(3550, 3300), 2010, 30000);
  EXPECT_EQ(engine_.level(0), 3);
  // 3549 < 3650 - 100 clears protection after 2000 ms; alarm needs < 3500.
  run(cells(3549, 3300), 30000, 32000);
  EXPECT_EQ(engine_.level(0), 3);
  engine_.evaluate(cells(3549, 3300), 32000);
  EXPECT_EQ(engine_.level(0), 2);
  EXPECT_TRUE(engine_.charge_allowed());
  run(cells(3449, 3300), 32010, 34020);
  EXPECT_EQ(engine_.level(0), 0);
  EXPECT_EQ(engine_.warnings(), 0u);
}

TEST_F(Engine, StopChargeOpensOnlyIfChargeCurrentPersistsForDelay) {
  configure(table({cell_ov()}));
  const Measurements charging = cells(3660, 3300, 20000);
  run(charging, 0, 2000);
  engine_.evaluate(charging, 2000);  // trip
  ASSERT_EQ(engine_.level(0), 3);
  run(charging, 2010, 7000);  // 4990 ms after the trip
  EXPECT_FALSE(engine_.open_request());
  engine_.evaluate(charging, 7000);
  EXPECT_TRUE(engine_.open_request());
}

TEST_F(Engine, StopChargeDoesNotOpenWhenThePcsObeys) {
  configure(table({cell_ov()}));
  run(cells(3660, 3300, 20000), 0, 2010);  // trips at 2000
  run(cells(3660, 3300, 0), 2010, 60000);  // PCS stopped charging
  EXPECT_FALSE(engine_.open_request());
  // Discharging is not blocked by stop_charge and does not open either.
  run(cells(3660, 3300, -20000), 60000, 80000);
  EXPECT_FALSE(engine_.open_request());
  // Charging again: the delay counts from the new flow.
  run(cells(3660, 3300, 20000), 80000, 85000);
  EXPECT_FALSE(engine_.open_request());
  engine_.evaluate(cells(3660, 3300, 20000), 85000);
  EXPECT_TRUE(engine_.open_request());
}

TEST_F(Engine, CurrentWithinDeadbandIsNotFlow) {
  configure(table({cell_ov()}, 500));
  run(cells(3660, 3300, 500), 0, 20000);
  EXPECT_EQ(engine_.level(0), 3);
  EXPECT_FALSE(engine_.open_request());
  run(cells(3660, 3300, 501), 20000, 25010);
  EXPECT_TRUE(engine_.open_request());
}

TEST_F(Engine, InvalidCurrentCountsAsFlowing) {
  configure(table({cell_ov()}));
  Measurements m = cells(3660, 3300, 0);
  m.current_valid = false;
  run(m, 0, 2000);
  engine_.evaluate(m, 2000);
  run(m, 2010, 7000);
  EXPECT_FALSE(engine_.open_request());
  engine_.evaluate(m, 7000);
  EXPECT_TRUE(engine_.open_request());
}

TEST_F(Engine, BelowTripAndStopDischarge) {
  RowSpec r;
  r.quantity = Quantity::kCellMin_mV;
  r.trip = Trip::kBelow;
  r.warning = 2900;
  r.alarm = 2800;
  r.protection = 2700;
  r.hysteresis = 200;
  r.debounce_ms = 1000;
  r.delay_ms = 3000;
  r.reaction = Reaction::kStopDischarge;
  configure(table({r}));
  run(cells(3300, 2700, -30000), 0, 1000);
  EXPECT_EQ(engine_.level(0), 0);
  engine_.evaluate(cells(3300, 2700, -30000), 1000);
  EXPECT_EQ(engine_.level(0), 3);
  EXPECT_TRUE(engine_.charge_allowed());
  EXPECT_FALSE(engine_.discharge_allowed());
  run(cells(3300, 2700, 10000), 1010, 10000);  // charging is allowed and is not "flow"
  EXPECT_FALSE(engine_.open_request());
  run(cells(3300, 2900, 0), 10000, 20000);  // on the band's edge (2700 + 200)
  EXPECT_EQ(engine_.level(0), 3);
  run(cells(3300, 2901, 0), 20000, 21000);
  EXPECT_EQ(engine_.level(0), 3);
  engine_.evaluate(cells(3300, 2901, 0), 21000);
  EXPECT_EQ(engine_.level(0), 2);  // alarm clears only above 2800 + 200
}

TEST_F(Engine, RowApplyingWhileChargingRaisesOnlyWhileCharging) {
  RowSpec r;
  r.quantity = Quantity::kCellTempMax_dC;
  r.applies = Applies::kWhileCharging;
  r.protection = 551;
  r.hysteresis = 50;
  r.debounce_ms = 2000;
  r.delay_ms = 5000;
  r.reaction = Reaction::kStopCharge;
  configure(table({r}));
  Measurements hot = cells(3300, 3200, 0);
  hot.temp_max_dC = 600;
  run(hot, 0, 60000);  // idle
  EXPECT_EQ(engine_.level(0), 0);
  hot.current_mA = -20000;  // discharging
  run(hot, 60000, 120000);
  EXPECT_EQ(engine_.level(0), 0);
  hot.current_mA = 20000;  // charging: raised 2 s later
  run(hot, 120000, 122000);
  EXPECT_EQ(engine_.level(0), 0);
  engine_.evaluate(hot, 122000);
  EXPECT_EQ(engine_.level(0), 3);
  hot.current_mA = 0;  // the PCS stops; the row stays raised on its value
  run(hot, 122010, 200000);
  EXPECT_EQ(engine_.level(0), 3);
  hot.temp_max_dC = 500;  // 551 - 50 = 501: 500 is back
  run(hot, 200000, 202010);
  EXPECT_EQ(engine_.level(0), 0);
}

TEST_F(Engine, InvalidMeasurementFreezesTheRow) {
  RowSpec r;
  r.quantity = Quantity::kCellTempMax_dC;
  r.alarm = 500;
  r.protection = 600;
  r.hysteresis = 50;
  r.debounce_ms = 1000;
  configure(table({r}));
  Measurements m = cells(3300, 3200);
  m.temp_max_dC = 650;
  run(m, 0, 1010);
  ASSERT_EQ(engine_.level(0), 3);
  m.temps_valid = false;
  m.temp_max_dC = 0;  // a broken sensor's reading must not clear it
  run(m, 1010, 10000);
  EXPECT_EQ(engine_.level(0), 3);
  m.temps_valid = true;
  m.temp_max_dC = 520;  // valid again: protection clears after a fresh debounce
  run(m, 10000, 11000);
  EXPECT_EQ(engine_.level(0), 3);
  engine_.evaluate(m, 11000);
  EXPECT_EQ(engine_.level(0), 2);
}

TEST_F(Engine, DebounceZeroActsAtTheFirstSample) {
  RowSpec r;
  r.quantity = Quantity::kDischargeCurrent_mA;
  r.protection = 200000;
  r.reaction = Reaction::kOpenContactors;
  configure(table({r}));
  engine_.evaluate(cells(3300, 3200, -199999), 0);
  EXPECT_EQ(engine_.level(0), 0);
  engine_.evaluate(cells(3300, 3200, -200000), 10);
  EXPECT_EQ(engine_.level(0), 3);
  EXPECT_EQ(engine_.raised_at_ms(0, Tier::kProtection), 10u);
  EXPECT_TRUE(engine_.open_request());  // delay 0
  EXPECT_FALSE(engine_.charge_allowed());
  EXPECT_FALSE(engine_.discharge_allowed());
}

TEST_F(Engine, OpenContactorsWaitsForTheCurrentToStopAtMostDelay) {
  RowSpec r;
  r.quantity = Quantity::kBoardTempMax_dC;
  r.protection = 1000;
  r.delay_ms = 3000;
  r.reaction = Reaction::kOpenContactors;
  configure(table({r}));
  Measurements m = cells(3300, 3200, 20000);
  m.board_temp_dC = 1100;
  engine_.evaluate(m, 0);
  EXPECT_FALSE(engine_.open_request());
  run(m, 10, 3000);
  EXPECT_FALSE(engine_.open_request());
  engine_.evaluate(m, 3000);  // still flowing: opens at the delay
  EXPECT_TRUE(engine_.open_request());

  ProtectionEngine other;
  ParamBuilder b = table({r});
  ASSERT_TRUE(other.configure(b.params()));
  other.evaluate(m, 0);
  m.current_mA = 0;  // PCS stopped after 1 s: opens then, not at 3 s
  other.evaluate(m, 1000);
  EXPECT_TRUE(other.open_request());
}

TEST_F(Engine, FaultLatchStaysUntilServiceReset) {
  RowSpec r;
  r.quantity = Quantity::kCellDiff_mV;
  r.protection = 1001;
  r.debounce_ms = 5000;
  r.reaction = Reaction::kFaultLatch;
  configure(table({r}));
  run(cells(3400, 2300), 0, 5010);
  ASSERT_EQ(engine_.level(0), 3);
  EXPECT_TRUE(engine_.fault_latched());
  EXPECT_TRUE(engine_.open_request());
  run(cells(3300, 3290), 5010, 100000);  // spread gone
  EXPECT_EQ(engine_.level(0), 3);
  EXPECT_TRUE(engine_.fault_latched());
  EXPECT_FALSE(engine_.charge_allowed());
  EXPECT_FALSE(engine_.discharge_allowed());
  engine_.service_reset();
  run(cells(3300, 3290), 100000, 105010);
  EXPECT_EQ(engine_.level(0), 0);
  EXPECT_FALSE(engine_.fault_latched());
  EXPECT_FALSE(engine_.open_request());
  EXPECT_TRUE(engine_.charge_allowed());
}

TEST_F(Engine, PackRowsPerModuleScaleWithTheModuleCount) {
  RowSpec r;
  r.quantity = Quantity::kPackMax_mV;
  r.protection = 57600;
  r.hysteresis = 1600;
  r.reaction = Reaction::kStopCharge;
  ParamBuilder b = table({r});
  b.set("pack.per_module", 1);
  configure(b, 10);
  EXPECT_EQ(engine_.row(0).threshold[2], 576000);
  EXPECT_EQ(engine_.row(0).hysteresis, 16000);
  Measurements m = cells(3500, 3400);
  m.pack_mV = 575999;
  engine_.evaluate(m, 0);
  EXPECT_EQ(engine_.level(0), 0);
  m.pack_mV = 576000;
  engine_.evaluate(m, 10);
  EXPECT_EQ(engine_.level(0), 3);
}

TEST_F(Engine, PackRowsPerPackIgnoreTheModuleCount) {
  RowSpec r;
  r.quantity = Quantity::kPackMax_mV;
  r.protection = 56000;
  r.reaction = Reaction::kStopCharge;
  configure(table({r}), 10);
  EXPECT_EQ(engine_.row(0).threshold[2], 56000);
}

TEST_F(Engine, BitsFollowRowIndices) {
  RowSpec low;
  low.quantity = Quantity::kCellMin_mV;
  low.trip = Trip::kBelow;
  low.warning = 3000;
  configure(table({cell_ov(), low}));
  run(cells(3400, 2990), 0, 10);
  EXPECT_EQ(engine_.warnings(), 2u);
  EXPECT_EQ(engine_.alarms(), 0u);
  EXPECT_EQ(engine_.find(Quantity::kCellMin_mV, Trip::kBelow), 1);
  EXPECT_EQ(engine_.find(Quantity::kPackMin_mV, Trip::kBelow), -1);
}

TEST_F(Engine, TimeMayWrap) {
  RowSpec r = cell_ov();
  configure(table({r}));
  const std::uint32_t start = 0xFFFFFFFFu - 995u;  // wraps 1 s later
  for (std::uint32_t k = 0; k < 200; ++k) engine_.evaluate(cells(3660, 3300), start + k * 10u);
  EXPECT_EQ(engine_.level(0), 0);  // 1990 ms
  engine_.evaluate(cells(3660, 3300), start + 2000u);
  EXPECT_EQ(engine_.level(0), 3);
}

TEST(EngineConfigure, RejectsInconsistentTables) {
  RowSpec disorder = cell_ov();
  disorder.alarm = 3500;  // below the warning for a trip "above"
  ParamBuilder a = table({disorder});
  ProtectionEngine e;
  EXPECT_FALSE(e.configure(a.params()));
  EXPECT_EQ(e.row_count(), 0);

  RowSpec below = cell_ov();
  below.trip = Trip::kBelow;  // 3550 > 3600 > 3650 is not descending
  ParamBuilder b = table({below});
  EXPECT_FALSE(e.configure(b.params()));

  RowSpec none;
  ParamBuilder c = table({none});
  EXPECT_FALSE(e.configure(c.params()));

  ParamBuilder d = table({cell_ov()});
  d.set("prot.0.reaction", 9);
  EXPECT_FALSE(e.configure(d.params()));

  ParamBuilder f = table({cell_ov()});
  f.set("prot.count", 33);
  EXPECT_FALSE(e.configure(f.params()));

  ParamBuilder g = table({cell_ov()});
  g.erase("prot.0.delay_ms");
  const ParamSet gp = g.params();
  EXPECT_FALSE(e.configure(gp));
  ASSERT_EQ(gp.missing_count(), 1u);
  EXPECT_STREQ(gp.missing(0), "prot.0.delay_ms");

  ParamBuilder ok = table({cell_ov()});
  EXPECT_TRUE(e.configure(ok.params()));
  EXPECT_EQ(e.row_count(), 1);
}

}  // namespace
}  // namespace stacksim::fw
