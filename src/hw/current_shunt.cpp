#include "hw/current_shunt.hpp"

#include <cassert>

#include "hw/sensor_math.hpp"

namespace stacksim::hw {

CurrentShunt::CurrentShunt(const CurrentShuntSpec& spec, std::uint64_t seed, const std::string& board_name)
    : spec_(spec), noise_(seed, board_name + "/shunt/noise") {
  assert(spec_.resolution_mA > 0.0 && spec_.sample_period_ns > 0);
  Rng calibration(seed, board_name + "/shunt/calibration");
  gain_ = draw_static_error(calibration, spec_.gain_sigma);
  offset_mA_ = draw_static_error(calibration, spec_.offset_sigma_mA);
}

void CurrentShunt::sample(double current_A, std::int64_t t_ns) {
  double mA = 1000.0 * current_A * (1.0 + gain_) + offset_mA_ + spec_.noise_sigma_mA * fast_normal(noise_);
  if (fault_.active()) {
    const auto faulty = fault_.apply(mA, t_ns, noise_);
    dropped_ = !faulty;
    mA = faulty.value_or(0.0);
  }
  const double range_mA = 1000.0 * spec_.range_A;
  reading_mA_ = quantise(mA, spec_.resolution_mA, -range_mA, range_mA);
  ready_ = true;
}

}  // namespace stacksim::hw
