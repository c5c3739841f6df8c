// Cross-check of the firmware's view against the physics: after every step
// of a run, the minimum and maximum cell voltage and temperature in the
// unit's debug status must lie within the front end's stated accuracy of
// what the physics had during the time the measurement took to arrive.
//
// The bounds come from models/hardware (the product's board specs):
//   cell voltage: 4 x (gain_sigma x V + offset_sigma + noise_sigma) + LSB;
//   temperature:  the NTC's R25 and beta tolerances (bounds) turned into
//                 degrees at the temperature, 4 x ADC noise plus half a code
//                 through the divider's slope, and the 0.1 C output step.
// "What the physics had" is the range of the physics' extremes over the
// measurement path's latency and one status period (the change over one
// sampling period); for temperatures also over five thermistor time
// constants, since an NTC shows a lagged average of its cell (what is older
// weighs e^-5 at most, allowed for).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "measured.hpp"
#include "plant_fixture.hpp"

namespace stacksim::sim::testing {

// Extreme of a value over a sliding window of time (a monotonic queue, so
// every step costs O(1) however long the window).
class WindowExtreme {
 public:
  WindowExtreme(std::int64_t window_ns, bool max) : window_ns_(window_ns), max_(max) {}
  void push(std::int64_t t_ns, double v);
  double value() const { return q_.front().second; }

 private:
  std::int64_t window_ns_;
  bool max_;
  std::deque<std::pair<std::int64_t, double>> q_;
};

// Construct it before the rig's first step and call after_step() after every
// step: the physics before the first step is taken as it was then.
class CrossCheck {
 public:
  explicit CrossCheck(PlantRig& rig, std::size_t branch = 0);

  // After each rig.step(): compares the present status with the history.
  void after_step();

  std::size_t compared() const { return compared_; }
  std::size_t failures() const { return failures_; }
  // Largest error seen, as a fraction of the bound at the time (< 1: inside).
  double worst_cell_fraction() const { return worst_cell_; }
  double worst_temp_fraction() const { return worst_temp_; }
  std::string first_failure() const { return first_failure_; }

  // The bounds, for the tests' own statement of them.
  double cell_bound_mV(double cell_mV) const;
  double temp_bound_C(double temp_C) const;

 private:
  void fail(const std::string& what);

  PlantRig& rig_;
  std::size_t branch_;
  MeasuredQuantities measured_;
  hw::CellFrontEndSpec afe_;
  hw::TemperatureSensorsSpec ntc_;
  std::vector<std::size_t> groups_;
  std::vector<std::size_t> sensed_cells_;
  std::int64_t cell_window_ns_ = 0, temp_window_ns_ = 0;
  // Ranges of the physics' extremes over the windows (lo: smallest, hi:
  // largest value the extreme took).
  WindowExtreme cell_min_lo_, cell_min_hi_, cell_max_lo_, cell_max_hi_;
  WindowExtreme temp_min_lo_, temp_min_hi_, temp_max_lo_, temp_max_hi_;
  double temp_lo_ever_ = 1e9, temp_hi_ever_ = -1e9;
  std::int64_t last_ns_;
  std::size_t compared_ = 0, failures_ = 0;
  double worst_cell_ = 0.0, worst_temp_ = 0.0;
  std::string first_failure_;
};

// Steps the rig with the command until done() holds or limit_ns passes,
// the cross-check after every step; the time done() held, or nullopt.
template <typename Done>
std::optional<std::int64_t> run_checked(PlantRig& rig, CrossCheck& check, Done done, std::int64_t limit_ns,
                                        const physics::TerminalCommand& cmd = physics::TerminalCommand::current(0.0)) {
  while (rig.now_ns() < limit_ns) {
    rig.step(cmd);
    check.after_step();
    if (done()) return rig.now_ns();
  }
  return std::nullopt;
}

inline void run_checked(PlantRig& rig, CrossCheck& check, std::int64_t until_ns,
                        const physics::TerminalCommand& cmd = physics::TerminalCommand::current(0.0)) {
  run_checked(rig, check, [] { return false; }, until_ns, cmd);
}

}  // namespace stacksim::sim::testing
