#include "hw/fuse.hpp"

#include <cmath>

namespace stacksim::hw {

bool Fuse::pass(double current_A, std::int64_t dt_ns) {
  if (blown_) return false;
  const double i2 = current_A * current_A;
  const double in2 = spec_.rated_current_A * spec_.rated_current_A;
  if (i2 <= in2) {
    if (heat_A2s_ != 0.0) {
      heat_A2s_ *= std::exp(-1e-9 * static_cast<double>(dt_ns) / spec_.cooling_time_constant_s);
      if (heat_A2s_ < 1e-9 * spec_.melting_i2t_A2s) heat_A2s_ = 0.0;
    }
    return false;
  }
  heat_A2s_ += (i2 - in2) * 1e-9 * static_cast<double>(dt_ns);
  if (heat_A2s_ < spec_.melting_i2t_A2s) return false;
  blown_ = true;
  return true;
}

}  // namespace stacksim::hw
