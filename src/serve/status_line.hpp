// The one-line live status of `stacksim serve` on a terminal: what an
// engineer at the bench glances at while a real inverter or BCU runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "stacksim/hal.h"

namespace stacksim::serve {

struct StatusFigures {
  std::int64_t sim_ns = 0;
  std::optional<ssim_debug_status> master;  // empty until the master BMS has reported
  std::uint64_t frames_in = 0, frames_out = 0;
  // RS485 lines count bursts (one request or one answer each); empty when
  // no line is bound, so a CAN-only bench keeps its width.
  std::optional<std::uint64_t> bursts_in, bursts_out;
  std::int64_t late_p99_ns = 0;
};

// Starts with '\r' so each line overwrites the last one.
std::string format_status_line(const StatusFigures& f);

}  // namespace stacksim::serve
