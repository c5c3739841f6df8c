// The BCU master's schedule: which task runs when, and in what order.
//
//   every 10 ms : 1. measure: string current (shunt), battery and link
//                    voltages, fuse monitor; fold in the latest module reports
//                 2. internal bus: time-outs, the next poll or balancing order
//                 3. app: button, SOC count, protection, start-up phases,
//                    pre-charge and contactors, limits, LEDs
//                 4. follow start-up: start or finish automatic coding (the
//                    modules; on a parallel master also the other BCUs)
//                 5. parallel link: polls or reports, orders, charge blocking
//                 6. PCS link: broadcasts due, queued frames
//   every 100 ms: dry contacts, debug status; the report to the PCS link
//   every 1 s   : balancing orders for the modules; NVM (every 60 s)
#include "bcu/bcu_bms.hpp"

namespace stacksim::fw {

void BcuBms::tick() {
  now_ms_ = static_cast<std::uint32_t>(hal_->time_us(hal_->ctx) / 1000u);
  task_10ms();
  if (ticks_ % 10 == 0) task_100ms();
  if (ticks_ % 100 == 0) task_1s();
  ++ticks_;
}

void BcuBms::task_10ms() {
  measure();
  poller_.update(now_ms_);
  app_.task_10ms(now_ms_, snapshot_);
  follow_start_up();
  follow_parallel();
  pcs_.tick(now_ms_);
}

void BcuBms::task_100ms() {
  app_.task_100ms(now_ms_, snapshot_);
  unit_report_ = pcs_unit_report();
  pcs_.set_report(pcs_report_for(link_, unit_report_, now_ms_));
}

void BcuBms::task_1s() {
  decide_balancing();
  app_.task_1s(now_ms_);
}

}  // namespace stacksim::fw
