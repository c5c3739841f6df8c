#include "hw/sensor_fault.hpp"

#include <cmath>

#include "hw/sensor_math.hpp"

namespace stacksim::hw {

void SensorFault::set(Kind kind, double value, std::int64_t now_ns) {
  kind_ = kind;
  value_ = value;
  since_ns_ = now_ns;
  lagged_ns_ = -1;
}

std::optional<double> SensorFault::apply(double truth, std::int64_t t_ns, Rng& noise) {
  const double elapsed_s = 1e-9 * static_cast<double>(t_ns - since_ns_);
  switch (kind_) {
    case Kind::kNone: return truth;
    case Kind::kStuck: return value_;
    case Kind::kOffset: return truth + value_;
    case Kind::kDrift: return truth + value_ * elapsed_s / 3600.0;
    case Kind::kNoise: return truth + value_ * fast_normal(noise);
    case Kind::kDelayed: {
      // Exact for a truth held between readings, whatever their spacing.
      if (lagged_ns_ < 0) lagged_ = truth;
      else lagged_ += (truth - lagged_) * (1.0 - std::exp(-1e-9 * static_cast<double>(t_ns - lagged_ns_) / value_));
      lagged_ns_ = t_ns;
      return lagged_;
    }
    case Kind::kIntermittent: {
      const double phase = std::fmod(elapsed_s, value_);
      if (phase < 0.5 * value_) return std::nullopt;
      return truth;
    }
  }
  return truth;
}

}  // namespace stacksim::hw
