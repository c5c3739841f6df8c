// A real system with its BMS (tests/bms/plant_fixture.hpp) and the virtual
// inverter on its PCS bus, stepped the way `stacksim run` steps them: the
// inverter decides, the plant steps, the inverter sees the terminals.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "inverter/inverter.hpp"
#include "plant_fixture.hpp"
#include "protocol/dbc.hpp"
#include "scenario/inverter_section.hpp"

namespace stacksim::sim::testing {

class InverterRig {
 public:
  // `system`: a configs/ name; the firmware's pcs.protocol is set to
  // `protocol` (with `overrides` on top) and the inverter speaks it.
  InverterRig(const std::string& system, const std::string& protocol, double soc,
              scenario::InverterSetup setup = {},
              std::vector<std::pair<std::string, std::int32_t>> overrides = {});

  // The operator starts the system at 0 s.
  void start() { rig_->start(); }
  physics::TerminalResult step(const physics::TerminalCommand& demand);
  // A step in which `forced` reaches the terminals whatever the inverter
  // decides (a second source on the DC bus: how a test injects a fault the
  // inverter would avoid); the inverter still talks and measures.
  physics::TerminalResult step_forced(const physics::TerminalCommand& forced);
  void run_for(std::int64_t ns, const physics::TerminalCommand& demand);
  // Steps until `done()` holds (checked after each step) or `limit_ns`
  // passes; the time it held, or nullopt.
  template <typename Pred>
  std::optional<std::int64_t> run_until(Pred done, std::int64_t limit_ns,
                                        const physics::TerminalCommand& demand) {
    while (now_ns_ < limit_ns) {
      step(demand);
      if (done()) return now_ns_;
    }
    return std::nullopt;
  }
  // Started, the path closed and the inverter hearing the battery; false if
  // not within 60 s.
  bool connect();

  PlantRig& plant_rig() { return *rig_; }
  inverter::Inverter& inverter() { return *inverter_; }
  const inverter::BatteryView& view() const { return inverter_->view(); }
  std::optional<ssim_debug_status> status() { return rig_->status(); }
  bool path_closed() { return rig_->master().main_path_closed(); }
  // The master board's node on the PCS bus (to unplug it).
  std::size_t battery_node();
  std::int64_t now_ns() const { return now_ns_; }
  const physics::TerminalResult& last() const { return last_; }
  double one_c_A() const { return one_c_A_; }

 private:
  std::unique_ptr<PlantRig> rig_;
  std::unique_ptr<protocol::Dbc> dbc_;
  std::unique_ptr<inverter::Inverter> inverter_;
  physics::TerminalResult last_;
  std::int64_t now_ns_ = 0;
  double one_c_A_ = 0.0;
};

}  // namespace stacksim::sim::testing
