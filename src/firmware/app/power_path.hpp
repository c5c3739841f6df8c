// The main power path of a BCU or pack: negative contactor, pre-charge relay
// through its resistor, positive contactor; the sequence that closes and
// opens them, and the diagnosis of what the auxiliary contacts and the link
// voltage say about them (welded, stuck open, pre-charge failure).
//
// Close:  NEG on -> settle -> PRE on -> link >= done% of battery (or time-out:
//         pre-charge fault) -> POS on -> settle -> PRE off -> closed.
// Open:   POS off -> settle -> NEG off -> settle -> both feedbacks open, else
//         welded.
// Called every 10 ms with the latest measurements.
//
// Without auxiliary contacts (the MOSFET paths of LV packs answer
// SSIM_E_RANGE for the feedback inputs) the voltages and the current stand in
// for them: a path that should be closed must bring the link to the battery
// voltage; a path that should be open must carry no current (more than
// open_current_max_mA for open_current_ms means a welded / shorted switch)
// and a path that should be closed must keep the link there (closed_link_ms;
// a relay that never closed: stuck open).
#pragma once

#include <cstdint>

#include "stacksim/hal.h"

namespace stacksim::fw {

struct PowerPathConfig {
  bool has_precharge = true;
  std::uint32_t settle_ms = 60;              // contactor close/open time plus margin
  std::uint32_t precharge_timeout_ms = 3000;
  std::int32_t precharge_done_permille = 950;  // link voltage / battery voltage
  std::int32_t precharge_min_battery_mV = 1000;
  std::int32_t open_current_max_mA = 3000;
  std::uint32_t open_current_ms = 1000;
  // A closed path without contacts must hold the link at the battery
  // voltage; below the pre-charge fraction this long means a relay that did
  // not close (the pre-charge relay held the link until it opened).
  std::uint32_t closed_link_ms = 1000;
};

class PowerPath {
 public:
  enum class State : std::uint8_t {
    kOpen, kClosingNegative, kPrecharging, kClosingPositive, kClosed, kOpeningPositive,
    kOpeningNegative
  };

  void configure(const ssim_hal* hal, const PowerPathConfig& config);
  void request_close() { want_closed_ = true; }
  void request_open() { want_closed_ = false; }
  void update(std::uint32_t now_ms, std::int32_t battery_mV, std::int32_t link_mV,
              std::int32_t current_mA, bool current_valid);
  bool has_feedback() const { return has_feedback_; }

  State state() const { return state_; }
  bool closed() const { return state_ == State::kClosed; }
  bool open() const { return state_ == State::kOpen; }
  // SSIM_FAULT_PRECHARGE, SSIM_FAULT_CONTACTOR_WELDED, SSIM_FAULT_CONTACTOR_STUCK_OPEN.
  std::uint32_t faults() const { return faults_; }
  // Faults latch until the board is powered again (service), but a failed
  // pre-charge may be retried by a new request after clear_precharge_fault().
  void clear_precharge_fault() { faults_ &= ~SSIM_FAULT_PRECHARGE; }

 private:
  void enter(State s, std::uint32_t now_ms);
  void drive(bool negative, bool precharge, bool positive);
  bool feedback(ssim_input input) const;
  bool closed_by_voltage(std::int32_t battery_mV, std::int32_t link_mV) const;

  const ssim_hal* hal_ = nullptr;
  PowerPathConfig config_;
  State state_ = State::kOpen;
  std::uint32_t entered_ms_ = 0;
  bool want_closed_ = false;
  std::uint32_t faults_ = 0;
  bool has_feedback_ = true;
  bool open_current_timing_ = false;
  bool link_low_timing_ = false;
  std::uint32_t link_low_since_ms_ = 0;
  std::uint32_t open_current_since_ms_ = 0;
};

}  // namespace stacksim::fw
