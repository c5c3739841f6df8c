// The front-panel LEDs of each product family, from the manuals' tables.
// LED index i is the manual's L(i+1) / LED(i+1); the first led.soc.count
// LEDs show SOC, led.run.index and led.alm.index the status (the same index
// for a two-colour LED).
//
// "sofar" style (GTX3000 5.3.2, GTX5000 5.2.2, GTX2500 5.2.2):
//   shutdown, over-discharged (UVP): all off
//   standby: RUN led.run.standby (flash 1), SOC bar steady
//   charging: RUN led.run.charge (steady), SOC bar with its highest LED in
//             flash 2, the others steady; full charge: all SOC LEDs steady
//   discharging: RUN led.run.discharge (flash 3), SOC bar steady
//   protect, fault: ALM steady, everything else off
//   address coding: every LED in led.coding.pattern, the RUN LED in
//             led.coding.colour (GTX3000/GTX5000: purple)
// "lfp65" style (6.5 kWh manual 2.3, 6.1, 7.4):
//   idle, discharging: RUN steady, SOC bar steady; at or below
//             led.low_soc.permille only LED1, flickering
//   charging: RUN steady; the SOC LEDs up to the charge band flicker, LED k
//             of n (1-based) with a period of (n - k + 1) x led.charge_step_ms
//             (the manual's "T=1s ... T=4s"); at 100 % all steady
//   protect, fault: ALM steady (over RUN on the shared LED), SOC bar steady
//   over-discharged: ALM and LED1 flicker
//   alarm (view.alarm, or SOC at or below led.alm_low_soc.permille): ALM
//             flickers, alternating with RUN on a shared LED
// SOC bar: LED k+1 lights when SOC > the k-th bound of led.soc_discharge
// (idle / discharging) or led.soc_charge (charging); LED1 always.
//
// Each LED's blink phase starts when what that LED shows changes, so a
// pattern always begins with its "on" part (the manuals' flash patterns).
// Sequences (start-up and shutdown sweep, power-off flicker) replace the
// display until they end; the parallel-OK flicker replaces only RUN.
#pragma once

#include <array>
#include <cstdint>

#include "core/led_pattern.hpp"
#include "core/params.hpp"
#include "stacksim/hal.h"

namespace stacksim::fw {

enum class LedStyle : std::int32_t { kSofar = 0, kLfp65 = 1 };

struct LedView {
  ssim_bms_state state = SSIM_STATE_SHUTDOWN;
  std::uint16_t soc_permille = 0;
  bool coding = false;  // automatic address coding in progress
  bool alarm = false;   // lfp65: a condition its ALM shows by flickering
  // lfp65: a failure its table shows with ALM on while the pack keeps running
  // (an advisory diagnosis such as PCS communication loss).
  bool failure = false;
};

using LedColours = std::array<ssim_led_colour, SSIM_MAX_LEDS>;

class LedPanel {
 public:
  bool configure(const ParamSet& params);

  // Colours of LEDs 0..count()-1 now; the rest are off.
  void render(const LedView& view, std::uint32_t now_ms, LedColours& out);

  void start_startup_sweep(std::uint32_t now_ms);   // highest LED first, down to L1
  void start_shutdown_sweep(std::uint32_t now_ms);  // L1 first, up to the highest
  void start_power_off_flicker(std::uint32_t now_ms);
  void start_parallel_ok(std::uint32_t now_ms);
  // A sweep or the power-off flicker is still running.
  bool sequence_active(std::uint32_t now_ms) const;

  int count() const { return count_; }
  int soc_count() const { return soc_count_; }
  // SOC LEDs lit for `soc_permille` by the discharge or the charge bounds.
  int soc_leds(std::uint16_t soc_permille, bool charging) const;
  const PatternTimings& timings() const { return timings_; }

 private:
  struct Drive {
    ssim_led_colour on = SSIM_LED_OFF;
    ssim_led_colour off = SSIM_LED_OFF;
    Blink blink{1, 0};
    bool operator==(const Drive& o) const {
      return on == o.on && off == o.off && blink.on_ms == o.blink.on_ms && blink.off_ms == o.blink.off_ms;
    }
  };
  using Drives = std::array<Drive, SSIM_MAX_LEDS>;

  Drive drive(ssim_led_colour colour, LedPattern pattern) const;
  ssim_led_colour identity(int led) const;
  void soc_bar(Drives& d, std::uint16_t soc_permille, bool charging) const;
  void sofar(const LedView& v, Drives& d) const;
  void lfp65(const LedView& v, Drives& d) const;
  void coding(Drives& d) const;
  bool read_bounds(const ParamSet& p, const char* key, std::array<std::int32_t, SSIM_MAX_LEDS>& out);

  PatternTimings timings_;
  LedStyle style_ = LedStyle::kSofar;
  int count_ = 0;
  int soc_count_ = 0;
  ssim_led_colour soc_colour_ = SSIM_LED_OFF;
  int run_index_ = 0, alm_index_ = 0;
  ssim_led_colour run_colour_ = SSIM_LED_OFF, alm_colour_ = SSIM_LED_OFF;
  LedPattern run_standby_ = LedPattern::kSteady, run_charge_ = LedPattern::kSteady,
             run_discharge_ = LedPattern::kSteady;
  ssim_led_colour coding_colour_ = SSIM_LED_OFF;
  LedPattern coding_pattern_ = LedPattern::kSteady;
  std::uint32_t sweep_step_ms_ = 0;
  int off_flicker_count_ = 0, parallel_ok_count_ = 0;
  std::uint32_t charge_step_ms_ = 0;
  std::int32_t low_soc_permille_ = 0, alm_low_soc_permille_ = 0;
  std::array<std::int32_t, SSIM_MAX_LEDS> discharge_bounds_{};
  std::array<std::int32_t, SSIM_MAX_LEDS> charge_bounds_{};

  Sweep sweep_;
  CountedBlink off_flicker_;
  CountedBlink parallel_ok_;
  Drives shown_{};
  std::array<std::uint32_t, SSIM_MAX_LEDS> since_ms_{};
  bool shown_valid_ = false;
};

}  // namespace stacksim::fw
