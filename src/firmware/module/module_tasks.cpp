// The slave BMS's schedule: which task runs when, and in what order.
//
//   every 10 ms : answer a request received since the last tick
//   every 100 ms: sample the 16 cells, the temperature sensors and the board
//                 sensor (the front end converts on its own scan period; this
//                 reads the latest conversions); build the report
//   every 1 s   : stop bleeding if the master's balancing order has expired;
//                 the count of bad frames logged if it has grown
#include "module/module_bms.hpp"

namespace stacksim::fw {

void ModuleBms::tick() {
  now_ms_ = static_cast<std::uint32_t>(hal_->time_us(hal_->ctx) / 1000u);
  task_10ms();
  if (ticks_ % 10 == 0) task_100ms();
  if (ticks_ % 100 == 0) task_1s();
  ++ticks_;
}

void ModuleBms::task_10ms() { answer_pending(); }

void ModuleBms::task_100ms() { sample(); }

void ModuleBms::task_1s() {
  if (balancing_mask_ != 0 && now_ms_ >= balancing_until_ms_) apply_balancing(0);
  if (bad_log_.due(bad_frames_, now_ms_)) {
    LogLine().text("ibus: ").number(bad_frames_).text(" bad frames for this module so far").emit(hal_, SSIM_LOG_WARN);
  }
}

}  // namespace stacksim::fw
