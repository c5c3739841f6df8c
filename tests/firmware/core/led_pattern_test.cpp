// Flash patterns and timed sequences. The per-family rendering is tested on
// the products' real parameters in led_family_test.cpp.
#include <cstdint>

#include <gtest/gtest.h>

#include "core/led_pattern.hpp"
#include "param_builder.hpp"

namespace stacksim::fw {
namespace {

using test::ParamBuilder;

// Lengths of the on and off runs of a pattern sampled every ms over `span_ms`
// from its start; the first run must be "on".
struct Runs {
  std::uint32_t first_on = 0, first_off = 0, second_on = 0, ons = 0;
};

Runs measure(Blink b, std::uint32_t span_ms) {
  Runs r;
  int run = 0;
  bool previous = true;
  std::uint32_t length = 0;
  for (std::uint32_t t = 0; t < span_ms; ++t) {
    const bool on = blink_on(b, t);
    if (t == 0) {
      EXPECT_TRUE(on) << "a pattern starts with its on part";
    }
    if (on) ++r.ons;
    if (t > 0 && on != previous) {
      if (run == 0) r.first_on = length;
      if (run == 1) r.first_off = length;
      if (run == 2) r.second_on = length;
      ++run;
      length = 0;
    }
    previous = on;
    ++length;
  }
  return r;
}

ParamBuilder manual_timings() {
  ParamBuilder b;
  b.set("led.flash1.on_ms", 250).set("led.flash1.off_ms", 3750);
  b.set("led.flash2.on_ms", 500).set("led.flash2.off_ms", 500);
  b.set("led.flash3.on_ms", 500).set("led.flash3.off_ms", 1500);
  b.set("led.flicker.on_ms", 300).set("led.flicker.off_ms", 200);
  return b;
}

TEST(LedPattern, FlashDurationsAreTheManuals) {
  ParamBuilder b = manual_timings();
  PatternTimings t;
  ASSERT_TRUE(t.configure(b.params()));
  // flash 1: 0.25 s on / 3.75 s off
  Runs r = measure(t.blink(LedPattern::kFlash1), 9000);
  EXPECT_EQ(r.first_on, 250u);
  EXPECT_EQ(r.first_off, 3750u);
  EXPECT_EQ(r.second_on, 250u);
  // flash 2: 0.5 s / 0.5 s
  r = measure(t.blink(LedPattern::kFlash2), 3000);
  EXPECT_EQ(r.first_on, 500u);
  EXPECT_EQ(r.first_off, 500u);
  EXPECT_EQ(r.ons, 1500u);
  // flash 3: 0.5 s / 1.5 s
  r = measure(t.blink(LedPattern::kFlash3), 5000);
  EXPECT_EQ(r.first_on, 500u);
  EXPECT_EQ(r.first_off, 1500u);
  EXPECT_EQ(r.second_on, 500u);
  // steady and off
  EXPECT_TRUE(blink_on(t.blink(LedPattern::kSteady), 123456));
  EXPECT_EQ(t.blink(LedPattern::kFlicker).on_ms, 300u);
}

TEST(LedPattern, MissingTimingIsReported) {
  ParamBuilder b = manual_timings();
  b.erase("led.flash3.off_ms");
  const ParamSet p = b.params();
  PatternTimings t;
  EXPECT_FALSE(t.configure(p));
  ASSERT_EQ(p.missing_count(), 1u);
  EXPECT_STREQ(p.missing(0), "led.flash3.off_ms");
}

TEST(Sweep, LightsOneMoreLedEveryStep) {
  const std::uint8_t order[] = {4, 3, 2, 1, 0};  // L5 -> L1
  Sweep s;
  s.start(1000, order, 5, 500);
  EXPECT_TRUE(s.lit(4, 1000));
  EXPECT_FALSE(s.lit(3, 1499));
  EXPECT_TRUE(s.lit(3, 1500));
  EXPECT_TRUE(s.lit(4, 1500));
  EXPECT_FALSE(s.lit(0, 2999));
  EXPECT_TRUE(s.lit(0, 3000));
  EXPECT_TRUE(s.active(3499));
  EXPECT_FALSE(s.active(3500));  // 5 steps of 0.5 s
  EXPECT_EQ(s.duration_ms(), 2500u);
}

TEST(Sweep, ZeroStepMeansNoSweep) {
  const std::uint8_t order[] = {0, 1};
  Sweep s;
  s.start(0, order, 2, 0);
  EXPECT_FALSE(s.active(0));
}

TEST(CountedBlink, BlinksTheGivenNumberOfTimes) {
  CountedBlink c;
  c.start(100, 3, Blink{500, 500});
  int rising = 0;
  bool previous = false;
  for (std::uint32_t t = 100; t < 10000; ++t) {
    const bool on = c.on(t);
    if (on && !previous) ++rising;
    previous = on;
  }
  EXPECT_EQ(rising, 3);
  EXPECT_TRUE(c.active(3099));
  EXPECT_FALSE(c.active(3100));
}

}  // namespace
}  // namespace stacksim::fw
