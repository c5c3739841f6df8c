// NTC thermistors glued to cells, read through a pull-up divider by a
// ratiometric ADC, plus the board's own temperature sensor.
//
// Each thermistor follows its cell's temperature with a first-order lag
// (time constant of bead, glue and pad). A conversion turns the thermistor's
// true temperature into a resistance with the part's own R25 and beta (drawn
// once per run within the tolerances, stream "<board>/ntc/calibration"), the
// divider into an ADC code (with noise, "<board>/ntc/noise"), and the code
// back into 0.1 degC with the NOMINAL R25 and beta, as firmware does: the
// error is that of a real part and grows away from 25 degC.
// An open thermistor pulls the input to the top rail, a shorted one to the
// bottom rail; a code at either rail is what the HAL reports as SSIM_E_FAULT
// (docs/hardware.md). Codes short of a rail convert to whatever temperature
// they mean, however absurd.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "physics/system.hpp"
#include "hw/sensor_fault.hpp"
#include "util/rng.hpp"

namespace stacksim::hw {

struct TemperatureSensorsSpec {
  std::vector<std::uint16_t> positions;  // series position (channel) of the cell each NTC touches
  double r25_ohm = 10'000.0;
  double beta_K = 3435.0;
  double r25_tolerance = 0.01;           // bound, relative
  double beta_tolerance = 0.01;          // bound, relative
  double pullup_ohm = 10'000.0;          // from the ADC reference to the NTC; NTC to ground
  int adc_bits = 12;
  double adc_noise_lsb = 0.5;            // sigma, per conversion
  double time_constant_s = 20.0;         // cell surface to thermistor
  std::int64_t sample_period_ns = 100'000'000;
  double board_self_heating_C = 2.0;     // board sensor above its housing
};

enum class NtcFault { kNone, kOpen, kShort };

class TemperatureSensors {
 public:
  // `cells`: the physics cell index each sensor touches (one per position).
  TemperatureSensors(const TemperatureSensorsSpec& spec, std::vector<std::size_t> cells,
                     std::uint64_t seed, const std::string& board_name);

  const TemperatureSensorsSpec& spec() const { return spec_; }
  std::size_t count() const { return cells_.size(); }

  // Follows the cells with the thermal lag. Call after every physics step,
  // board powered or not: the thermistor warms with its cell either way.
  void track(std::int64_t t_ns, const physics::PhysicsSystem& physics);
  // Converts every sensor and the board sensor (housing temperature given).
  void convert(std::int64_t t_ns, double housing_C);
  void clear() { ready_ = false; }
  bool ready() const { return ready_; }

  // The HAL's view: 0.1 degC, or false when the code sits at a rail.
  bool reading_dC(std::size_t sensor, std::int16_t& dC) const;
  std::int16_t board_reading_dC() const { return board_dC_; }
  std::uint16_t code(std::size_t sensor) const { return code_[sensor]; }

  // The thermistor's own (lagged) temperature now, for tests and recorders.
  double sensor_temperature_C(std::size_t sensor, std::int64_t t_ns) const;
  double r25_ohm(std::size_t sensor) const { return r25_[sensor]; }
  double beta_K(std::size_t sensor) const { return beta_[sensor]; }

  void set_fault(std::size_t sensor, NtcFault fault) { fault_[sensor] = fault; }
  // A wrong reading rather than a broken wire (SensorFault: value in degC,
  // or seconds for delayed and intermittent; an intermittent dropout reads
  // as an open thermistor).
  void set_reading_fault(std::size_t sensor, SensorFault::Kind kind, double value, std::int64_t now_ns) {
    reading_faults_[sensor].set(kind, value, now_ns);
  }

 private:
  TemperatureSensorsSpec spec_;
  std::vector<std::size_t> cells_;
  Rng noise_;
  std::vector<double> r25_, beta_;
  // Lag: the sensor was at state_C at t_state_ns, heading for target_C.
  std::vector<double> state_C_, target_C_;
  std::vector<std::int64_t> t_state_ns_;
  std::vector<NtcFault> fault_;
  std::vector<SensorFault> reading_faults_;
  std::vector<std::uint16_t> code_;
  std::vector<std::int16_t> dC_;
  std::int16_t board_dC_ = 0;
  std::uint16_t full_scale_ = 4096;
  bool tracking_ = false;
  bool ready_ = false;
};

}  // namespace stacksim::hw
