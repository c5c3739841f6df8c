#include "app/power_path.hpp"

namespace stacksim::fw {

void PowerPath::configure(const ssim_hal* hal, const PowerPathConfig& config) {
  hal_ = hal;
  config_ = config;
  has_feedback_ = hal->read_input(hal->ctx, SSIM_IN_POS_FEEDBACK) >= 0 &&
                  hal->read_input(hal->ctx, SSIM_IN_NEG_FEEDBACK) >= 0;
  drive(false, false, false);
}

void PowerPath::drive(bool negative, bool precharge, bool positive) {
  hal_->write_output(hal_->ctx, SSIM_OUT_NEG_CONTACTOR, negative ? 1 : 0);
  hal_->write_output(hal_->ctx, SSIM_OUT_PRECHARGE, precharge ? 1 : 0);
  hal_->write_output(hal_->ctx, SSIM_OUT_POS_CONTACTOR, positive ? 1 : 0);
}

bool PowerPath::feedback(ssim_input input) const { return hal_->read_input(hal_->ctx, input) == 1; }

bool PowerPath::closed_by_voltage(std::int32_t battery_mV, std::int32_t link_mV) const {
  return battery_mV >= config_.precharge_min_battery_mV &&
         static_cast<std::int64_t>(link_mV) * 1000 >=
             static_cast<std::int64_t>(battery_mV) * config_.precharge_done_permille;
}

void PowerPath::enter(State s, std::uint32_t now_ms) {
  state_ = s;
  entered_ms_ = now_ms;
  link_low_timing_ = false;
}

void PowerPath::update(std::uint32_t now_ms, std::int32_t battery_mV, std::int32_t link_mV,
                       std::int32_t current_mA, bool current_valid) {
  const std::uint32_t in_state_ms = now_ms - entered_ms_;
  const bool blocked = (faults_ & (SSIM_FAULT_CONTACTOR_WELDED | SSIM_FAULT_CONTACTOR_STUCK_OPEN |
                                   SSIM_FAULT_PRECHARGE)) != 0;
  switch (state_) {
    case State::kOpen: {
      // A contact that reports closed while nothing drives it is welded;
      // without contacts to ask, current through an open path says so.
      const bool settled = in_state_ms >= config_.settle_ms;
      if (has_feedback_ && settled &&
          (feedback(SSIM_IN_POS_FEEDBACK) || feedback(SSIM_IN_NEG_FEEDBACK))) {
        faults_ |= SSIM_FAULT_CONTACTOR_WELDED;
      }
      const bool flowing = current_valid && (current_mA > config_.open_current_max_mA ||
                                             current_mA < -config_.open_current_max_mA);
      if (!has_feedback_ && settled && flowing) {
        if (!open_current_timing_) {
          open_current_timing_ = true;
          open_current_since_ms_ = now_ms;
        } else if (now_ms - open_current_since_ms_ >= config_.open_current_ms) {
          faults_ |= SSIM_FAULT_CONTACTOR_WELDED;
        }
      } else {
        open_current_timing_ = false;
      }
      if (want_closed_ && !blocked) {
        drive(true, false, false);
        enter(State::kClosingNegative, now_ms);
      }
      return;
    }
    case State::kClosingNegative:
      if (!want_closed_) break;
      if (in_state_ms < config_.settle_ms) return;
      if (has_feedback_ && !feedback(SSIM_IN_NEG_FEEDBACK)) {
        faults_ |= SSIM_FAULT_CONTACTOR_STUCK_OPEN;
        break;
      }
      if (config_.has_precharge) {
        drive(true, true, false);
        enter(State::kPrecharging, now_ms);
      } else {
        drive(true, false, true);
        enter(State::kClosingPositive, now_ms);
      }
      return;
    case State::kPrecharging: {
      if (!want_closed_) break;
      if (closed_by_voltage(battery_mV, link_mV)) {
        drive(true, true, true);
        enter(State::kClosingPositive, now_ms);
      } else if (in_state_ms >= config_.precharge_timeout_ms) {
        faults_ |= SSIM_FAULT_PRECHARGE;
        break;
      }
      return;
    }
    case State::kClosingPositive: {
      if (!want_closed_) break;
      if (in_state_ms < config_.settle_ms) return;
      const bool pos_closed = has_feedback_ ? feedback(SSIM_IN_POS_FEEDBACK)
                                            : closed_by_voltage(battery_mV, link_mV);
      if (!pos_closed) {
        faults_ |= SSIM_FAULT_CONTACTOR_STUCK_OPEN;
        break;
      }
      drive(true, false, true);
      enter(State::kClosed, now_ms);
      return;
    }
    case State::kClosed:
      if (!want_closed_) break;
      // A contact that drops out by itself (no coil supply, stuck open).
      if (has_feedback_ &&
          (!feedback(SSIM_IN_POS_FEEDBACK) || !feedback(SSIM_IN_NEG_FEEDBACK))) {
        faults_ |= SSIM_FAULT_CONTACTOR_STUCK_OPEN;
        break;
      }
      if (!has_feedback_ && !closed_by_voltage(battery_mV, link_mV)) {
        if (!link_low_timing_) {
          link_low_timing_ = true;
          link_low_since_ms_ = now_ms;
        } else if (now_ms - link_low_since_ms_ >= config_.closed_link_ms) {
          faults_ |= SSIM_FAULT_CONTACTOR_STUCK_OPEN;
          break;
        }
      } else {
        link_low_timing_ = false;
      }
      return;
    case State::kOpeningPositive:
      if (in_state_ms < config_.settle_ms) return;
      drive(false, false, false);
      enter(State::kOpeningNegative, now_ms);
      return;
    case State::kOpeningNegative:
      if (in_state_ms < config_.settle_ms) return;
      if (has_feedback_ && (feedback(SSIM_IN_POS_FEEDBACK) || feedback(SSIM_IN_NEG_FEEDBACK))) {
        faults_ |= SSIM_FAULT_CONTACTOR_WELDED;
      }
      enter(State::kOpen, now_ms);
      return;
  }
  // Leave a closing or closed path: the positive side first so the negative
  // contactor never breaks the load current.
  drive(state_ != State::kClosingNegative && state_ != State::kPrecharging, false, false);
  enter(State::kOpeningPositive, now_ms);
}

}  // namespace stacksim::fw
