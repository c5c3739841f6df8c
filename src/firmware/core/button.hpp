// Long-press detection on the start / POWER button. The manuals: "press start
// button more than 3 s and then release" (GTX families), POWER "for two
// seconds" (lfp65). The raw input is debounced (a change counts once it has
// been stable for debounce_ms); the press lasts from the debounced press to
// the debounced release, and a press of at least long_press_ms reports
// kLongPress at the release. Shorter presses report kShortPress.
#pragma once

#include <cstdint>

#include "core/params.hpp"

namespace stacksim::fw {

class LongPressButton {
 public:
  enum class Event { kNone, kShortPress, kLongPress };

  LongPressButton() = default;
  LongPressButton(std::uint32_t long_press_ms, std::uint32_t debounce_ms)
      : long_ms_(long_press_ms), debounce_ms_(debounce_ms) {}

  // button.long_press_ms and button.debounce_ms (mandatory).
  static LongPressButton from_params(const ParamSet& p) {
    return {static_cast<std::uint32_t>(p.require("button.long_press_ms")),
            static_cast<std::uint32_t>(p.require("button.debounce_ms"))};
  }

  // Call at every sample of the raw input (e.g. every 10 ms).
  Event update(bool raw_pressed, std::uint32_t now_ms) {
    if (raw_pressed != raw_) {
      raw_ = raw_pressed;
      raw_since_ms_ = now_ms;
    }
    if (raw_ == pressed_ || now_ms - raw_since_ms_ < debounce_ms_) return Event::kNone;
    pressed_ = raw_;
    if (pressed_) {
      pressed_at_ms_ = raw_since_ms_;
      return Event::kNone;
    }
    return raw_since_ms_ - pressed_at_ms_ >= long_ms_ ? Event::kLongPress : Event::kShortPress;
  }

  bool pressed() const { return pressed_; }  // debounced
  // True while held at least long_press_ms (a UI may show that release will act).
  bool held_long(std::uint32_t now_ms) const {
    return pressed_ && raw_ && now_ms - pressed_at_ms_ >= long_ms_;
  }

 private:
  std::uint32_t long_ms_ = 3000;
  std::uint32_t debounce_ms_ = 50;
  bool raw_ = false;
  bool pressed_ = false;
  std::uint32_t raw_since_ms_ = 0;
  std::uint32_t pressed_at_ms_ = 0;
};

}  // namespace stacksim::fw
