// What the inverter is asked to do at the battery terminals this step, before
// the battery's limits: a current, a power or a voltage to hold (with a
// current limit). Positive = charge.
#pragma once

#include "physics/command.hpp"

namespace stacksim::inverter {

struct Demand {
  enum class Kind { kCurrent, kPower, kVoltage };
  Kind kind = Kind::kCurrent;
  double current_A = 0.0;        // kCurrent; kVoltage: the current limit (> 0)
  double power_W = 0.0;          // kPower
  double voltage_V = 0.0;        // kVoltage
  bool grid_available = true;    // force / full charge draw from the grid

  static Demand from_command(const physics::TerminalCommand& c) {
    Demand d;
    switch (c.mode) {
      case physics::TerminalCommand::Mode::kCurrent:
        d.current_A = c.current_A;
        break;
      case physics::TerminalCommand::Mode::kPower:
        d.kind = Kind::kPower;
        d.power_W = c.power_W;
        break;
      case physics::TerminalCommand::Mode::kVoltage:
        d.kind = Kind::kVoltage;
        d.voltage_V = c.voltage_V;
        d.current_A = c.current_limit_A;
        break;
    }
    return d;
  }
};

}  // namespace stacksim::inverter
