// One front-panel LED's colour over simulated time, rebuilt from the plant's
// LED events (Plant::led_events: every change the firmware made through
// hal->set_led, at the tick it made it), and the checks the LED tests make
// on it: steady, off, or blinking with given on and off times.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "sim/plant.hpp"
#include "stacksim/hal.h"

namespace stacksim::sim::testing {

struct LedSegment {
  std::int64_t from_ns = 0, to_ns = 0;
  ssim_led_colour colour = SSIM_LED_OFF;
};

class LedTimeline {
 public:
  LedTimeline(const std::vector<LedEvent>& events, std::uint16_t led);

  // The colour after every event at or before t.
  ssim_led_colour at(std::int64_t t_ns) const;
  // The constant stretches within [from, to), clipped to the window.
  std::vector<LedSegment> segments(std::int64_t from_ns, std::int64_t to_ns) const;
  // When the LED first showed `colour` at or after from_ns.
  std::optional<std::int64_t> first(ssim_led_colour colour, std::int64_t from_ns) const;

 private:
  std::vector<std::pair<std::int64_t, ssim_led_colour>> changes_;
};

// The LED shows `colour` throughout [from, to).
::testing::AssertionResult steady(const LedTimeline& led, std::int64_t from_ns, std::int64_t to_ns,
                                  ssim_led_colour colour);
// Throughout [from, to) the LED alternates `colour` for on_ms and `off`
// for off_ms (the first and last stretches may be cut by the window), and it
// blinked at least twice. Each stretch may differ by one firmware tick.
::testing::AssertionResult blinks(const LedTimeline& led, std::int64_t from_ns, std::int64_t to_ns,
                                  ssim_led_colour colour, std::int64_t on_ms, std::int64_t off_ms,
                                  ssim_led_colour off = SSIM_LED_OFF);

}  // namespace stacksim::sim::testing
