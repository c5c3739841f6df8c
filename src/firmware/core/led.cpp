#include "core/led.hpp"

#include <cstring>

namespace stacksim::fw {
namespace {

ssim_led_colour colour_of(std::int32_t code) {
  return static_cast<ssim_led_colour>(code >= 0 && code <= 7 ? code : 0);
}

LedPattern pattern_of(std::int32_t code) {
  return static_cast<LedPattern>(code >= 0 && code < kLedPatternCount ? code : 0);
}

}  // namespace

bool LedPanel::read_bounds(const ParamSet& p, const char* key,
                           std::array<std::int32_t, SSIM_MAX_LEDS>& out) {
  char prefix[ParamSet::kMaxKeyLength + 1] = "";
  char count_key[ParamSet::kMaxKeyLength + 1] = "";
  std::strncat(prefix, key, sizeof prefix - 8);
  std::strcat(prefix, ".");
  std::strcpy(count_key, prefix);
  std::strcat(count_key, "count");
  const std::int32_t n = p.require(count_key);
  if (n != soc_count_ - 1) return false;
  for (int i = 0; i < n; ++i) {
    out[static_cast<std::size_t>(i)] = p.require(prefix, i, ".above_permille");
    if (i > 0 && out[static_cast<std::size_t>(i)] <= out[static_cast<std::size_t>(i - 1)]) return false;
  }
  return true;
}

bool LedPanel::configure(const ParamSet& p) {
  const std::size_t missing_before = p.missing_count();
  bool ok = timings_.configure(p);
  const std::int32_t style = p.require("led.style");
  style_ = style == 1 ? LedStyle::kLfp65 : LedStyle::kSofar;
  count_ = p.require("led.count");
  soc_count_ = p.require("led.soc.count");
  soc_colour_ = colour_of(p.require("led.soc.colour"));
  run_index_ = p.require("led.run.index");
  run_colour_ = colour_of(p.require("led.run.colour"));
  alm_index_ = p.require("led.alm.index");
  alm_colour_ = colour_of(p.require("led.alm.colour"));
  run_standby_ = pattern_of(p.require("led.run.standby"));
  run_charge_ = pattern_of(p.require("led.run.charge"));
  run_discharge_ = pattern_of(p.require("led.run.discharge"));
  coding_colour_ = colour_of(p.require("led.coding.colour"));
  coding_pattern_ = pattern_of(p.require("led.coding.pattern"));
  sweep_step_ms_ = static_cast<std::uint32_t>(p.require("led.sweep.step_ms"));
  off_flicker_count_ = p.require("led.off_flicker.count");
  parallel_ok_count_ = p.require("led.parallel_ok.count");
  charge_step_ms_ = static_cast<std::uint32_t>(p.require("led.charge_step_ms"));
  low_soc_permille_ = p.require("led.low_soc.permille");
  alm_low_soc_permille_ = p.require("led.alm_low_soc.permille");
  const bool shape_ok = style >= 0 && style <= 1 && count_ >= 1 && count_ <= SSIM_MAX_LEDS &&
                        soc_count_ >= 1 && soc_count_ < count_ && run_index_ >= soc_count_ &&
                        run_index_ < count_ && alm_index_ >= soc_count_ && alm_index_ < count_;
  ok = shape_ok && ok;
  if (shape_ok) {
    ok = read_bounds(p, "led.soc_discharge", discharge_bounds_) && ok;
    ok = read_bounds(p, "led.soc_charge", charge_bounds_) && ok;
  }
  shown_valid_ = false;
  return ok && p.missing_count() == missing_before;
}

int LedPanel::soc_leds(std::uint16_t soc_permille, bool charging) const {
  const auto& bounds = charging ? charge_bounds_ : discharge_bounds_;
  int n = 1;
  for (int k = 0; k + 1 < soc_count_; ++k) {
    if (soc_permille > bounds[static_cast<std::size_t>(k)]) ++n;
  }
  return n;
}

LedPanel::Drive LedPanel::drive(ssim_led_colour colour, LedPattern pattern) const {
  Drive d;
  if (pattern == LedPattern::kOff) return d;
  d.on = colour;
  d.blink = timings_.blink(pattern);
  return d;
}

ssim_led_colour LedPanel::identity(int led) const {
  if (led < soc_count_) return soc_colour_;
  if (led == run_index_) return run_colour_;
  if (led == alm_index_) return alm_colour_;
  return SSIM_LED_OFF;
}

void LedPanel::soc_bar(Drives& d, std::uint16_t soc_permille, bool charging) const {
  const int n = soc_leds(soc_permille, charging);
  for (int k = 0; k < n; ++k) d[static_cast<std::size_t>(k)] = drive(soc_colour_, LedPattern::kSteady);
}

void LedPanel::coding(Drives& d) const {
  for (int i = 0; i < count_; ++i) {
    const ssim_led_colour c = i == run_index_ ? coding_colour_ : identity(i);
    d[static_cast<std::size_t>(i)] = drive(c, coding_pattern_);
  }
}

void LedPanel::sofar(const LedView& v, Drives& d) const {
  const auto run = static_cast<std::size_t>(run_index_);
  switch (v.state) {
    case SSIM_STATE_STARTING:
      if (v.coding) {
        coding(d);
        return;
      }
      [[fallthrough]];
    case SSIM_STATE_STANDBY:
      d[run] = drive(run_colour_, run_standby_);
      soc_bar(d, v.soc_permille, false);
      return;
    case SSIM_STATE_CHARGE: {
      d[run] = drive(run_colour_, run_charge_);
      soc_bar(d, v.soc_permille, true);
      const int top = soc_leds(v.soc_permille, true) - 1;
      d[static_cast<std::size_t>(top)] = drive(soc_colour_, LedPattern::kFlash2);
      return;
    }
    case SSIM_STATE_FULL_CHARGE:
      d[run] = drive(run_colour_, run_charge_);
      for (int k = 0; k < soc_count_; ++k) d[static_cast<std::size_t>(k)] = drive(soc_colour_, LedPattern::kSteady);
      return;
    case SSIM_STATE_DISCHARGE:
      d[run] = drive(run_colour_, run_discharge_);
      soc_bar(d, v.soc_permille, false);
      return;
    case SSIM_STATE_PROTECT:
    case SSIM_STATE_FAULT:
      d[static_cast<std::size_t>(alm_index_)] = drive(alm_colour_, LedPattern::kSteady);
      return;
    case SSIM_STATE_SHUTDOWN:
    case SSIM_STATE_OVER_DISCHARGED:
      return;
  }
}

void LedPanel::lfp65(const LedView& v, Drives& d) const {
  const auto run = static_cast<std::size_t>(run_index_);
  const auto alm = static_cast<std::size_t>(alm_index_);
  bool alm_flicker = v.alarm || v.soc_permille <= alm_low_soc_permille_;
  switch (v.state) {
    case SSIM_STATE_SHUTDOWN:
      return;
    case SSIM_STATE_STARTING:
      if (v.coding) {
        coding(d);
        return;
      }
      [[fallthrough]];
    case SSIM_STATE_STANDBY:
    case SSIM_STATE_DISCHARGE:
      d[run] = drive(run_colour_, v.state == SSIM_STATE_DISCHARGE ? run_discharge_ : run_standby_);
      if (v.soc_permille <= low_soc_permille_) {
        d[0] = drive(soc_colour_, LedPattern::kFlicker);
      } else {
        soc_bar(d, v.soc_permille, false);
      }
      break;
    case SSIM_STATE_CHARGE:
      d[run] = drive(run_colour_, run_charge_);
      if (v.soc_permille >= 1000) {
        soc_bar(d, 1000, false);
        break;
      }
      {
        const int n = soc_leds(v.soc_permille, true);
        for (int k = 0; k < n; ++k) {
          const std::uint32_t period = static_cast<std::uint32_t>(n - k) * charge_step_ms_;
          Drive dr;
          dr.on = soc_colour_;
          dr.blink = period >= 2 ? Blink{period / 2, period - period / 2} : Blink{1, 0};
          d[static_cast<std::size_t>(k)] = dr;
        }
      }
      break;
    case SSIM_STATE_FULL_CHARGE:
      d[run] = drive(run_colour_, run_charge_);
      soc_bar(d, 1000, false);
      break;
    case SSIM_STATE_PROTECT:
    case SSIM_STATE_FAULT:
      if (run != alm) d[run] = Drive{};
      soc_bar(d, v.soc_permille, false);
      d[alm] = drive(alm_colour_, LedPattern::kSteady);
      return;
    case SSIM_STATE_OVER_DISCHARGED:
      d[0] = drive(soc_colour_, LedPattern::kFlicker);
      alm_flicker = true;
      break;
  }
  if (v.failure) {
    d[alm] = drive(alm_colour_, LedPattern::kSteady);
    return;
  }
  if (alm_flicker) {
    Drive dr = drive(alm_colour_, LedPattern::kFlicker);
    // On a shared RUN/ALM LED the flicker alternates with what RUN shows.
    if (run == alm && d[run].blink.off_ms == 0) dr.off = d[run].on;
    d[alm] = dr;
  }
}

void LedPanel::render(const LedView& view, std::uint32_t now_ms, LedColours& out) {
  out.fill(SSIM_LED_OFF);
  if (sweep_.active(now_ms)) {
    for (int i = 0; i < count_; ++i) {
      if (sweep_.lit(i, now_ms)) out[static_cast<std::size_t>(i)] = identity(i);
    }
    shown_valid_ = false;
    return;
  }
  if (off_flicker_.active(now_ms)) {
    const bool on = off_flicker_.on(now_ms);
    for (int i = 0; i < count_; ++i) out[static_cast<std::size_t>(i)] = on ? identity(i) : SSIM_LED_OFF;
    shown_valid_ = false;
    return;
  }
  Drives d{};
  if (style_ == LedStyle::kLfp65) {
    lfp65(view, d);
  } else {
    sofar(view, d);
  }
  for (int i = 0; i < count_; ++i) {
    const auto ii = static_cast<std::size_t>(i);
    if (!shown_valid_ || !(d[ii] == shown_[ii])) {
      shown_[ii] = d[ii];
      since_ms_[ii] = now_ms;
    }
    out[ii] = blink_on(d[ii].blink, now_ms - since_ms_[ii]) ? d[ii].on : d[ii].off;
  }
  shown_valid_ = true;
  if (parallel_ok_.active(now_ms)) {
    out[static_cast<std::size_t>(run_index_)] = parallel_ok_.on(now_ms) ? run_colour_ : SSIM_LED_OFF;
  }
}

void LedPanel::start_startup_sweep(std::uint32_t now_ms) {
  std::array<std::uint8_t, SSIM_MAX_LEDS> order{};
  for (int i = 0; i < count_; ++i) order[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(count_ - 1 - i);
  sweep_.start(now_ms, order.data(), count_, sweep_step_ms_);
}

void LedPanel::start_shutdown_sweep(std::uint32_t now_ms) {
  std::array<std::uint8_t, SSIM_MAX_LEDS> order{};
  for (int i = 0; i < count_; ++i) order[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i);
  sweep_.start(now_ms, order.data(), count_, sweep_step_ms_);
}

void LedPanel::start_power_off_flicker(std::uint32_t now_ms) {
  off_flicker_.start(now_ms, off_flicker_count_, timings_.blink(LedPattern::kFlicker));
}

void LedPanel::start_parallel_ok(std::uint32_t now_ms) {
  parallel_ok_.start(now_ms, parallel_ok_count_, timings_.blink(LedPattern::kFlicker));
}

bool LedPanel::sequence_active(std::uint32_t now_ms) const {
  return sweep_.active(now_ms) || off_flicker_.active(now_ms);
}

}  // namespace stacksim::fw
