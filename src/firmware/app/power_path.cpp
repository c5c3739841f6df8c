#include "app/power_path.hpp"

namespace stacksim::fw {

void PowerPath::configure(const ssim_hal* hal, const PowerPathConfig& config) {
  hal_ = hal;
  config_ = config;
  drive(false, false, false);
}

void PowerPath::drive(bool negative, bool precharge, bool positive) {
  hal_->write_output(hal_->ctx, SSIM_OUT_NEG_CONTACTOR, negative ? 1 : 0);
  hal_->write_output(hal_->ctx, SSIM_OUT_PRECHARGE, precharge ? 1 : 0);
  hal_->write_output(hal_->ctx, SSIM_OUT_POS_CONTACTOR, positive ? 1 : 0);
}

bool PowerPath::feedback(ssim_input input) const { return hal_->read_input(hal_->ctx, input) == 1; }

void PowerPath::enter(State s, std::uint32_t now_ms) {
  state_ = s;
  entered_ms_ = now_ms;
}

void PowerPath::update(std::uint32_t now_ms, std::int32_t battery_mV, std::int32_t link_mV) {
  const std::uint32_t in_state_ms = now_ms - entered_ms_;
  const bool blocked = (faults_ & (SSIM_FAULT_CONTACTOR_WELDED | SSIM_FAULT_CONTACTOR_STUCK_OPEN |
                                   SSIM_FAULT_PRECHARGE)) != 0;
  switch (state_) {
    case State::kOpen:
      // A contact that reports closed while nothing drives it is welded.
      if (in_state_ms >= config_.settle_ms &&
          (feedback(SSIM_IN_POS_FEEDBACK) || feedback(SSIM_IN_NEG_FEEDBACK))) {
        faults_ |= SSIM_FAULT_CONTACTOR_WELDED;
      }
      if (want_closed_ && !blocked) {
        drive(true, false, false);
        enter(State::kClosingNegative, now_ms);
      }
      return;
    case State::kClosingNegative:
      if (!want_closed_) break;
      if (in_state_ms < config_.settle_ms) return;
      if (!feedback(SSIM_IN_NEG_FEEDBACK)) {
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
      const bool done = battery_mV >= config_.precharge_min_battery_mV &&
                        static_cast<std::int64_t>(link_mV) * 1000 >=
                            static_cast<std::int64_t>(battery_mV) * config_.precharge_done_permille;
      if (done) {
        drive(true, true, true);
        enter(State::kClosingPositive, now_ms);
      } else if (in_state_ms >= config_.precharge_timeout_ms) {
        faults_ |= SSIM_FAULT_PRECHARGE;
        break;
      }
      return;
    }
    case State::kClosingPositive:
      if (!want_closed_) break;
      if (in_state_ms < config_.settle_ms) return;
      if (!feedback(SSIM_IN_POS_FEEDBACK)) {
        faults_ |= SSIM_FAULT_CONTACTOR_STUCK_OPEN;
        break;
      }
      drive(true, false, true);
      enter(State::kClosed, now_ms);
      return;
    case State::kClosed:
      if (!want_closed_) break;
      // A contact that drops out by itself (no coil supply, stuck open).
      if (!feedback(SSIM_IN_POS_FEEDBACK) || !feedback(SSIM_IN_NEG_FEEDBACK)) {
        faults_ |= SSIM_FAULT_CONTACTOR_STUCK_OPEN;
        break;
      }
      return;
    case State::kOpeningPositive:
      if (in_state_ms < config_.settle_ms) return;
      drive(false, false, false);
      enter(State::kOpeningNegative, now_ms);
      return;
    case State::kOpeningNegative:
      if (in_state_ms < config_.settle_ms) return;
      if (feedback(SSIM_IN_POS_FEEDBACK) || feedback(SSIM_IN_NEG_FEEDBACK)) {
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
