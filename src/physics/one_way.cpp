// Branches that conduct one way only (PhysicsSystem::Conduction): which of
// them carry current in this step.
//
// An ideal diode conducts exactly when the rest of the circuit would drive
// current through it in its forward direction. Settling that is a small
// complementarity problem; with a handful of branches it is solved by
// repetition: solve with the one-way branches that conduct now, stop the one
// carrying the largest wrong-way current, solve again, until none does; then
// let blocked branches back in if the bus now forward-biases them, and repeat.
// Stopping one branch at a time only ever removes wrong-way current, and a
// branch let back in is forward-biased, so the repetition ends (bounded below
// by the branch count in any case). Most steps need one solve: the set of the
// previous step is the starting guess.
#include <cmath>

#include "physics/system.hpp"

namespace stacksim::physics {

namespace {

constexpr double kWrongWay_A = 1e-9;  // below this a current is zero

double forward(PhysicsSystem::Conduction c) {
  return c == PhysicsSystem::Conduction::kChargeOnly ? 1.0 : -1.0;  // + = charge
}

}  // namespace

bool PhysicsSystem::one_way_wants_to_conduct(std::size_t b, const TerminalCommand& command,
                                             bool bus_known) {
  const double dir = forward(branch_conduction_[b]);
  double e = 0.0, z = 0.0;
  branch_thevenin(b, e, z);
  if (bus_known) return dir * (bus_V_ - e) > 0.0;
  // Nothing else conducts: the command alone decides.
  switch (command.mode) {
    case TerminalCommand::Mode::kCurrent:
      return dir * command.current_A > 0.0;
    case TerminalCommand::Mode::kPower:
      return dir * command.power_W > 0.0;
    case TerminalCommand::Mode::kVoltage:
      return dir * (command.voltage_V - e) > 0.0;
  }
  return false;
}

void PhysicsSystem::solve_with_one_way(const TerminalCommand& command, TerminalResult& result) {
  solve_branch_currents(command, result);
  if (one_way_count_ == 0) return;
  const std::size_t n = branches_.size();
  for (std::size_t round = 0; round <= n; ++round) {
    // Stop the worst wrong-way branch until none is left.
    for (;;) {
      std::size_t worst = n;
      double worst_A = kWrongWay_A;
      for (std::size_t b = 0; b < n; ++b) {
        const Conduction c = branch_conduction_[b];
        if (!branch_closed_[b] || c == Conduction::kClosed || c == Conduction::kOpen) continue;
        const double wrong_A = -forward(c) * branch_current_A_[b];
        if (wrong_A > worst_A) {
          worst_A = wrong_A;
          worst = b;
        }
      }
      if (worst == n) break;
      branch_closed_[worst] = 0;
      result = TerminalResult{};
      solve_branch_currents(command, result);
    }
    // Let forward-biased blocked branches back in.
    std::size_t conducting = 0, only = n;
    for (std::size_t b = 0; b < n; ++b) {
      if (branch_closed_[b]) {
        ++conducting;
        only = b;
      }
    }
    if (conducting == 1) {
      // The solve may have taken the command directly: the bus is that
      // branch's terminal voltage under the current it carries.
      double e = 0.0, z = 0.0;
      branch_thevenin(only, e, z);
      bus_V_ = e + z * branch_current_A_[only];
    }
    bool changed = false;
    for (std::size_t b = 0; b < n; ++b) {
      const Conduction c = branch_conduction_[b];
      if (branch_closed_[b] || c == Conduction::kClosed || c == Conduction::kOpen) continue;
      if (one_way_wants_to_conduct(b, command, conducting > 0)) {
        branch_closed_[b] = 1;
        changed = true;
      }
    }
    if (!changed) return;
    result = TerminalResult{};
    solve_branch_currents(command, result);
  }
}

}  // namespace stacksim::physics
