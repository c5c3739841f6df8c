// One firmware instance on one board: powers it up and down with the board
// (create/destroy), ticks it at its own period and hands it what the buses
// deliver. The board's clock is set by the caller before every call.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/firmware_plugin.hpp"
#include "stacksim/hal.h"

namespace stacksim::sim {

class FirmwareNode {
 public:
  // `hal` and `config` must outlive the node; config.params too.
  FirmwareNode(FirmwareImage image, const ssim_hal* hal, const ssim_node_config* config);
  ~FirmwareNode();
  FirmwareNode(const FirmwareNode&) = delete;
  FirmwareNode& operator=(const FirmwareNode&) = delete;

  // Power on at `now_ns`: create(); the first tick is due one period later.
  // A create() that returns NULL leaves the board dead until the next power
  // cycle (the firmware logged why); counted in failed_starts().
  void power_on(std::int64_t now_ns);
  void power_off();
  bool running() const { return instance_ != nullptr; }

  std::int64_t next_tick_ns() const { return next_tick_ns_; }
  // Runs the tick due at next_tick_ns() and schedules the next one.
  void tick();
  void can_receive(std::uint16_t port, const ssim_can_frame& frame);
  void rs485_receive(std::uint16_t port, const std::uint8_t* data, std::size_t len);

  const FirmwareImage& image() const { return image_; }
  std::int64_t tick_period_ns() const { return period_ns_; }
  std::uint64_t ticks() const { return ticks_; }
  std::uint32_t failed_starts() const { return failed_starts_; }

 private:
  FirmwareImage image_;
  const ssim_firmware* fw_;
  const ssim_hal* hal_;
  const ssim_node_config* config_;
  void* instance_ = nullptr;
  std::int64_t period_ns_;
  std::int64_t next_tick_ns_;
  std::uint64_t ticks_ = 0;
  std::uint32_t failed_starts_ = 0;
};

}  // namespace stacksim::sim
