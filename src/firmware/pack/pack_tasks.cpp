// The LV pack BMS's schedule: which task runs when, and in what order.
//
//   every 10 ms : 1. measure: pack current (shunt), battery and link voltages
//                 2. app: button, SOC count, protection, start-up phases,
//                    power path, limits, LEDs
//                 3. follow start-up: code the chain of a parallel system
//                 4. the parallel link: polls, reports, orders, pair rules
//                 5. lfp65: hold or release its own supply
//                 6. PCS link: broadcasts due, queued frames; the RS485
//                    link to the PCS: its count of bad requests logged
//   every 100 ms: cells and temperatures from the front end (its scan
//                 period), dry contacts, debug status; the report to
//                 the PCS link
//   every 1 s   : balancing; NVM (every 60 s)
#include "pack/pack_bms.hpp"

namespace stacksim::fw {

void PackBms::tick() {
  now_ms_ = static_cast<std::uint32_t>(hal_->time_us(hal_->ctx) / 1000u);
  if (ticks_ % 10 == 0) measure_cells();
  task_10ms();
  if (ticks_ % 10 == 0) task_100ms();
  if (ticks_ % 100 == 0) task_1s();
  ++ticks_;
}

void PackBms::task_10ms() {
  measure_fast();
  if (link_.link_lost(now_ms_)) snapshot_.faults |= SSIM_FAULT_INTERNAL_COMM;
  if (pcs_.comm_lost(now_ms_)) snapshot_.faults |= SSIM_FAULT_PCS_COMM;
  app_.task_10ms(now_ms_, snapshot_);
  follow_start_up();
  follow_parallel();
  if (self_hold_) self_power();
  pcs_.tick(now_ms_);
  pcs485_.tick(now_ms_);
}

void PackBms::task_100ms() {
  app_.task_100ms(now_ms_, snapshot_);
  unit_report_ = pcs_unit_report();
  pcs_.set_report(pcs_report_for(link_, unit_report_, now_ms_));
}

void PackBms::task_1s() {
  decide_balancing();
  app_.task_1s(now_ms_);
}

}  // namespace stacksim::fw
