// The pacer against a clock the test owns: when it waits, how late it says it
// woke, and its quantiles, from numbers worked out by hand.
#include "serve/pacer.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace stacksim::serve {
namespace {

// Waiting moves time to the deadline plus the next scripted oversleep.
class ScriptedClock : public Clock {
 public:
  std::int64_t now_ns() override { return now; }
  void wait_until(std::int64_t wall_ns) override {
    waits.push_back(wall_ns);
    now = wall_ns + (next < oversleep.size() ? oversleep[next++] : 0);
  }
  std::int64_t now = 1'000'000'000;
  std::vector<std::int64_t> oversleep;
  std::size_t next = 0;
  std::vector<std::int64_t> waits;
};

TEST(Pacer, EachStepWaitsForItsWallInstantAtTheSpeedAsked) {
  ScriptedClock clock;
  Pacer pacer(clock, 2.0);  // two simulated seconds per wall second
  pacer.pace(0);            // the first call only sets the origin
  pacer.pace(10'000'000);   // 10 ms simulated: 5 ms of wall time later
  pacer.pace(20'000'000);
  ASSERT_EQ(clock.waits.size(), 2u);
  EXPECT_EQ(clock.waits[0], 1'005'000'000);
  EXPECT_EQ(clock.waits[1], 1'010'000'000);
  EXPECT_EQ(pacer.stats().ticks, 3u);
  EXPECT_EQ(pacer.stats().max_ns, 0);
}

TEST(Pacer, LatenessIsHowLongAfterItsInstantTheStepStarted) {
  ScriptedClock clock;
  // 100 ticks at 1 ms: 98 wake 3 us late, one 250 us, one 40 ms.
  for (int k = 0; k < 99; ++k) clock.oversleep.push_back(k == 10 ? 250'000 : k == 50 ? 40'000'000 : 3'000);
  Pacer pacer(clock, 1.0);
  for (int k = 0; k < 100; ++k) pacer.pace(static_cast<std::int64_t>(k) * 1'000'000);
  const auto s = pacer.stats();
  EXPECT_EQ(s.ticks, 100u);
  EXPECT_EQ(s.max_ns, 40'000'000);
  // After the 40 ms tick the next 39 need no wait and start 39, 38, ... 1 ms
  // late; the rest wake 3 us late (250 us once), so the median is 3 us,
  // reported as the upper edge of its 1 us bin, and the 99th of 100 is the
  // second largest: 39 ms.
  EXPECT_EQ(s.p50_ns, 4'000);
  EXPECT_GE(s.p99_ns, 39'000'000);
  EXPECT_LE(s.p99_ns, 39'004'000);
}

TEST(Pacer, ASimulationSlowerThanTheClockDoesNotWait) {
  ScriptedClock clock;
  Pacer pacer(clock, 1.0);
  pacer.pace(0);
  clock.now += 5'000'000;  // the step took 5 ms of wall time for 1 ms simulated
  pacer.pace(1'000'000);
  EXPECT_TRUE(clock.waits.empty());
  EXPECT_EQ(pacer.last_lateness_ns(), 4'000'000);
}

}  // namespace
}  // namespace stacksim::serve
