// State of charge, state of health, cycle count and the full-charge /
// force-charge requests toward the PCS.
//
// - Coulomb counting: remaining charge in mA*ms (64-bit) from the sampled
//   current, each sample held over the interval since the previous update
//   (charge += I(now) * (now - previous)). Nothing corrects the shunt offset:
//   the count drifts with it, as on a real board, until a recalibration.
//   While the current is not valid nothing is counted.
// - OCV recalibration: after the current has stayed below soc.rest_mA for
//   soc.rest_ms, once per rest, the mean cell voltage is looked up in the
//   25 C OCV table (ocv.N.permille / ocv.N.mV). LFP's OCV is flat between
//   ~30 % and ~98 % (about 1 mV per 1 %), where a few mV of hysteresis or
//   noise mean many % of SOC, so the correction is applied only where the
//   table's slope at the looked-up SOC exceeds
//   soc.ocv_slope_min_uV_per_permille (200 = 2 mV per 1 % SOC; at a
//   breakpoint the segment below it counts).
//   The rested voltage sits below the mean OCV after a discharge and above it
//   after a charge; soc.ocv_hysteresis_mV is added or subtracted accordingly.
// - Full charge: cell max >= cell.full_charge_mV - soc.full_margin_mV with
//   |I| < soc.full_taper_mA continuously for soc.full_hold_ms sets SOC to
//   100 %, marks the pack calibrated and clears a pending full-charge request.
//   It re-arms once the condition has gone away.
// - SOH: an OCV correction at or below soh.learn_start_max_permille starts
//   learning; the net charge counted from there to the next full charge,
//   divided by the SOC span (at least soh.learn_span_min_permille), is a
//   measured capacity. If it lies within soh.learn_accept_{min,max}_permille
//   of nominal, the capacity moves toward it by soh.learn_weight_permille.
//   Otherwise SOH and capacity stay as the NVM record had them.
// - Cycles: discharged charge / present capacity.
// - Requests: SSIM_REQ_FULL_CHARGE on the first power-on (no valid NVM record)
//   until a full charge completes, at any time of day; and once SOC has been
//   below soc.recal_below_permille continuously for soc.recal_days (rtc
//   time), but then only inside the soc.recal_window (minutes of the local
//   day, 03:00-06:00 by default), until a full charge completes.
//   SSIM_REQ_FORCE_CHARGE from SOC < soc.force_charge_permille until SOC >=
//   soc.force_charge_clear_permille (the gap keeps it from toggling).
#pragma once

#include <cstdint>

#include "core/curve.hpp"
#include "core/nvm.hpp"
#include "core/params.hpp"

namespace stacksim::fw {

struct SocInput {
  std::int32_t current_mA = 0;  // + charge
  bool current_valid = false;
  std::int32_t cell_avg_mV = 0;  // mean cell voltage, for the OCV lookup
  std::int32_t cell_max_mV = 0;
  bool cells_valid = false;
  std::uint32_t now_ms = 0;
  std::int64_t rtc_s = 0;  // local time, seconds since 1970-01-01 00:00
};

class SocEstimator {
 public:
  bool configure(const ParamSet& params);

  // Power-on. `saved` is the NVM record, or nullptr on the first power-on:
  // then SOC comes from the OCV table at cell_avg_mV (wherever it lies: it is
  // the best guess there is) and a full charge is requested.
  void start(const NvmRecord* saved, std::int32_t cell_avg_mV, std::uint32_t now_ms,
             std::int64_t rtc_s);
  void update(const SocInput& in);

  std::uint16_t soc_permille() const;
  std::uint16_t soc_bp() const;  // 0.01 %
  std::int64_t charge_mAms() const { return charge_mAms_; }
  std::int64_t capacity_mAms() const { return capacity_mAms_; }
  std::uint32_t capacity_mAh() const { return capacity_mAh_; }
  std::uint16_t soh_permille() const { return soh_permille_; }
  std::uint32_t cycles() const { return cycles_; }
  bool calibrated() const { return calibrated_; }
  std::int64_t last_full_charge_rtc_s() const { return last_full_rtc_s_; }
  std::int64_t below_since_rtc_s() const { return below_since_rtc_s_; }

  std::uint32_t requests() const { return requests_; }  // SSIM_REQ_* bits
  bool full_charge_due() const;  // first power-on or month elapsed, regardless of the window
  bool learning() const { return learning_; }
  std::uint32_t ocv_corrections() const { return ocv_corrections_; }
  std::uint32_t full_charges() const { return full_charges_; }

  NvmRecord snapshot() const;

 private:
  void count_charge(const SocInput& in, std::uint32_t dt_ms);
  void check_rest(const SocInput& in);
  void check_full(const SocInput& in);
  void full_charge_reached(std::int64_t rtc_s);
  void update_requests(std::int64_t rtc_s);
  void set_charge(std::int64_t mAms);

  Curve ocv_;
  std::int64_t nominal_mAh_ = 0;
  std::int32_t rest_mA_ = 0;
  std::uint32_t rest_ms_ = 0;
  std::int64_t slope_min_ = 0;
  std::int32_t ocv_hyst_mV_ = 0;
  std::int32_t full_cell_mV_ = 0;
  std::int32_t full_taper_mA_ = 0;
  std::uint32_t full_hold_ms_ = 0;
  std::int32_t force_on_ = 0, force_off_ = 0;
  std::int32_t recal_below_ = 0;
  std::int64_t recal_s_ = 0;
  std::int32_t window_start_min_ = 0, window_end_min_ = 0;
  std::int32_t learn_start_max_ = 0, learn_span_min_ = 0;
  std::int32_t learn_accept_min_ = 0, learn_accept_max_ = 0, learn_weight_ = 0;

  std::int64_t charge_mAms_ = 0;
  std::int64_t capacity_mAms_ = 1;
  std::uint32_t capacity_mAh_ = 0;
  std::uint16_t soh_permille_ = 1000;
  std::uint32_t cycles_ = 0;
  std::int64_t discharged_mAms_ = 0;
  bool calibrated_ = false;
  std::int64_t last_full_rtc_s_ = -1;
  std::int64_t below_since_rtc_s_ = -1;

  std::uint32_t last_ms_ = 0;
  int last_direction_ = 0;  // +1 charged, -1 discharged, 0 unknown
  bool resting_ = false, rest_used_ = false;
  std::uint32_t rest_since_ms_ = 0;
  bool full_timing_ = false, full_armed_ = true;
  std::uint32_t full_since_ms_ = 0;
  bool learning_ = false;
  std::int32_t learn_anchor_permille_ = 0;
  std::int64_t learn_mAms_ = 0;
  bool force_ = false;
  bool month_due_ = false;
  std::uint32_t requests_ = 0;
  std::uint32_t ocv_corrections_ = 0, full_charges_ = 0;
};

// Minute of the local day of an rtc time (seconds since 1970-01-01 00:00 local).
std::int32_t minute_of_day(std::int64_t rtc_s);

}  // namespace stacksim::fw
