// Measurements every master board takes the same way, and the plausibility
// limits every board applies to what its front end reports.
#pragma once

#include <cstdint>

#include "app/bms_app.hpp"
#include "stacksim/hal.h"

namespace stacksim::fw {

// A lithium iron phosphate cell cannot read above this; a channel that does
// is a front-end or sense-wire fault, not a cell.
inline constexpr std::int32_t kCellPlausibleMax_mV = 4500;
// Thermistor readings outside this range are a sensor (or wiring) fault.
inline constexpr std::int16_t kTempPlausibleMin_dC = -400;
inline constexpr std::int16_t kTempPlausibleMax_dC = 1200;

inline bool cell_reading_plausible(int status, std::int32_t mV) {
  return status == SSIM_OK && mV >= 0 && mV <= kCellPlausibleMax_mV;
}

inline bool temp_reading_plausible(int status, std::int16_t dC) {
  return status == SSIM_OK && dC >= kTempPlausibleMin_dC && dC <= kTempPlausibleMax_dC;
}

// Current through the shunt, battery and link voltages, the board sensor and
// the fuse monitor, into `s` (everything else in it is left as it was).
inline void measure_power_path(const ssim_hal* hal, Snapshot& s) {
  Measurements& m = s.m;
  std::int32_t mA = 0;
  m.current_valid = hal->current_mA(hal->ctx, &mA) == SSIM_OK;
  m.current_mA = mA;
  std::int32_t mV = 0;
  m.pack_valid = hal->voltage_mV(hal->ctx, SSIM_V_BATTERY, &mV) == SSIM_OK;
  m.pack_mV = mV;
  if (hal->voltage_mV(hal->ctx, SSIM_V_LINK, &mV) == SSIM_OK) s.link_mV = mV;
  std::int16_t board = 0;
  m.board_temp_valid = hal->board_temperature_dC(hal->ctx, &board) == SSIM_OK;
  m.board_temp_dC = board;
  if (hal->read_input(hal->ctx, SSIM_IN_FUSE_OK) == 0) s.faults |= SSIM_FAULT_FUSE;
}

}  // namespace stacksim::fw
