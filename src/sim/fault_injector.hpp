// The scenario's timeline acted out: each fault switched on at its time and,
// with "for", off again. Targets are checked against the system first, so a
// fault that is accepted always reaches a real part of the plant
// (docs/faults.md).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "physics/system.hpp"
#include "scenario/scenario.hpp"
#include "sim/system_config.hpp"
#include "util/diagnostics.hpp"

namespace stacksim::sim {

struct BmsSetup;
class Plant;

// Every target of the timeline exists in the system and its boards (the
// unit, module, cell, sensor, contactor, bus); faults on boards need a BMS.
void check_timeline(const scenario::Scenario& sc, const SystemConfig& config, const BmsSetup* bms,
                    Diagnostics& diags);

class FaultInjector {
 public:
  // Events must have passed check_timeline for this system. `plant` may be
  // null only if no event touches a board.
  FaultInjector(const std::vector<scenario::FaultEvent>& events, physics::PhysicsSystem& physics, Plant* plant);

  // Switches on and off what is due at or before now_ns; call before each
  // physics step. Returns the events switched on in this call.
  std::vector<std::size_t> apply_due(std::int64_t now_ns);

  // While an external short lasts: the command that replaces the inverter's
  // or the profile's (the terminals pulled towards 0 V, up to the
  // prospective short-circuit current).
  std::optional<physics::TerminalCommand> command_override() const {
    if (!short_limit_A_) return std::nullopt;
    return physics::TerminalCommand::voltage(0.0, *short_limit_A_);
  }

 private:
  struct Action {
    std::int64_t t_ns;
    std::size_t event;
    bool on;
  };
  void apply(const scenario::FaultEvent& e, bool on, std::int64_t now_ns);
  void apply_to_board(const scenario::FaultEvent& e, bool on, std::int64_t now_ns);
  void apply_link(const scenario::FaultEvent& e, bool on);
  std::size_t board_of(const scenario::FaultEvent& e) const;
  std::size_t group_of(const scenario::FaultEvent& e) const;

  const std::vector<scenario::FaultEvent>& events_;
  physics::PhysicsSystem& physics_;
  Plant* plant_;
  std::vector<Action> actions_;  // in time order; ends before starts at one instant
  std::size_t next_ = 0;
  std::vector<double> saved_C_;  // ambient before each event, to restore it
  struct Ramp {
    std::size_t event;
    std::int64_t start_ns;
    double from_C;
  };
  std::vector<Ramp> ramps_;  // ambient ramps under way
  std::optional<double> short_limit_A_;
};

}  // namespace stacksim::sim
