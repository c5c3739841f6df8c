// What every master BMS of the reference firmware does, whatever feeds it
// cells: a BCU (cells from its modules over the internal bus) or an LV pack
// (cells from its own front end). The role firmware measures and owns its
// links; the app runs the states of the manuals, protection, limits, SOC, the
// power path, LEDs, dry contacts, non-volatile storage and the debug port.
//
// States (ssim_bms_state as reported):
//   SHUTDOWN  powered, not started: path open, LEDs off. A long press starts.
//   STARTING  start-up sweep, automatic coding (the role's part), waiting for
//             every measurement, pre-charge and closing the path.
//   STANDBY / CHARGE / DISCHARGE / FULL_CHARGE   running, by the current.
//   PROTECT   a protection tier is raised (recoverable).
//   OVER_DISCHARGED   the cell under-voltage protection is raised.
//   FAULT     a diagnosis needs service (latched) or a sensor or link is
//             failing now; the path is open.
// A long press while running shuts down: shutdown sweep, path open.
#pragma once

#include <cstdint>

#include "app/event_log.hpp"
#include "app/power_path.hpp"
#include "core/button.hpp"
#include "core/derate.hpp"
#include "core/dry_contacts.hpp"
#include "core/led.hpp"
#include "core/nvm.hpp"
#include "core/params.hpp"
#include "core/protection.hpp"
#include "core/soc.hpp"
#include "core/state.hpp"
#include "stacksim/hal.h"

namespace stacksim::fw {

// One set of measurements, as the role firmware has them now.
struct Snapshot {
  Measurements m;               // for protection (core/protection.hpp)
  std::int32_t cell_avg_mV = 0;
  std::int32_t link_mV = 0;     // terminal side of the path
  std::uint32_t faults = 0;     // SSIM_FAULT_* the role diagnosed (sensors, links)
  bool ready = false;           // every source has reported since start-up
};

class BmsApp {
 public:
  enum class Phase : std::uint8_t { kOff, kSweepUp, kCoding, kWaitData, kRunning, kSweepDown };

  // `series_cells`: cells in series behind this BMS; pack-level parameters
  // are per module on a BCU and multiplied by `pack_multiplier` (its module
  // count). False if the parameters are unusable (logged).
  bool configure(const ssim_hal* hal, const ParamSet& params, std::int32_t pack_multiplier,
                 bool has_precharge);

  void start(std::uint32_t now_ms);  // as a long press would (wake input)
  void stop(std::uint32_t now_ms);   // as a long press while running would

  // The schedule (see the role's *_tasks.cpp for the order).
  void task_10ms(std::uint32_t now_ms, const Snapshot& s);
  void task_100ms(std::uint32_t now_ms, const Snapshot& s);
  void task_1s(std::uint32_t now_ms);

  // The role's part of start-up.
  Phase phase() const { return phase_; }
  // Start-ups since power-on: each one codes the system again.
  std::uint32_t starts() const { return starts_; }
  void coding_done(std::uint32_t now_ms, bool ok);

  ssim_bms_state state() const { return state_; }
  std::uint32_t faults() const { return latched_faults_ | live_faults_; }
  bool power_path_closed() const { return path_.closed(); }
  const SocEstimator& soc() const { return soc_; }
  const ProtectionEngine& protection() const { return protection_; }
  CurrentLimits limits() const { return limits_; }
  bool charge_allowed() const { return limits_.charge_mA > 0; }
  bool discharge_allowed() const { return limits_.discharge_mA > 0; }
  LongPressButton::Event last_button_event() const { return last_button_; }
  void save_nvm();

  // Parallel systems. A master defers a long press while running: it shuts
  // its slaves down first (take_stop_request, then stop()).
  void defer_stop(bool on) { defer_stop_ = on; }
  bool take_stop_request() {
    const bool r = stop_requested_;
    stop_requested_ = false;
    return r;
  }
  void raise_fault(std::uint32_t bits) { latched_faults_ |= bits; }
  // Faults reported (debug status, PCS) that do not stop the battery.
  void set_advisory_faults(std::uint32_t bits) { advisory_faults_ = bits; }
  void show_parallel_ok(std::uint32_t now_ms) { leds_.start_parallel_ok(now_ms); }
  bool full() const { return full_; }
  // For the PCS report (pcs/pcs_fill.hpp).
  std::int32_t charge_voltage_mV() const { return charge_voltage_mV_; }
  std::int32_t discharge_voltage_mV() const { return discharge_voltage_mV_; }
  bool soc_started() const { return soc_started_; }

 private:
  void enter(Phase p, std::uint32_t now_ms);
  void run_phase(std::uint32_t now_ms, const Snapshot& s);
  void diagnose(std::uint32_t now_ms, const Snapshot& s);
  void update_limits(const Snapshot& s);
  ssim_bms_state running_state(const Snapshot& s) const;
  void report(const Snapshot& s);
  void update_leds(std::uint32_t now_ms);
  void log_changes();

  const ssim_hal* hal_ = nullptr;
  ProtectionEngine protection_;
  SocEstimator soc_;
  Derating derating_;
  LedPanel leds_;
  DryContacts dry_;
  PowerPath path_;
  LongPressButton button_;
  NvmStore nvm_{nullptr};
  bool has_nvm_record_ = false;
  bool soc_started_ = false;
  std::uint32_t full_charges_seen_ = 0;
  NvmRecord nvm_record_;

  Phase phase_ = Phase::kOff;
  std::uint32_t starts_ = 0;
  std::uint32_t phase_since_ms_ = 0;
  ssim_bms_state state_ = SSIM_STATE_SHUTDOWN;
  LongPressButton::Event last_button_ = LongPressButton::Event::kNone;
  CurrentLimits limits_;
  // Derating changes only when its inputs do (new samples every 100 ms).
  DerateInput derate_in_{};
  CurrentLimits derated_{};
  bool derate_valid_ = false;
  std::uint32_t latched_faults_ = 0;  // until the board is powered again
  std::uint32_t live_faults_ = 0;     // while the condition lasts
  std::uint32_t opened_at_ms_ = 0;
  bool opened_by_protection_ = false;
  bool full_ = false;
  bool defer_stop_ = false, stop_requested_ = false;
  std::uint32_t advisory_faults_ = 0;
  bool power_off_flicker_ = false;  // lfp65: five LEDs flicker at power-off
  std::int32_t charge_voltage_mV_ = 0, discharge_voltage_mV_ = 0;
  std::int32_t zero_volt_mV_ = 0;
  std::int32_t idle_mA_ = 500;
  std::uint32_t start_timeout_ms_ = 10000;
  std::uint32_t reclose_delay_ms_ = 5000;
  std::int32_t current_sensor_open_max_mA_ = 3000;
  std::uint32_t current_sensor_open_since_ms_ = 0;
  bool current_sensor_timing_ = false;
  std::uint32_t last_save_ms_ = 0;
  int uv_row_ = -1;
  Snapshot last_;
  // Tiers raised since the last debug report: a trip shorter than the report
  // period (a short circuit cleared in 30 ms) still shows once.
  std::uint32_t seen_warnings_ = 0, seen_alarms_ = 0, seen_protections_ = 0;
  // What was last logged: changes of these are events.
  ssim_bms_state logged_state_ = SSIM_STATE_SHUTDOWN;
  std::uint32_t logged_alarms_ = 0, logged_protections_ = 0, logged_faults_ = 0;
  bool logged_path_closed_ = false;
  LedColours shown_{};
  bool leds_valid_ = false;
};

}  // namespace stacksim::fw
