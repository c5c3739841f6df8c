// The BCU's side of the internal bus: automatic coding of module addresses,
// then round-robin polling of every module, balancing orders, and the
// diagnosis of modules that stop reporting or report garbage.
//
// Coding: broadcast kResetAddress, assert ADR_OUT, then kAssign(1), kAssign(2)
// ... each answered by the one unaddressed module whose ADR_IN is asserted,
// which then asserts its own ADR_OUT for the next. The first kAssign nobody
// answers within the slot ends coding; finding fewer or more modules than
// configured is an addressing fault (e.g. a swapped link cable).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "ibus/ibus.hpp"
#include "stacksim/hal.h"

namespace stacksim::fw {

inline constexpr std::size_t kMaxModules = 10;

// Extremes and sum of one module's report, taken when it arrives so the BCU
// folds ten summaries rather than 160 cells every 10 ms.
struct ModuleSummary {
  std::int32_t cell_min_mV = 0, cell_max_mV = 0;
  std::int64_t cell_sum_mV = 0;
  int cells = 0;
  std::int16_t temp_min_dC = 0, temp_max_dC = 0;
  int temps = 0;
  std::uint8_t flags = 0;
};

ModuleSummary summarise(const ibus::Report& report);

struct ModulePollerConfig {
  std::uint16_t modules = 0;
  std::uint32_t slot_ms = 20;              // one request and its answer
  std::uint32_t module_timeout_ms = 1000;  // no valid report for this long: lost
  std::uint32_t balance_period_ms = 1000;
};

class ModulePoller {
 public:
  enum class Phase : std::uint8_t { kIdle, kCoding, kPolling, kFailed };

  void configure(const ssim_hal* hal, const ModulePollerConfig& config);
  void start_coding(std::uint32_t now_ms);
  void stop();
  void update(std::uint32_t now_ms);  // every 10 ms
  void receive(const std::uint8_t* data, std::size_t len, std::uint32_t now_ms);
  // Bleed orders for the next balancing slot, one mask per module.
  void set_balancing(std::size_t module, std::uint16_t mask) { balance_mask_[module] = mask; }

  Phase phase() const { return phase_; }
  std::uint16_t modules_found() const { return found_; }
  bool coding_failed() const { return phase_ == Phase::kFailed; }
  // Every module has reported at least once and none has timed out.
  bool all_fresh() const { return fresh_mask_ == full_mask() && phase_ == Phase::kPolling; }
  std::uint16_t stale_mask() const { return static_cast<std::uint16_t>(full_mask() & ~fresh_mask_); }
  // Modules without a valid report for longer than the time-out (counted
  // from the start of polling for one that never reported).
  std::uint16_t lost_mask(std::uint32_t now_ms) const {
    if (phase_ != Phase::kPolling) return 0;
    if (now_ms - polling_since_ms_ > config_.module_timeout_ms) return stale_mask();
    return static_cast<std::uint16_t>(stale_mask() & seen_mask_);
  }
  const ibus::Report& report(std::size_t module) const { return reports_[module]; }
  const ModuleSummary& summary(std::size_t module) const { return summaries_[module]; }
  bool has_report(std::size_t module) const { return (seen_mask_ >> module) & 1u; }
  std::uint32_t bad_frames() const { return bad_frames_; }
  // Changes whenever a report arrives or a module's freshness changes: what
  // was computed from the reports is still valid while it stays the same.
  std::uint32_t generation() const { return generation_; }

 private:
  std::uint16_t full_mask() const {
    return static_cast<std::uint16_t>((1u << config_.modules) - 1u);
  }
  void send(const ibus::Frame& frame, std::uint32_t now_ms);
  void next_request(std::uint32_t now_ms);

  const ssim_hal* hal_ = nullptr;
  ModulePollerConfig config_;
  Phase phase_ = Phase::kIdle;
  std::uint32_t slot_start_ms_ = 0;
  std::uint32_t polling_since_ms_ = 0;
  bool awaiting_ = false;
  std::uint8_t awaiting_address_ = 0;
  std::uint16_t found_ = 0;
  std::size_t next_module_ = 0;
  std::uint32_t last_balance_ms_ = 0;
  std::array<ibus::Report, kMaxModules> reports_{};
  std::array<ModuleSummary, kMaxModules> summaries_{};
  std::array<std::uint32_t, kMaxModules> last_seen_ms_{};
  std::array<std::uint16_t, kMaxModules> balance_mask_{};
  std::uint16_t seen_mask_ = 0, fresh_mask_ = 0;
  std::uint32_t bad_frames_ = 0;
  std::uint32_t generation_ = 0;
  bool balance_slot_ = false;
};

}  // namespace stacksim::fw
