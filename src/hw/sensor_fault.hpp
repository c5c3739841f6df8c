// What a failing sensor reads instead of the truth. One fault at a time per
// sensor (a thermistor, a cell-voltage channel, the shunt); the faults of
// the scenario catalogue that are about sensors, docs/faults.md.
#pragma once

#include <cstdint>
#include <optional>

#include "util/rng.hpp"

namespace stacksim::hw {

class SensorFault {
 public:
  enum class Kind {
    kNone,
    kStuck,         // reads `value`
    kOffset,        // reads `value` too high
    kDrift,         // the error grows by `value` per hour from the fault's start
    kNoise,         // extra Gaussian noise of `value` (one sigma) on every reading
    kDelayed,       // follows the truth with a first-order lag of `value` seconds
    kIntermittent,  // gives no reading for the first half of every `value` seconds
  };

  // value in the sensor's own unit (mV, degC, mA), or seconds for kDelayed
  // and kIntermittent.
  void set(Kind kind, double value, std::int64_t now_ns);
  bool active() const { return kind_ != Kind::kNone; }
  Kind kind() const { return kind_; }

  // The reading for the true value at t_ns; nullopt while an intermittent
  // sensor drops out. `noise` is the sensor's own stream (drawn from only
  // while a noise fault is on, so a healthy sensor's readings do not change).
  std::optional<double> apply(double truth, std::int64_t t_ns, Rng& noise);

 private:
  Kind kind_ = Kind::kNone;
  double value_ = 0.0;
  std::int64_t since_ns_ = 0;
  double lagged_ = 0.0;
  std::int64_t lagged_ns_ = -1;  // -1: the lag starts from the next truth
};

}  // namespace stacksim::hw
