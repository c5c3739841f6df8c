// Slave BMS of a GTX3000 module: samples its 16 cells and sensors, answers the
// master's polls on the internal RS485 bus, bleeds the cells the master names
// and takes part in automatic address coding.
#pragma once

#include <cstddef>
#include <cstdint>

#include "app/event_log.hpp"
#include "ibus/ibus.hpp"
#include "stacksim/hal.h"

namespace stacksim::fw {

class ModuleBms {
 public:
  ModuleBms(const ssim_hal* hal, const ssim_node_config& config);
  ~ModuleBms();
  ModuleBms(const ModuleBms&) = delete;
  ModuleBms& operator=(const ModuleBms&) = delete;

  bool ok() const { return cells_ > 0; }
  void tick();  // every kTickMs
  void rs485_receive(std::uint16_t port, const std::uint8_t* data, std::size_t len);

  static constexpr std::uint32_t kTickMs = 10;

 private:
  // module_tasks.cpp: the schedule.
  void task_10ms();
  void task_100ms();
  void task_1s();

  void sample();
  void answer_pending();
  void handle(const ibus::Frame& frame);
  void apply_balancing(std::uint16_t mask);
  void send(const ibus::Frame& frame);

  const ssim_hal* hal_;
  std::uint16_t cells_;
  std::uint16_t temps_;
  std::uint32_t ticks_ = 0;
  std::uint32_t now_ms_ = 0;

  std::uint8_t address_ = ibus::kUnassigned;
  ibus::Report report_;
  bool sampled_ = false;

  // A request is answered on the next tick: the main loop, not the UART
  // interrupt, builds the answer.
  bool pending_ = false;
  ibus::Frame pending_frame_;

  std::uint16_t balancing_mask_ = 0;
  std::uint32_t balancing_until_ms_ = 0;

  // Bursts addressed to this module (or to all) that are not one whole
  // frame with a good CRC; logged as a running total (CountLog).
  std::uint32_t bad_frames_ = 0;
  CountLog bad_log_;
};

}  // namespace stacksim::fw
