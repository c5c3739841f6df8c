// The profile player (src/sim/profile_player.cpp), fed synthetic observations:
// steps end exactly on time in integer nanoseconds, 'until' conditions end a
// step at the first sample that meets them, C-rates use the given 1C.
#include "sim/profile_player.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace stacksim::sim {
namespace {

using scenario::ProfileStep;
using scenario::StopCondition;
using K = StopCondition::Kind;
using Mode = physics::TerminalCommand::Mode;

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kSecond = 1'000'000'000;

StopCondition until(K kind, double value, std::string key, bool c_rate = false) {
  StopCondition c;
  c.kind = kind;
  c.value = value;
  c.c_rate = c_rate;
  c.key = std::move(key);
  return c;
}

ProfileStep rest(std::optional<std::int64_t> ns, std::vector<StopCondition> conditions = {}) {
  ProfileStep s;
  s.kind = ProfileStep::Kind::kRest;
  s.duration_ns = ns;
  s.until = std::move(conditions);
  return s;
}

ProfileStep current(double value, bool c_rate, std::optional<std::int64_t> ns,
                    std::vector<StopCondition> conditions = {}) {
  ProfileStep s;
  s.kind = ProfileStep::Kind::kCurrent;
  s.current = {value, c_rate};
  s.duration_ns = ns;
  s.until = std::move(conditions);
  return s;
}

// Neither voltage, current, SOC nor temperature near any threshold below.
Observation quiet() {
  Observation o;
  o.voltage_V = 50.0;
  o.current_A = -10.0;
  o.soc = 0.5;
  o.cells.cell_min_V = 3.2;
  o.cells.cell_max_V = 3.3;
  o.cells.temp_min_C = 24.0;
  o.cells.temp_max_C = 26.0;
  return o;
}

void expect_end(const StepEnd& e, std::size_t step, std::int64_t time_ns,
                const std::string& reason) {
  EXPECT_EQ(e.step, step);
  EXPECT_EQ(e.time_ns, time_ns);
  EXPECT_EQ(e.reason, reason);
}

// stacksim serve SYSTEM: no profile, stopped before the battery connected.
TEST(ProfilePlayer, AnEmptyProfileStoppedWhileWaitingEndsNoStep) {
  const std::vector<ProfileStep> steps;
  ProfilePlayer player(steps, 100.0, true);
  ASSERT_TRUE(player.waiting());
  player.stop(3 * kSecond);
  EXPECT_TRUE(player.ends().empty());
}

TEST(ProfilePlayer, DurationsEndStepsExactlyOnTime) {
  // 0.75 s rest, 1.5 s at -10 A, 1 s at +5 A, on a 250 ms grid.
  const std::vector<ProfileStep> steps = {rest(750 * kMs), current(-10.0, false, 1500 * kMs),
                                          current(5.0, false, kSecond)};
  ProfilePlayer player(steps, 100.0);
  const Observation o = quiet();
  for (std::int64_t t = 250 * kMs; t <= 4 * kSecond; t += 250 * kMs) {
    // The command for the physics step (t - 250 ms, t].
    const physics::TerminalCommand c = player.command();
    EXPECT_EQ(c.mode, Mode::kCurrent) << t;
    const double expected = t <= 750 * kMs    ? 0.0
                            : t <= 2250 * kMs ? -10.0
                            : t <= 3250 * kMs ? 5.0
                                              : 0.0;
    EXPECT_EQ(c.current_A, expected) << "step ending at " << t << " ns";
    player.after_step(o, t);
  }
  ASSERT_EQ(player.ends().size(), 3u);
  expect_end(player.ends()[0], 0, 750 * kMs, "for");
  expect_end(player.ends()[1], 1, 2250 * kMs, "for");
  expect_end(player.ends()[2], 2, 3250 * kMs, "for");
  EXPECT_TRUE(player.finished());
}

TEST(ProfilePlayer, LongDurationsOnADecimalStepDoNotDrift) {
  // 100 ms has no exact binary fraction of a second; 36000 steps of it must
  // still end a 1 h step at exactly 3.6e12 ns, and the next 0.1 s step 1 step later.
  const std::vector<ProfileStep> steps = {rest(3600 * kSecond), rest(100 * kMs)};
  ProfilePlayer player(steps, 50.0);
  const Observation o = quiet();
  std::int64_t t = 0;
  while (!player.finished() && t < 4000 * kSecond) {
    t += 100 * kMs;
    player.after_step(o, t);
  }
  ASSERT_EQ(player.ends().size(), 2u);
  expect_end(player.ends()[0], 0, 3'600'000'000'000, "for");
  expect_end(player.ends()[1], 1, 3'600'100'000'000, "for");
}

TEST(ProfilePlayer, UntilEndsAStepAtTheFirstSampleThatMeetsIt) {
  const std::vector<ProfileStep> steps = {
      current(-25.0, false, std::nullopt, {until(K::kVoltageBelow, 45.6, "voltage_below")}),
      rest(10 * kSecond)};
  ProfilePlayer player(steps, 50.0);
  const double voltages[] = {46.0, 45.8, 45.61, 45.59, 45.0, 44.0};
  for (int i = 0; i < 6; ++i) {
    Observation o = quiet();
    o.voltage_V = voltages[i];
    const std::int64_t t = (i + 1) * kSecond;
    EXPECT_EQ(player.step_index(), i < 4 ? 0u : 1u) << "before the sample at " << t;
    player.after_step(o, t);
  }
  ASSERT_EQ(player.ends().size(), 1u);
  expect_end(player.ends()[0], 0, 4 * kSecond, "voltage_below");  // 45.59 V, the 4th sample
  EXPECT_EQ(player.command().current_A, 0.0);                     // the rest
}

struct ConditionCase {
  StopCondition condition;
  void (*set)(Observation&, double);
  double not_met, met;
};

TEST(ProfilePlayer, EveryConditionKindReadsItsOwnObservation) {
  const ConditionCase cases[] = {
      {until(K::kVoltageAbove, 55.0, "voltage_above"),
       [](Observation& o, double v) { o.voltage_V = v; }, 54.9, 55.1},
      {until(K::kVoltageBelow, 45.0, "voltage_below"),
       [](Observation& o, double v) { o.voltage_V = v; }, 45.1, 44.9},
      {until(K::kCellVoltageAbove, 3.6, "cell_voltage_above"),
       [](Observation& o, double v) { o.cells.cell_max_V = v; }, 3.59, 3.61},
      {until(K::kCellVoltageBelow, 2.8, "cell_voltage_below"),
       [](Observation& o, double v) { o.cells.cell_min_V = v; }, 2.81, 2.79},
      {until(K::kCurrentBelow, 2.0, "current_below"),
       [](Observation& o, double v) { o.current_A = v; }, -2.1, -1.9},
      {until(K::kSocAbove, 0.9, "soc_above"), [](Observation& o, double v) { o.soc = v; }, 0.89,
       0.91},
      {until(K::kSocBelow, 0.1, "soc_below"), [](Observation& o, double v) { o.soc = v; }, 0.11,
       0.09},
      {until(K::kTemperatureAbove, 45.0, "temperature_above"),
       [](Observation& o, double v) { o.cells.temp_max_C = v; }, 44.9, 45.1},
  };
  for (const ConditionCase& c : cases) {
    const std::vector<ProfileStep> steps = {current(-10.0, false, std::nullopt, {c.condition})};
    ProfilePlayer player(steps, 50.0);
    Observation o = quiet();
    player.after_step(o, kSecond);  // nothing near any threshold
    c.set(o, c.not_met);
    player.after_step(o, 2 * kSecond);
    EXPECT_FALSE(player.finished()) << c.condition.key;
    c.set(o, c.met);
    player.after_step(o, 3 * kSecond);
    ASSERT_TRUE(player.finished()) << c.condition.key;
    ASSERT_EQ(player.ends().size(), 1u);
    expect_end(player.ends()[0], 0, 3 * kSecond, c.condition.key);
  }
}

TEST(ProfilePlayer, CRatesAreConvertedWithTheGivenOneC) {
  std::vector<ProfileStep> steps = {current(-0.5, true, kSecond), current(-10.0, false, kSecond)};
  ProfileStep cv;
  cv.kind = ProfileStep::Kind::kVoltage;
  cv.voltage_V = 56.16;
  cv.current = {0.2, true};
  cv.duration_ns = kSecond;
  steps.push_back(cv);
  ProfileStep cp;
  cp.kind = ProfileStep::Kind::kPower;
  cp.power_W = -1500.0;
  cp.duration_ns = kSecond;
  steps.push_back(cp);

  ProfilePlayer player(steps, 100.0);  // 1C = 100 A
  const Observation o = quiet();
  physics::TerminalCommand c = player.command();
  EXPECT_EQ(c.mode, Mode::kCurrent);
  EXPECT_DOUBLE_EQ(c.current_A, -50.0);  // 0.5 x 100 A
  player.after_step(o, kSecond);
  c = player.command();
  EXPECT_EQ(c.mode, Mode::kCurrent);
  EXPECT_EQ(c.current_A, -10.0);  // amperes stay amperes
  player.after_step(o, 2 * kSecond);
  c = player.command();
  EXPECT_EQ(c.mode, Mode::kVoltage);
  EXPECT_EQ(c.voltage_V, 56.16);
  EXPECT_DOUBLE_EQ(c.current_limit_A, 20.0);  // 0.2 x 100 A
  player.after_step(o, 3 * kSecond);
  c = player.command();
  EXPECT_EQ(c.mode, Mode::kPower);
  EXPECT_EQ(c.power_W, -1500.0);
}

TEST(ProfilePlayer, CurrentBelowInCRateUsesTheGivenOneC) {
  // 0.05C of 100 A is 5 A.
  const std::vector<ProfileStep> steps = {
      current(0.5, true, std::nullopt, {until(K::kCurrentBelow, 0.05, "current_below", true)})};
  ProfilePlayer player(steps, 100.0);
  Observation o = quiet();
  o.current_A = 5.5;
  player.after_step(o, kSecond);
  EXPECT_FALSE(player.finished());
  o.current_A = 4.9;
  player.after_step(o, 2 * kSecond);
  EXPECT_TRUE(player.finished());
}

TEST(ProfilePlayer, CurrentBelowComparesTheMagnitude) {
  const std::vector<ProfileStep> steps = {
      current(-20.0, false, std::nullopt, {until(K::kCurrentBelow, 1.0, "current_below")})};
  ProfilePlayer player(steps, 50.0);
  Observation o = quiet();
  for (const double amps : {1.5, -1.5, -20.0}) {  // |I| above 1 A, whichever the sign
    o.current_A = amps;
    player.after_step(o, kSecond);
    EXPECT_FALSE(player.finished()) << amps;
  }
  o.current_A = -0.5;
  player.after_step(o, 2 * kSecond);
  ASSERT_TRUE(player.finished());
  expect_end(player.ends()[0], 0, 2 * kSecond, "current_below");
}

TEST(ProfilePlayer, AfterTheProfileTheCommandIsZeroCurrent) {
  ProfileStep cp;
  cp.kind = ProfileStep::Kind::kPower;
  cp.power_W = 3000.0;
  cp.duration_ns = kSecond;
  const std::vector<ProfileStep> steps = {cp};
  ProfilePlayer player(steps, 50.0);
  EXPECT_EQ(player.command().mode, Mode::kPower);
  player.after_step(quiet(), kSecond);
  ASSERT_TRUE(player.finished());
  EXPECT_EQ(player.step_index(), steps.size());
  const physics::TerminalCommand c = player.command();
  EXPECT_EQ(c.mode, Mode::kCurrent);
  EXPECT_EQ(c.current_A, 0.0);
  EXPECT_EQ(c.power_W, 0.0);
  // Later samples and stop() change nothing.
  Observation low = quiet();
  low.voltage_V = 0.0;
  player.after_step(low, 2 * kSecond);
  player.stop(3 * kSecond);
  ASSERT_EQ(player.ends().size(), 1u);
  expect_end(player.ends()[0], 0, kSecond, "for");
}

TEST(ProfilePlayer, EndsRecordHowEveryStepEnded) {
  const std::vector<ProfileStep> steps = {
      current(-25.0, false, 10 * kSecond, {until(K::kVoltageBelow, 45.6, "voltage_below")}),
      rest(2 * kSecond, {until(K::kTemperatureAbove, 45.0, "temperature_above")}),
      current(10.0, false, 60 * kSecond, {until(K::kSocAbove, 0.9, "soc_above")})};
  ProfilePlayer player(steps, 50.0);
  Observation o = quiet();
  player.after_step(o, kSecond);
  o.voltage_V = 45.0;
  player.after_step(o, 2 * kSecond);  // step 1 ends by its condition
  o.voltage_V = 50.0;
  player.after_step(o, 3 * kSecond);
  player.after_step(o, 4 * kSecond);  // step 2 ends by its duration (2 s from 2 s)
  for (std::int64_t t = 5; t <= 7; ++t) player.after_step(o, t * kSecond);
  player.stop(7 * kSecond);  // the run ends with step 3 under way
  ASSERT_EQ(player.ends().size(), 3u);
  expect_end(player.ends()[0], 0, 2 * kSecond, "voltage_below");
  expect_end(player.ends()[1], 1, 4 * kSecond, "for");
  expect_end(player.ends()[2], 2, 7 * kSecond, "duration");
}

TEST(ProfilePlayer, AConditionMetWhenTheDurationRunsOutNamesTheCondition) {
  const std::vector<ProfileStep> steps = {
      current(-25.0, false, 2 * kSecond, {until(K::kVoltageBelow, 45.6, "voltage_below")})};
  ProfilePlayer player(steps, 50.0);
  Observation o = quiet();
  player.after_step(o, kSecond);
  o.voltage_V = 45.0;
  player.after_step(o, 2 * kSecond);
  ASSERT_EQ(player.ends().size(), 1u);
  expect_end(player.ends()[0], 0, 2 * kSecond, "voltage_below");
}

TEST(ProfilePlayer, OnlySocConditionsNeedTheSoc) {
  const std::vector<ProfileStep> steps = {
      current(-25.0, false, kSecond, {until(K::kVoltageBelow, 45.6, "voltage_below")}),
      current(-25.0, false, kSecond, {until(K::kSocBelow, 0.1, "soc_below")}),
      current(25.0, false, kSecond, {until(K::kSocAbove, 0.9, "soc_above")})};
  ProfilePlayer player(steps, 50.0);
  const Observation o = quiet();
  EXPECT_FALSE(player.needs_soc());
  player.after_step(o, kSecond);
  EXPECT_TRUE(player.needs_soc());
  player.after_step(o, 2 * kSecond);
  EXPECT_TRUE(player.needs_soc());
  player.after_step(o, 3 * kSecond);
  EXPECT_TRUE(player.finished());
  EXPECT_FALSE(player.needs_soc());
}

}  // namespace
}  // namespace stacksim::sim
