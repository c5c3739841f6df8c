#include "app/bms_app.hpp"

namespace stacksim::fw {
namespace {

constexpr std::uint32_t kNvmSavePeriodMs = 60000;
// A current sensor reading this much with the path open for this long is
// broken (its offset is a few tens of mA).
constexpr std::uint32_t kCurrentSensorOpenMs = 1000;

std::int32_t abs32(std::int32_t v) { return v < 0 ? -v : v; }

}  // namespace

bool BmsApp::configure(const ssim_hal* hal, const ParamSet& params, std::int32_t pack_multiplier,
                       bool has_precharge) {
  hal_ = hal;
  bool ok = protection_.configure(params, pack_multiplier);
  ok = soc_.configure(params) && ok;
  ok = derating_.configure(params) && ok;
  ok = leds_.configure(params) && ok;
  ok = dry_.configure(params) && ok;
  button_ = LongPressButton::from_params(params);
  charge_voltage_mV_ = params.require("pack.charge_mV") * pack_multiplier;
  discharge_voltage_mV_ = params.require("pack.discharge_mV") * pack_multiplier;
  zero_volt_mV_ = params.require("cell.zero_volt_mV");
  PowerPathConfig path;
  path.has_precharge = has_precharge;
  path.precharge_timeout_ms = static_cast<std::uint32_t>(params.require("precharge.timeout_ms"));
  path.precharge_done_permille = params.require("precharge.done_permille");
  path_.configure(hal, path);
  idle_mA_ = params.get("prot.current_deadband_mA", idle_mA_);
  power_off_flicker_ = params.get("led.off_flicker.count", 0) > 0;
  uv_row_ = protection_.find(Quantity::kCellMin_mV, Trip::kBelow);
  for (std::size_t i = 0; i < params.missing_count(); ++i) {
    hal_->log(hal_->ctx, SSIM_LOG_ERROR, params.missing(i));
    ok = false;
  }
  if (!ok) {
    hal_->log(hal_->ctx, SSIM_LOG_ERROR, "reference firmware: calibration parameters unusable");
    return false;
  }
  nvm_ = NvmStore(hal);
  has_nvm_record_ = nvm_.load(nvm_record_);
  dry_.apply(hal_, false, false);
  return true;
}

void BmsApp::enter(Phase p, std::uint32_t now_ms) {
  phase_ = p;
  phase_since_ms_ = now_ms;
  if (p == Phase::kSweepUp) {
    leds_.start_startup_sweep(now_ms);
    ++starts_;
  }
  if (p == Phase::kSweepDown) {
    if (power_off_flicker_) {
      leds_.start_power_off_flicker(now_ms);
    } else {
      leds_.start_shutdown_sweep(now_ms);
    }
  }
}

void BmsApp::start(std::uint32_t now_ms) {
  if (phase_ == Phase::kOff) enter(Phase::kSweepUp, now_ms);
}

void BmsApp::stop(std::uint32_t now_ms) {
  if (phase_ != Phase::kOff && phase_ != Phase::kSweepDown) enter(Phase::kSweepDown, now_ms);
}

void BmsApp::coding_done(std::uint32_t now_ms, bool ok) {
  if (phase_ != Phase::kCoding) return;
  if (!ok) latched_faults_ |= SSIM_FAULT_ADDRESSING;
  enter(Phase::kWaitData, now_ms);
}

void BmsApp::task_10ms(std::uint32_t now_ms, const Snapshot& s) {
  last_ = s;
  last_button_ = button_.update(hal_->read_input(hal_->ctx, SSIM_IN_BUTTON) == 1, now_ms);
  if (last_button_ == LongPressButton::Event::kLongPress) {
    if (phase_ == Phase::kOff) {
      start(now_ms);
    } else if (defer_stop_) {
      stop_requested_ = true;  // the role stops it when its slaves are down
    } else {
      stop(now_ms);
    }
  }
  if (!soc_started_ && s.m.cells_valid) {
    soc_.start(has_nvm_record_ ? &nvm_record_ : nullptr, s.cell_avg_mV, now_ms,
               hal_->rtc_s(hal_->ctx));
    soc_started_ = true;
  }
  if (soc_started_) {
    SocInput in;
    in.current_mA = s.m.current_mA;
    in.current_valid = s.m.current_valid;
    in.cell_avg_mV = s.cell_avg_mV;
    in.cell_max_mV = s.m.cell_max_mV;
    in.cells_valid = s.m.cells_valid;
    in.now_ms = now_ms;
    in.rtc_s = hal_->rtc_s(hal_->ctx);
    soc_.update(in);
    if (soc_.full_charges() != full_charges_seen_) {
      full_charges_seen_ = soc_.full_charges();
      full_ = true;
      save_nvm();
    }
    if (s.m.current_valid && s.m.current_mA < -idle_mA_) full_ = false;
  }
  protection_.evaluate(s.m, now_ms);
  seen_warnings_ |= protection_.warnings();
  seen_alarms_ |= protection_.alarms();
  seen_protections_ |= protection_.protections();
  diagnose(now_ms, s);
  run_phase(now_ms, s);
  path_.update(now_ms, s.m.pack_mV, s.link_mV, s.m.current_mA, s.m.current_valid);
  latched_faults_ |= path_.faults();
  update_limits(s);
  update_leds(now_ms);
  log_changes();
}

void BmsApp::log_changes() {
  if (state_ != logged_state_) {
    LogLine().text("state ").text(ssim_bms_state_name(logged_state_)).text(" -> ").text(ssim_bms_state_name(state_))
        .emit(hal_, SSIM_LOG_INFO);
    logged_state_ = state_;
  }
  const auto rows = [&](std::uint32_t now, std::uint32_t& logged, const char* tier,
                        ssim_log_level level) {
    const std::uint32_t changed = now ^ logged;
    for (int r = 0; r < 32 && changed != 0; ++r) {
      const std::uint32_t bit = 1u << r;
      if ((changed & bit) == 0) continue;
      LogLine().text(tier).text(" row ").number(r).text((now & bit) ? " raised" : " cleared")
          .emit(hal_, (now & bit) ? level : SSIM_LOG_INFO);
    }
    logged = now;
  };
  rows(protection_.alarms(), logged_alarms_, "alarm", SSIM_LOG_WARN);
  rows(protection_.protections(), logged_protections_, "protection", SSIM_LOG_WARN);
  const std::uint32_t f = faults();
  if (f != logged_faults_) {
    LogLine().text("faults ").hex(logged_faults_).text(" -> ").hex(f)
        .emit(hal_, (f & ~logged_faults_) != 0 ? SSIM_LOG_ERROR : SSIM_LOG_INFO);
    logged_faults_ = f;
  }
  if (path_.closed() != logged_path_closed_) {
    LogLine().text(path_.closed() ? "power path closed" : "power path open").emit(hal_, SSIM_LOG_INFO);
    logged_path_closed_ = path_.closed();
  }
}

void BmsApp::diagnose(std::uint32_t now_ms, const Snapshot& s) {
  live_faults_ = s.faults;
  if (!s.m.current_valid) live_faults_ |= SSIM_FAULT_CURRENT_SENSOR;
  // With contacts that say the path is open, current means the sensor lies
  // (without them the power path calls it a welded switch).
  const bool open_settled = path_.open() && phase_ != Phase::kOff && path_.has_feedback();
  if (open_settled && s.m.current_valid && abs32(s.m.current_mA) > current_sensor_open_max_mA_) {
    if (!current_sensor_timing_) {
      current_sensor_timing_ = true;
      current_sensor_open_since_ms_ = now_ms;
    } else if (now_ms - current_sensor_open_since_ms_ >= kCurrentSensorOpenMs) {
      latched_faults_ |= SSIM_FAULT_CURRENT_SENSOR;
    }
  } else {
    current_sensor_timing_ = false;
  }
  if (s.m.cells_valid && s.m.cell_min_mV <= zero_volt_mV_) latched_faults_ |= SSIM_FAULT_ZERO_VOLT_CELL;
}

void BmsApp::run_phase(std::uint32_t now_ms, const Snapshot& s) {
  const std::uint32_t in_phase_ms = now_ms - phase_since_ms_;
  switch (phase_) {
    case Phase::kOff:
      path_.request_open();
      state_ = SSIM_STATE_SHUTDOWN;
      return;
    case Phase::kSweepUp:
      path_.request_open();
      state_ = SSIM_STATE_STARTING;
      if (!leds_.sequence_active(now_ms)) enter(Phase::kCoding, now_ms);
      return;
    case Phase::kCoding:
      state_ = SSIM_STATE_STARTING;
      if (in_phase_ms >= start_timeout_ms_) coding_done(now_ms, false);
      return;
    case Phase::kWaitData:
      state_ = SSIM_STATE_STARTING;
      if ((s.ready && soc_started_) || in_phase_ms >= start_timeout_ms_) {
        enter(Phase::kRunning, now_ms);
      }
      return;
    case Phase::kRunning: {
      // A fault_latch protection row opens the path through its own reaction
      // (once the current stopped, at the latest delay_ms after the trip), not
      // at once under load; it keeps its opening request until service.
      const bool faulted = ((latched_faults_ | live_faults_) & ~advisory_faults_) != 0;
      const bool hold_open = opened_by_protection_ && now_ms - opened_at_ms_ < reclose_delay_ms_;
      // Opened for a stop_* protection and held open long enough: try the
      // allowed direction again (the engine reopens on blocked current).
      if (opened_by_protection_ && !hold_open && !faulted && path_.open() &&
          protection_.open_request()) {
        protection_.rearm_stop_requests();
      }
      if (faulted || protection_.open_request() || !s.ready) {
        if (!path_.open() && !opened_by_protection_) {
          opened_by_protection_ = true;
          opened_at_ms_ = now_ms;
        }
        path_.request_open();
      } else if (!hold_open) {
        opened_by_protection_ = false;
        path_.request_close();
      }
      state_ = running_state(s);
      return;
    }
    case Phase::kSweepDown:
      path_.request_open();
      state_ = SSIM_STATE_SHUTDOWN;
      if (!leds_.sequence_active(now_ms) && path_.open()) {
        save_nvm();
        enter(Phase::kOff, now_ms);
      }
      return;
  }
}

ssim_bms_state BmsApp::running_state(const Snapshot& s) const {
  if (((latched_faults_ | live_faults_) & ~advisory_faults_) != 0 || protection_.fault_latched()) {
    return SSIM_STATE_FAULT;
  }
  if (uv_row_ >= 0 && protection_.raised(uv_row_, Tier::kProtection)) {
    return SSIM_STATE_OVER_DISCHARGED;
  }
  if (protection_.protections() != 0 || opened_by_protection_) return SSIM_STATE_PROTECT;
  if (!path_.closed()) return SSIM_STATE_STARTING;
  if (s.m.current_valid && s.m.current_mA > idle_mA_) {
    return full_ ? SSIM_STATE_FULL_CHARGE : SSIM_STATE_CHARGE;
  }
  if (s.m.current_valid && s.m.current_mA < -idle_mA_) return SSIM_STATE_DISCHARGE;
  return full_ ? SSIM_STATE_FULL_CHARGE : SSIM_STATE_STANDBY;
}

void BmsApp::update_limits(const Snapshot& s) {
  limits_ = CurrentLimits{};
  if (phase_ != Phase::kRunning || !path_.closed()) return;
  DerateInput in;
  in.temp_min_dC = s.m.temp_min_dC;
  in.temp_max_dC = s.m.temp_max_dC;
  in.temps_valid = s.m.temps_valid;
  in.cell_min_mV = s.m.cell_min_mV;
  in.cell_max_mV = s.m.cell_max_mV;
  in.cells_valid = s.m.cells_valid;
  const bool same = derate_valid_ && in.temp_min_dC == derate_in_.temp_min_dC &&
                    in.temp_max_dC == derate_in_.temp_max_dC &&
                    in.temps_valid == derate_in_.temps_valid &&
                    in.cell_min_mV == derate_in_.cell_min_mV &&
                    in.cell_max_mV == derate_in_.cell_max_mV &&
                    in.cells_valid == derate_in_.cells_valid;
  if (!same) {
    derated_ = derating_.limits(in);
    derate_in_ = in;
    derate_valid_ = true;
  }
  limits_ = derated_;
  if (!protection_.charge_allowed()) limits_.charge_mA = 0;
  if (!protection_.discharge_allowed()) limits_.discharge_mA = 0;
}

void BmsApp::update_leds(std::uint32_t now_ms) {
  LedView view;
  view.state = state_;
  view.soc_permille = soc_started_ ? soc_.soc_permille() : 0;
  view.coding = phase_ == Phase::kCoding;
  view.alarm = protection_.alarms() != 0;
  view.failure = ((latched_faults_ | live_faults_) & advisory_faults_) != 0;
  LedColours colours{};
  leds_.render(view, now_ms, colours);
  for (int i = 0; i < leds_.count(); ++i) {
    const auto k = static_cast<std::size_t>(i);
    if (!leds_valid_ || colours[k] != shown_[k]) {
      hal_->set_led(hal_->ctx, static_cast<std::uint16_t>(i), colours[k]);
      shown_[k] = colours[k];
    }
  }
  leds_valid_ = true;
}

void BmsApp::task_100ms(std::uint32_t, const Snapshot& s) {
  dry_.apply(hal_, charge_allowed(), discharge_allowed());
  report(s);
}

void BmsApp::report(const Snapshot& s) {
  ssim_debug_status st{};
  st.state = state_;
  st.warnings = seen_warnings_ | protection_.warnings();
  st.alarms = seen_alarms_ | protection_.alarms();
  st.protections = seen_protections_ | protection_.protections();
  seen_warnings_ = seen_alarms_ = seen_protections_ = 0;
  st.faults = faults();
  st.soc_permille = soc_started_ ? soc_.soc_permille() : 0;
  st.soh_permille = soc_.soh_permille();
  st.cycles = soc_.cycles();
  st.pack_voltage_mV = s.m.pack_mV;
  st.current_mA = s.m.current_mA;
  st.charge_limit_mA = limits_.charge_mA;
  st.discharge_limit_mA = limits_.discharge_mA;
  st.charge_voltage_mV = charge_voltage_mV_;
  st.discharge_voltage_mV = discharge_voltage_mV_;
  st.cell_min_mV = s.m.cell_min_mV;
  st.cell_max_mV = s.m.cell_max_mV;
  st.temp_min_dC = s.m.temp_min_dC;
  st.temp_max_dC = s.m.temp_max_dC;
  st.requests = soc_started_ ? soc_.requests() : 0;
  hal_->debug_status(hal_->ctx, &st);
}

void BmsApp::task_1s(std::uint32_t now_ms) {
  if (soc_started_ && now_ms - last_save_ms_ >= kNvmSavePeriodMs) {
    last_save_ms_ = now_ms;
    save_nvm();
  }
}

void BmsApp::save_nvm() {
  if (!soc_started_) return;
  nvm_record_ = soc_.snapshot();
  has_nvm_record_ = nvm_.save(nvm_record_);
}

}  // namespace stacksim::fw
