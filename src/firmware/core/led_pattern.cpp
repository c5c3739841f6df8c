#include "core/led_pattern.hpp"

namespace stacksim::fw {

bool PatternTimings::configure(const ParamSet& p) {
  const std::size_t missing_before = p.missing_count();
  const auto read = [&](const char* on, const char* off) {
    return Blink{static_cast<std::uint32_t>(p.require(on)), static_cast<std::uint32_t>(p.require(off))};
  };
  blinks_[static_cast<std::size_t>(LedPattern::kOff)] = Blink{0, 0};
  blinks_[static_cast<std::size_t>(LedPattern::kSteady)] = Blink{1, 0};
  blinks_[static_cast<std::size_t>(LedPattern::kFlash1)] = read("led.flash1.on_ms", "led.flash1.off_ms");
  blinks_[static_cast<std::size_t>(LedPattern::kFlash2)] = read("led.flash2.on_ms", "led.flash2.off_ms");
  blinks_[static_cast<std::size_t>(LedPattern::kFlash3)] = read("led.flash3.on_ms", "led.flash3.off_ms");
  blinks_[static_cast<std::size_t>(LedPattern::kFlicker)] = read("led.flicker.on_ms", "led.flicker.off_ms");
  for (int i = 2; i < kLedPatternCount; ++i) {
    const Blink b = blinks_[static_cast<std::size_t>(i)];
    if (b.on_ms == 0 || b.off_ms == 0) return false;
  }
  return p.missing_count() == missing_before;
}

void Sweep::start(std::uint32_t now_ms, const std::uint8_t* order, int count, std::uint32_t step_ms) {
  count_ = count < 0 ? 0 : (count > SSIM_MAX_LEDS ? SSIM_MAX_LEDS : count);
  for (int i = 0; i < count_; ++i) order_[static_cast<std::size_t>(i)] = order[i];
  step_ms_ = step_ms;
  start_ms_ = now_ms;
}

bool Sweep::active(std::uint32_t now_ms) const {
  return count_ > 0 && step_ms_ > 0 && now_ms - start_ms_ < duration_ms();
}

bool Sweep::lit(int led, std::uint32_t now_ms) const {
  if (!active(now_ms)) return false;
  const std::uint32_t steps_done = (now_ms - start_ms_) / step_ms_;  // LEDs lit = steps_done + 1
  for (int i = 0; i < count_ && static_cast<std::uint32_t>(i) <= steps_done; ++i) {
    if (order_[static_cast<std::size_t>(i)] == led) return true;
  }
  return false;
}

void CountedBlink::start(std::uint32_t now_ms, int count, Blink blink) {
  count_ = count < 0 ? 0 : count;
  blink_ = blink;
  start_ms_ = now_ms;
}

bool CountedBlink::active(std::uint32_t now_ms) const {
  const std::uint32_t period = blink_.on_ms + blink_.off_ms;
  return count_ > 0 && period > 0 && now_ms - start_ms_ < period * static_cast<std::uint32_t>(count_);
}

bool CountedBlink::on(std::uint32_t now_ms) const {
  return active(now_ms) && blink_on(blink_, now_ms - start_ms_);
}

}  // namespace stacksim::fw
