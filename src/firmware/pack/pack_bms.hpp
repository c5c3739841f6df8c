// BMS of a low-voltage pack (GTX5000, GTX2500, 6.5 kWh "lfp65"): its own
// front end, sensors, shunt and power path, and the app on top.
//
// The 6.5 kWh pack also holds its own supply (SSIM_OUT_POWER_HOLD): it wakes
// on the wake input or the POWER button, starts by itself when woken, powers
// off on a long POWER press, on level-3 under-voltage, on a 0 V cell, and
// after pcs.power_off_ms without PCS communication once a PCS has been heard
// (its manual: "after the PCS stops communicating"). Parallel operation over
// the link port comes with the parallel systems (next release).
#pragma once

#include <cstddef>
#include <cstdint>

#include "app/balancing.hpp"
#include "app/bms_app.hpp"
#include "parallel/follow.hpp"
#include "pack/pack_pcs.hpp"
#include "parallel/parallel_link.hpp"
#include "pcs/pcs485_link.hpp"
#include "pcs/pcs_link.hpp"
#include "pcs/pcs_meaning.hpp"
#include "stacksim/hal.h"

namespace stacksim::fw {

// RS485 port 1 of an LV pack: the "RS485 to PCS" pins of its CAN / RS485 jack.
inline constexpr std::uint16_t kPcs485Port = 1;

class PackBms {
 public:
  PackBms(const ssim_hal* hal, const ssim_node_config& config);
  bool ok() const { return ok_; }
  void tick();
  void can_receive(std::uint16_t port, const ssim_can_frame& frame);
  // Port 0: the link between packs; port 1: the PCS's RS485 pins.
  void rs485_receive(std::uint16_t port, const std::uint8_t* data, std::size_t len);

 private:
  // pack_tasks.cpp: the schedule.
  void task_10ms();
  void task_100ms();
  void task_1s();

  void measure_fast();   // current, voltages (every 10 ms)
  void measure_cells();  // cells and temperatures (every 100 ms)
  void follow_start_up();
  void decide_balancing();
  void self_power();
  // pack_parallel.cpp: the link to the other packs of a parallel system.
  void configure_parallel(const ParamSet& params);
  void follow_parallel();
  // The PCS spoke (CAN or RS485): the power-off timer and the link learn it.
  void pcs_spoke(std::uint32_t now_ms);
  // pack_pcs.cpp: this pack's report to the PCS.
  PcsReport pcs_unit_report() const;

  const ssim_hal* hal_;
  bool ok_ = false;
  bool self_hold_ = false;  // lfp65
  std::uint16_t cells_ = 0;
  std::uint16_t temps_ = 0;
  std::uint32_t ticks_ = 0;
  std::uint32_t now_ms_ = 0;
  BmsApp app_;
  BalancingConfig balancing_;
  Snapshot snapshot_;
  std::uint16_t cell_mV_[SSIM_MAX_CELLS] = {};
  std::uint32_t cell_faults_ = 0;
  bool cells_sampled_ = false;
  std::uint16_t balancing_mask_ = 0;
  // lfp65 self power.
  std::uint32_t pcs_power_off_ms_ = 0;
  bool pcs_heard_ = false;
  std::uint32_t pcs_last_ms_ = 0;
  bool powering_off_ = false;
  // Parallel systems.
  ParallelLink link_;
  LinkFollower follower_;
  bool pair_judged_ = false;       // 6.5 kWh: the pair verdict has been acted on
  std::uint32_t pair_failed_ms_ = 0;
  std::uint32_t pair_fail_show_ms_ = 5000;
  // The PCS link (CAN port 0).
  PcsLink pcs_;
  PcsMeaningMap pcs_meanings_;
  PackCellSource pcs_cells_{hal_, cell_mV_, cells_, temps_};
  std::uint32_t pcs_nominal_mAh_ = 0;
  PcsReport unit_report_;  // this pack's, every 100 ms
  // The RS485 port toward the PCS (RS485 port 1, where the board has it).
  Pcs485Link pcs485_;
};

}  // namespace stacksim::fw
