// What the outside world does at the system terminals during one step.
// Currents are positive into the battery (charge).
#pragma once

namespace stacksim::physics {

struct TerminalCommand {
  enum class Mode {
    kCurrent,  // current_A
    kPower,    // power_W (positive = charge)
    kVoltage,  // hold voltage_V with |current| <= current_limit_A (CC-CV)
  };
  Mode mode = Mode::kCurrent;
  double current_A = 0.0;
  double power_W = 0.0;
  double voltage_V = 0.0;
  double current_limit_A = 0.0;

  static TerminalCommand current(double amps) { return {Mode::kCurrent, amps, 0.0, 0.0, 0.0}; }
  static TerminalCommand power(double watts) { return {Mode::kPower, 0.0, watts, 0.0, 0.0}; }
  static TerminalCommand voltage(double volts, double limit_A) {
    return {Mode::kVoltage, 0.0, 0.0, volts, limit_A};
  }
};

// What the terminals did. Conditions the source could not meet are flags, not
// errors: they are facts of the simulated world.
struct TerminalResult {
  double current_A = 0.0;
  double voltage_V = 0.0;        // bus voltage; 0 when every branch is open
  bool open_circuit = false;     // current asked for but no branch closed
  bool power_limited = false;    // discharge power above the maximum-power point
  bool current_limited = false;  // kVoltage: the limit, not the voltage, set the current
};

}  // namespace stacksim::physics
