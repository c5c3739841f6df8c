// Master BMS in the BCU of a GTX3000 string: collects its modules' reports
// over the internal bus, measures string current and voltages itself, and
// runs the app (states, protection, SOC, pre-charge and contactors, LEDs L1-L5,
// dry contacts, start button, automatic coding of module addresses).
#pragma once

#include <cstddef>
#include <cstdint>

#include "app/balancing.hpp"
#include "app/bms_app.hpp"
#include "bcu/bcu_pcs.hpp"
#include "bcu/module_poller.hpp"
#include "parallel/follow.hpp"
#include "parallel/parallel_link.hpp"
#include "pcs/pcs_link.hpp"
#include "pcs/pcs_meaning.hpp"
#include "stacksim/hal.h"

namespace stacksim::fw {

class BcuBms {
 public:
  BcuBms(const ssim_hal* hal, const ssim_node_config& config);
  bool ok() const { return ok_; }
  void tick();
  void can_receive(std::uint16_t port, const ssim_can_frame& frame);
  void rs485_receive(std::uint16_t port, const std::uint8_t* data, std::size_t len);

 private:
  // bcu_tasks.cpp: the schedule.
  void task_10ms();
  void task_100ms();
  void task_1s();

  void measure();
  void aggregate_modules(Snapshot& s);
  void follow_start_up();
  void decide_balancing();
  // bcu_parallel.cpp: parallel strings over the BCU link port (CAN).
  void configure_parallel(const ParamSet& params);
  void follow_parallel();
  void block_full_charge();
  // bcu_pcs.cpp: this string's report to the PCS.
  PcsReport pcs_unit_report() const;

  const ssim_hal* hal_;
  bool ok_ = false;
  std::uint16_t modules_ = 0;
  std::uint32_t ticks_ = 0;
  std::uint32_t now_ms_ = 0;
  BmsApp app_;
  ModulePoller poller_;
  BalancingConfig balancing_;
  Snapshot snapshot_;
  // The modules' part of the snapshot, recomputed only when a report changes.
  Snapshot modules_view_;
  std::uint32_t modules_generation_ = 0xFFFFFFFFu;
  // Parallel strings.
  ParallelLink link_;
  LinkFollower follower_;
  bool charge_blocked_ = false;
  bool coding_logged_ = false;
  // The PCS link (CAN port 0, shared with the parallel link).
  PcsLink pcs_;
  PcsMeaningMap pcs_meanings_;
  BcuCellSource pcs_cells_{poller_};
  std::uint32_t pcs_nominal_mAh_ = 0;
  PcsReport unit_report_;  // this string's, every 100 ms
};

}  // namespace stacksim::fw
