// The long-press button and the state-machine helper.
#include <cstdint>

#include <gtest/gtest.h>

#include "core/button.hpp"
#include "core/state.hpp"

namespace stacksim::fw {
namespace {

using Event = LongPressButton::Event;

// Samples every 10 ms; returns the events seen.
struct Presses {
  LongPressButton button;
  std::uint32_t now_ms = 0;
  int long_presses = 0, short_presses = 0;
  std::uint32_t last_event_ms = 0;
  void hold(bool pressed, std::uint32_t duration_ms) {
    for (std::uint32_t t = 0; t < duration_ms; t += 10) {
      const Event e = button.update(pressed, now_ms);
      if (e == Event::kLongPress) ++long_presses;
      if (e == Event::kShortPress) ++short_presses;
      if (e != Event::kNone) last_event_ms = now_ms;
      now_ms += 10;
    }
  }
};

TEST(LongPressButton, ThreeSecondsThenReleaseIsALongPress) {
  Presses r{LongPressButton(3000, 50)};
  r.hold(false, 1000);
  r.hold(true, 3000);  // pressed at 1000, released at 4000: 3.0 s
  EXPECT_EQ(r.long_presses, 0);  // nothing while held
  r.hold(false, 1000);
  EXPECT_EQ(r.long_presses, 1);
  EXPECT_EQ(r.last_event_ms, 4050u);  // the release, debounced 50 ms
}

TEST(LongPressButton, JustUnderTheThresholdIsShort) {
  Presses r{LongPressButton(3000, 50)};
  r.hold(false, 100);
  r.hold(true, 2990);
  r.hold(false, 500);
  EXPECT_EQ(r.long_presses, 0);
  EXPECT_EQ(r.short_presses, 1);
}

TEST(LongPressButton, BounceDoesNotSplitAPress) {
  Presses r{LongPressButton(2000, 50)};  // the lfp65 POWER button
  r.hold(false, 100);
  r.hold(true, 1000);
  r.hold(false, 30);  // contact bounce shorter than the debounce
  r.hold(true, 1000);
  EXPECT_TRUE(r.button.held_long(r.now_ms));
  r.hold(false, 200);
  EXPECT_EQ(r.long_presses, 1);
  EXPECT_EQ(r.short_presses, 0);
}

TEST(LongPressButton, ShortBlipIsIgnored) {
  Presses r{LongPressButton(3000, 50)};
  r.hold(true, 40);
  r.hold(false, 500);
  EXPECT_EQ(r.short_presses + r.long_presses, 0);
  EXPECT_FALSE(r.button.pressed());
}

enum class S { kIdle, kPrecharge, kClosed };

TEST(StateMachine, EntryOnceAndTimerFromEntry) {
  StateMachine<S> sm(S::kIdle);
  EXPECT_TRUE(sm.trigger(0));  // the initial state is entered at the first trigger
  EXPECT_FALSE(sm.trigger(10));
  sm.transition(S::kPrecharge);
  EXPECT_EQ(sm.state(), S::kPrecharge);
  EXPECT_EQ(sm.previous(), S::kIdle);
  EXPECT_TRUE(sm.trigger(20));
  EXPECT_EQ(sm.elapsed_ms(), 0u);
  EXPECT_FALSE(sm.trigger(1020));
  EXPECT_EQ(sm.elapsed_ms(), 1000u);
  EXPECT_EQ(sm.entered_ms(), 20u);
  sm.transition(S::kPrecharge);  // re-entering runs the entry again
  EXPECT_TRUE(sm.trigger(1030));
  EXPECT_EQ(sm.elapsed_ms(), 0u);
}

}  // namespace
}  // namespace stacksim::fw
