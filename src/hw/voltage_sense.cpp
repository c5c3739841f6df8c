#include "hw/voltage_sense.hpp"

#include <cassert>

#include "hw/sensor_math.hpp"

namespace stacksim::hw {

VoltageSense::VoltageSense(const VoltageSenseSpec& spec, std::uint64_t seed, const std::string& board_name)
    : spec_(spec), noise_(seed, board_name + "/vsense/noise") {
  assert(spec_.resolution_mV > 0.0 && spec_.sample_period_ns > 0);
  Rng calibration(seed, board_name + "/vsense/calibration");
  for (std::size_t p = 0; p < 2; ++p) {
    gain_[p] = draw_static_error(calibration, spec_.gain_sigma);
    offset_mV_[p] = draw_static_error(calibration, spec_.offset_sigma_mV);
  }
}

void VoltageSense::sample(double battery_V, double link_V) {
  const double range_mV = 1000.0 * spec_.range_V;
  const double v[2] = {battery_V, link_V};
  for (std::size_t p = 0; p < 2; ++p) {
    const double mV = 1000.0 * v[p] * (1.0 + gain_[p]) + offset_mV_[p] + spec_.noise_sigma_mV * fast_normal(noise_);
    // A divider with a unipolar ADC cannot read below 0 V.
    reading_mV_[p] = quantise(mV, spec_.resolution_mV, 0.0, range_mV);
  }
  ready_ = true;
}

}  // namespace stacksim::hw
