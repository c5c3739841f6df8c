// Axis maths (src/report/axis.cpp): nice value ticks that cover the data and
// a time axis in the unit that suits the span.
#include "report/axis.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace stacksim::report {
namespace {

using ::testing::ElementsAre;
using ::testing::DoubleNear;

TEST(NiceTicks, CoverTheDataWithOneTwoFiveSteps) {
  const Ticks t = nice_ticks(3.21, 3.57, 5);
  EXPECT_DOUBLE_EQ(t.step, 0.1);
  EXPECT_NEAR(t.lo, 3.2, 1e-12);
  EXPECT_NEAR(t.hi, 3.6, 1e-12);
  EXPECT_EQ(t.values.size(), 5u);
  EXPECT_EQ(t.decimals, 1);
}

TEST(NiceTicks, AFlatLineStillGetsARange) {
  const Ticks t = nice_ticks(25.0, 25.0, 5);
  EXPECT_LT(t.lo, 25.0);
  EXPECT_GT(t.hi, 25.0);
}

TEST(TicksWithin, KeepTheFixedRange) {
  const Ticks t = ticks_within(0.0, 100.0, 5);
  EXPECT_THAT(t.values, ElementsAre(0.0, 20.0, 40.0, 60.0, 80.0, 100.0));
}

TEST(TimeAxis, HoursForLongRunsMinutesForShortOnes) {
  const TimeAxis day = time_axis(0.0, 86400.0);
  EXPECT_EQ(day.unit_name, "h");
  EXPECT_DOUBLE_EQ(day.ticks_s[1] - day.ticks_s[0], 3.0 * 3600.0);
  const TimeAxis ten_min = time_axis(0.0, 600.0);
  EXPECT_EQ(ten_min.unit_name, "min");
  EXPECT_DOUBLE_EQ(ten_min.ticks_s[1], 120.0);  // 2 min: five steps
  const TimeAxis half_minute = time_axis(0.0, 30.0);
  EXPECT_EQ(half_minute.unit_name, "s");
  EXPECT_THAT(half_minute.ticks_s, ElementsAre(0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0));
}

TEST(TimeAxis, QuarterHoursNeedTwoDecimals) {
  const TimeAxis a = time_axis(0.0, 2.0 * 3600.0);  // 2 h: steps of 15 min
  EXPECT_EQ(a.unit_name, "h");
  EXPECT_THAT(a.ticks_s[1], DoubleNear(900.0, 1e-9));
  EXPECT_EQ(a.decimals, 2);
}

}  // namespace
}  // namespace stacksim::report
