// LED timing: the manuals' flash patterns and the timed sequences (start-up
// and shutdown sweeps, counted flickers). A pattern's phase counts from the
// moment it starts, and it starts with its "on" part.
//   flash 1: 0.25 s on / 3.75 s off (standby)
//   flash 2: 0.5 s on / 0.5 s off (charging, highest SOC LED)
//   flash 3: 0.5 s on / 1.5 s off (discharging, run LED)
// The durations are parameters (led.flash1.on_ms, ...).
#pragma once

#include <array>
#include <cstdint>

#include "core/params.hpp"
#include "stacksim/hal.h"

namespace stacksim::fw {

enum class LedPattern : std::int32_t {
  kOff = 0,
  kSteady = 1,
  kFlash1 = 2,
  kFlash2 = 3,
  kFlash3 = 4,
  kFlicker = 5,  // lfp65's "flickers" (led.flicker.*)
};
inline constexpr int kLedPatternCount = 6;

struct Blink {
  std::uint32_t on_ms = 0;
  std::uint32_t off_ms = 0;  // 0: steady on
};

// On at `elapsed_ms` after the blink started?
inline bool blink_on(Blink b, std::uint32_t elapsed_ms) {
  if (b.off_ms == 0) return true;
  return elapsed_ms % (b.on_ms + b.off_ms) < b.on_ms;
}

class PatternTimings {
 public:
  // led.flash{1,2,3}.{on,off}_ms and led.flicker.{on,off}_ms (mandatory).
  bool configure(const ParamSet& params);
  Blink blink(LedPattern p) const { return blinks_[static_cast<std::size_t>(p)]; }

 private:
  std::array<Blink, kLedPatternCount> blinks_{Blink{0, 0}, Blink{1, 0}};
};

// The GTX start-up and shutdown sweep: the LEDs light one after another, one
// every step_ms, in the given order, and stay lit; the sweep ends step_ms
// after the last one lit.
class Sweep {
 public:
  void start(std::uint32_t now_ms, const std::uint8_t* order, int count, std::uint32_t step_ms);
  bool active(std::uint32_t now_ms) const;
  bool lit(int led, std::uint32_t now_ms) const;
  std::uint32_t duration_ms() const { return step_ms_ * static_cast<std::uint32_t>(count_); }

 private:
  std::array<std::uint8_t, SSIM_MAX_LEDS> order_{};
  int count_ = 0;
  std::uint32_t step_ms_ = 0;
  std::uint32_t start_ms_ = 0;
};

// A number of blinks, then done (lfp65: five LEDs flicker three times at
// power-off; RUN flickers five times when the parallel connection succeeds).
class CountedBlink {
 public:
  void start(std::uint32_t now_ms, int count, Blink blink);
  bool active(std::uint32_t now_ms) const;
  bool on(std::uint32_t now_ms) const;

 private:
  int count_ = 0;
  Blink blink_{};
  std::uint32_t start_ms_ = 0;
};

}  // namespace stacksim::fw
