#include "core/soc.hpp"

#include "stacksim/hal.h"

namespace stacksim::fw {
namespace {

constexpr std::int64_t kMsPerHour = 3600000;
constexpr std::int64_t kSecondsPerDay = 86400;

std::int64_t abs64(std::int64_t v) { return v < 0 ? -v : v; }

}  // namespace

std::int32_t minute_of_day(std::int64_t rtc_s) {
  const std::int64_t s = ((rtc_s % kSecondsPerDay) + kSecondsPerDay) % kSecondsPerDay;
  return static_cast<std::int32_t>(s / 60);
}

bool SocEstimator::configure(const ParamSet& p) {
  const std::size_t missing_before = p.missing_count();
  const bool table_ok = ocv_.load(p, "ocv", "permille", "mV") && ocv_.y_strictly_increasing();
  nominal_mAh_ = p.require("capacity.nominal_mAh");
  rest_mA_ = p.require("soc.rest_mA");
  rest_ms_ = static_cast<std::uint32_t>(p.require("soc.rest_ms"));
  slope_min_ = p.require("soc.ocv_slope_min_uV_per_permille");
  ocv_hyst_mV_ = p.require("soc.ocv_hysteresis_mV");
  full_cell_mV_ = p.require("cell.full_charge_mV") - p.require("soc.full_margin_mV");
  full_taper_mA_ = p.require("soc.full_taper_mA");
  full_hold_ms_ = static_cast<std::uint32_t>(p.require("soc.full_hold_ms"));
  force_on_ = p.require("soc.force_charge_permille");
  force_off_ = p.require("soc.force_charge_clear_permille");
  recal_below_ = p.require("soc.recal_below_permille");
  recal_s_ = static_cast<std::int64_t>(p.require("soc.recal_days")) * kSecondsPerDay;
  window_start_min_ = p.require("soc.recal_window_start_min");
  window_end_min_ = p.require("soc.recal_window_end_min");
  learn_start_max_ = p.require("soh.learn_start_max_permille");
  learn_span_min_ = p.require("soh.learn_span_min_permille");
  learn_accept_min_ = p.require("soh.learn_accept_min_permille");
  learn_accept_max_ = p.require("soh.learn_accept_max_permille");
  learn_weight_ = p.require("soh.learn_weight_permille");
  return table_ok && p.missing_count() == missing_before && nominal_mAh_ > 0 &&
         force_off_ >= force_on_ && learn_span_min_ > 0 && ocv_.x(0) == 0 &&
         ocv_.x(ocv_.size() - 1) == 1000;
}

void SocEstimator::set_charge(std::int64_t mAms) {
  charge_mAms_ = mAms < 0 ? 0 : (mAms > capacity_mAms_ ? capacity_mAms_ : mAms);
}

void SocEstimator::start(const NvmRecord* saved, std::int32_t cell_avg_mV, std::uint32_t now_ms,
                         std::int64_t rtc_s) {
  if (saved && saved->capacity_mAh > 0) {
    capacity_mAh_ = saved->capacity_mAh;
    capacity_mAms_ = static_cast<std::int64_t>(capacity_mAh_) * kMsPerHour;
    soh_permille_ = saved->soh_permille;
    cycles_ = saved->cycles;
    discharged_mAms_ = static_cast<std::int64_t>(saved->discharged_mAh) * kMsPerHour;
    calibrated_ = saved->calibrated != 0;
    last_full_rtc_s_ = saved->last_full_charge_rtc_s;
    below_since_rtc_s_ = saved->below_since_rtc_s;
    set_charge(capacity_mAms_ * saved->soc_bp / 10000);
  } else {
    capacity_mAh_ = static_cast<std::uint32_t>(nominal_mAh_);
    capacity_mAms_ = nominal_mAh_ * kMsPerHour;
    soh_permille_ = 1000;
    cycles_ = 0;
    discharged_mAms_ = 0;
    calibrated_ = false;
    last_full_rtc_s_ = -1;
    below_since_rtc_s_ = -1;
    set_charge(capacity_mAms_ * ocv_.inverse(cell_avg_mV) / 1000);
  }
  last_ms_ = now_ms;
  last_direction_ = 0;
  resting_ = rest_used_ = false;
  full_timing_ = false;
  full_armed_ = true;
  learning_ = false;
  force_ = false;
  update_requests(rtc_s);
}

std::uint16_t SocEstimator::soc_permille() const {
  return static_cast<std::uint16_t>(charge_mAms_ * 1000 / capacity_mAms_);
}

std::uint16_t SocEstimator::soc_bp() const {
  return static_cast<std::uint16_t>(charge_mAms_ * 10000 / capacity_mAms_);
}

void SocEstimator::update(const SocInput& in) {
  const std::uint32_t dt_ms = in.now_ms - last_ms_;
  last_ms_ = in.now_ms;
  count_charge(in, dt_ms);
  check_rest(in);
  check_full(in);
  update_requests(in.rtc_s);
}

void SocEstimator::count_charge(const SocInput& in, std::uint32_t dt_ms) {
  if (!in.current_valid) return;
  const std::int64_t dq = static_cast<std::int64_t>(in.current_mA) * dt_ms;
  set_charge(charge_mAms_ + dq);
  if (learning_) learn_mAms_ += dq;
  if (dq < 0) {
    discharged_mAms_ -= dq;
    while (discharged_mAms_ >= capacity_mAms_) {
      discharged_mAms_ -= capacity_mAms_;
      ++cycles_;
    }
  }
  if (in.current_mA > rest_mA_) last_direction_ = 1;
  if (in.current_mA < -rest_mA_) last_direction_ = -1;
}

void SocEstimator::check_rest(const SocInput& in) {
  const bool quiet = in.current_valid && abs64(in.current_mA) < rest_mA_;
  if (!quiet) {
    resting_ = false;
    return;
  }
  if (!resting_) {
    resting_ = true;
    rest_used_ = false;
    rest_since_ms_ = in.now_ms;
  }
  if (rest_used_ || !in.cells_valid || in.now_ms - rest_since_ms_ < rest_ms_) return;
  rest_used_ = true;
  // The rested voltage lies on the branch of the last direction: below the
  // mean OCV after a discharge, above it after a charge.
  const std::int32_t mean_mV = in.cell_avg_mV - last_direction_ * ocv_hyst_mV_;
  const std::int32_t soc = ocv_.inverse(mean_mV);
  if (ocv_.slope_milli(soc) <= slope_min_) return;
  set_charge(capacity_mAms_ * soc / 1000);
  ++ocv_corrections_;
  learning_ = soc <= learn_start_max_;
  learn_anchor_permille_ = soc;
  learn_mAms_ = 0;
}

void SocEstimator::check_full(const SocInput& in) {
  const bool full = in.cells_valid && in.current_valid && in.cell_max_mV >= full_cell_mV_ &&
                    abs64(in.current_mA) < full_taper_mA_;
  if (!full) {
    full_timing_ = false;
    full_armed_ = true;
    return;
  }
  if (!full_armed_) return;
  if (!full_timing_) {
    full_timing_ = true;
    full_since_ms_ = in.now_ms;
  }
  if (in.now_ms - full_since_ms_ >= full_hold_ms_) {
    full_timing_ = false;
    full_armed_ = false;
    full_charge_reached(in.rtc_s);
  }
}

void SocEstimator::full_charge_reached(std::int64_t rtc_s) {
  if (learning_) {
    const std::int32_t span = 1000 - learn_anchor_permille_;
    if (span >= learn_span_min_) {
      const std::int64_t measured_mAh = learn_mAms_ * 1000 / span / kMsPerHour;
      if (measured_mAh * 1000 >= nominal_mAh_ * learn_accept_min_ &&
          measured_mAh * 1000 <= nominal_mAh_ * learn_accept_max_) {
        const std::int64_t cap = capacity_mAh_ + (measured_mAh - capacity_mAh_) * learn_weight_ / 1000;
        capacity_mAh_ = static_cast<std::uint32_t>(cap);
        capacity_mAms_ = cap * kMsPerHour;
        soh_permille_ = static_cast<std::uint16_t>(cap * 1000 / nominal_mAh_);
      }
    }
    learning_ = false;
  }
  charge_mAms_ = capacity_mAms_;
  calibrated_ = true;
  last_full_rtc_s_ = rtc_s;
  below_since_rtc_s_ = -1;
  ++full_charges_;
}

bool SocEstimator::full_charge_due() const { return !calibrated_ || month_due_; }

void SocEstimator::update_requests(std::int64_t rtc_s) {
  const std::int32_t soc = soc_permille();
  if (soc < recal_below_) {
    // A clock set backwards restarts the period rather than stretching it.
    if (below_since_rtc_s_ < 0 || rtc_s < below_since_rtc_s_) below_since_rtc_s_ = rtc_s;
  } else {
    below_since_rtc_s_ = -1;
  }
  const bool month = below_since_rtc_s_ >= 0 && rtc_s - below_since_rtc_s_ >= recal_s_;
  const std::int32_t minute = minute_of_day(rtc_s);
  const bool in_window = window_start_min_ <= window_end_min_
                             ? minute >= window_start_min_ && minute < window_end_min_
                             : minute >= window_start_min_ || minute < window_end_min_;
  if (soc < force_on_) force_ = true;
  if (soc >= force_off_) force_ = false;
  requests_ = 0;
  if (!calibrated_ || (month && in_window)) requests_ |= SSIM_REQ_FULL_CHARGE;
  if (force_) requests_ |= SSIM_REQ_FORCE_CHARGE;
  month_due_ = month;
}

NvmRecord SocEstimator::snapshot() const {
  NvmRecord r;
  r.soc_bp = soc_bp();
  r.capacity_mAh = capacity_mAh_;
  r.soh_permille = soh_permille_;
  r.cycles = cycles_;
  r.discharged_mAh = static_cast<std::uint32_t>(discharged_mAms_ / kMsPerHour);
  r.last_full_charge_rtc_s = last_full_rtc_s_;
  r.below_since_rtc_s = below_since_rtc_s_;
  r.calibrated = calibrated_ ? 1 : 0;
  return r;
}

}  // namespace stacksim::fw
