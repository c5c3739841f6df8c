#include "hw/temperature_sensors.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "hw/sensor_math.hpp"

namespace stacksim::hw {
namespace {

constexpr double kT25_K = 298.15;
constexpr double kKelvin = 273.15;

std::int16_t to_dC(double t_C) {
  return static_cast<std::int16_t>(round_half_away(std::clamp(t_C * 10.0, -32768.0, 32767.0)));
}

}  // namespace

TemperatureSensors::TemperatureSensors(const TemperatureSensorsSpec& spec, std::vector<std::size_t> cells,
                                       std::uint64_t seed, const std::string& board_name)
    : spec_(spec), cells_(std::move(cells)), noise_(seed, board_name + "/ntc/noise") {
  assert(spec_.adc_bits >= 8 && spec_.adc_bits <= 16);
  assert(spec_.time_constant_s > 0.0 && spec_.sample_period_ns > 0);
  const std::size_t n = cells_.size();
  full_scale_ = static_cast<std::uint16_t>(1u << spec_.adc_bits);
  Rng calibration(seed, board_name + "/ntc/calibration");
  // Tolerances are bounds on the datasheet: uniform within them.
  for (std::size_t i = 0; i < n; ++i) {
    r25_.push_back(spec_.r25_ohm * (1.0 + spec_.r25_tolerance * (2.0 * calibration.uniform() - 1.0)));
    beta_.push_back(spec_.beta_K * (1.0 + spec_.beta_tolerance * (2.0 * calibration.uniform() - 1.0)));
  }
  state_C_.assign(n, 25.0);
  target_C_.assign(n, 25.0);
  t_state_ns_.assign(n, 0);
  fault_.assign(n, NtcFault::kNone);
  reading_faults_.assign(n, SensorFault{});
  code_.assign(n, 0);
  dC_.assign(n, 0);
}

// The cell temperature only moves at physics' slow updates (and set-up
// calls), so between changes the exponential is exact; a change is taken to
// happen at the first track() that sees it (at most one step late).
void TemperatureSensors::track(std::int64_t t_ns, const physics::PhysicsSystem& physics) {
  const auto& temperature_C = physics.cells().temperature_C;
  if (!tracking_) {
    for (std::size_t i = 0; i < cells_.size(); ++i) {
      state_C_[i] = target_C_[i] = temperature_C[cells_[i]];
      t_state_ns_[i] = t_ns;
    }
    tracking_ = true;
    return;
  }
  for (std::size_t i = 0; i < cells_.size(); ++i) {
    const double cell_C = temperature_C[cells_[i]];
    if (cell_C == target_C_[i]) continue;
    state_C_[i] = sensor_temperature_C(i, t_ns);
    t_state_ns_[i] = t_ns;
    target_C_[i] = cell_C;
  }
}

double TemperatureSensors::sensor_temperature_C(std::size_t i, std::int64_t t_ns) const {
  const double elapsed_s = 1e-9 * static_cast<double>(t_ns - t_state_ns_[i]);
  return target_C_[i] + (state_C_[i] - target_C_[i]) * std::exp(-elapsed_s / spec_.time_constant_s);
}

void TemperatureSensors::convert(std::int64_t t_ns, double housing_C) {
  const double top = static_cast<double>(full_scale_ - 1);
  for (std::size_t i = 0; i < cells_.size(); ++i) {
    double ratio = 0.0;  // V_adc / V_ref = R_ntc / (R_ntc + R_pullup)
    std::optional<double> t_C = sensor_temperature_C(i, t_ns);
    if (reading_faults_[i].active()) t_C = reading_faults_[i].apply(*t_C, t_ns, noise_);
    if (fault_[i] == NtcFault::kOpen || !t_C) {
      ratio = 1.0;
    } else if (fault_[i] == NtcFault::kShort) {
      ratio = 0.0;
    } else {
      const double t_K = *t_C + kKelvin;
      const double r = r25_[i] * std::exp(beta_[i] * (1.0 / t_K - 1.0 / kT25_K));
      ratio = r / (r + spec_.pullup_ohm);
    }
    const double code = ratio * full_scale_ + spec_.adc_noise_lsb * fast_normal(noise_);
    const auto c = static_cast<std::uint16_t>(round_half_away(std::clamp(code, 0.0, top)));
    code_[i] = c;
    if (c == 0 || c == full_scale_ - 1) continue;  // rail: no temperature to report
    // Firmware's conversion: nominal R25 and beta.
    const double r_meas = spec_.pullup_ohm * c / static_cast<double>(full_scale_ - c);
    const double t_K = 1.0 / (1.0 / kT25_K + std::log(r_meas / spec_.r25_ohm) / spec_.beta_K);
    dC_[i] = to_dC(t_K - kKelvin);
  }
  board_dC_ = to_dC(housing_C + spec_.board_self_heating_C);
  ready_ = true;
}

bool TemperatureSensors::reading_dC(std::size_t sensor, std::int16_t& dC) const {
  const std::uint16_t c = code_[sensor];
  if (c == 0 || c == full_scale_ - 1) return false;
  dC = dC_[sensor];
  return true;
}

}  // namespace stacksim::hw
