// The current shunt and its amplifier/ADC: + is charge (into the battery).
//
// reading = clamp(I * (1 + gain) + offset + noise, +-range), rounded to the
// resolution. gain and offset are drawn once per run ("<board>/shunt/
// calibration"), noise per sample ("<board>/shunt/noise"). The board samples
// every sample period from its power-on; the value is held in between.
#pragma once

#include <cstdint>
#include <string>

#include "hw/sensor_fault.hpp"
#include "util/rng.hpp"

namespace stacksim::hw {

struct CurrentShuntSpec {
  double resolution_mA = 10.0;
  double range_A = 300.0;          // +- full scale
  double gain_sigma = 2.0e-3;      // shunt tolerance and amplifier gain together
  double offset_sigma_mA = 30.0;
  double noise_sigma_mA = 20.0;
  std::int64_t sample_period_ns = 10'000'000;
};

class CurrentShunt {
 public:
  CurrentShunt(const CurrentShuntSpec& spec, std::uint64_t seed, const std::string& board_name);

  const CurrentShuntSpec& spec() const { return spec_; }
  void sample(double current_A, std::int64_t t_ns = 0);
  void clear() { ready_ = false; }
  bool ready() const { return ready_; }
  std::int32_t reading_mA() const { return reading_mA_; }

  double gain_error() const { return gain_; }
  double offset_mA() const { return offset_mA_; }
  // The amplifier or its ADC stops answering: the HAL reports SSIM_E_FAULT.
  void set_failed(bool failed) { failed_ = failed; }
  bool failed() const { return failed_ || dropped_; }
  // A wrong reading (SensorFault: value in mA, or seconds for delayed and
  // intermittent; an intermittent dropout reads as a failed amplifier).
  void set_reading_fault(SensorFault::Kind kind, double value, std::int64_t now_ns) { fault_.set(kind, value, now_ns); }

 private:
  CurrentShuntSpec spec_;
  Rng noise_;
  double gain_ = 0.0, offset_mA_ = 0.0;
  std::int32_t reading_mA_ = 0;
  bool ready_ = false;
  bool failed_ = false;
  bool dropped_ = false;
  SensorFault fault_;
};

}  // namespace stacksim::hw
