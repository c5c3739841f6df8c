// A real system (configs/, models/) with its boards, buses and the reference
// firmware, stepped in process: what the BMS tests drive.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "physics/system.hpp"
#include "scenario/scenario.hpp"
#include "sim/bms_setup.hpp"
#include "sim/plant.hpp"
#include "sim/system_config.hpp"

namespace stacksim::sim::testing {

class PlantRig {
 public:
  // `config`: a configs/ name. Cells start at `soc` and 25 C.
  explicit PlantRig(const std::string& config, double soc = 0.5, std::uint64_t seed = 1,
                    const FirmwareChoice& choice = {},
                    std::vector<std::pair<std::string, std::int32_t>> overrides = {},
                    std::vector<std::size_t> swapped_links = {});

  // Breaker closed and the start button held for the product's long press.
  void start();
  // Runs until `t_ns` (a multiple of the step) with the terminal command.
  void run_until(std::int64_t t_ns, const physics::TerminalCommand& cmd = physics::TerminalCommand::current(0.0));
  // Runs until `done()` holds or `limit_ns` passes; returns the time it held, or nullopt.
  template <typename Pred>
  std::optional<std::int64_t> run_until_true(Pred done, std::int64_t limit_ns,
                                             const physics::TerminalCommand& cmd = physics::TerminalCommand::current(0.0)) {
    while (now_ns_ < limit_ns) {
      step(cmd);
      if (done()) return now_ns_;
    }
    return std::nullopt;
  }
  void step(const physics::TerminalCommand& cmd);

  std::int64_t now_ns() const { return now_ns_; }
  physics::PhysicsSystem& physics() { return *physics_; }
  Plant& plant() { return *plant_; }
  hw::Board& master(std::size_t branch = 0) { return plant_->board(plant_->master(branch)); }
  std::optional<ssim_debug_status> status(std::size_t branch = 0) { return master(branch).last_status(); }
  ssim_bms_state state(std::size_t branch = 0) {
    auto s = status(branch);
    return s ? s->state : SSIM_STATE_SHUTDOWN;
  }
  const SystemConfig& config() const { return *config_; }
  const BmsSetup& setup() const { return *setup_; }
  std::int32_t param(const std::string& key) const;
  std::string log_text() const;

  static constexpr std::int64_t kStep_ns = 10'000'000;

 private:
  std::optional<SystemConfig> config_;
  std::optional<BmsSetup> setup_;
  std::unique_ptr<physics::PhysicsSystem> physics_;
  std::unique_ptr<Plant> plant_;
  std::int64_t now_ns_ = 0;
};

inline constexpr std::int64_t ms(std::int64_t v) { return v * 1'000'000; }
inline constexpr std::int64_t s(std::int64_t v) { return v * 1'000'000'000; }

}  // namespace stacksim::sim::testing
