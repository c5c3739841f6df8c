#include "hw/cell_front_end.hpp"

#include <cassert>

#include "hw/sensor_math.hpp"

namespace stacksim::hw {

CellFrontEnd::CellFrontEnd(const CellFrontEndSpec& spec, std::uint64_t seed,
                           const std::string& board_name)
    : spec_(spec), noise_(seed, board_name + "/afe/noise") {
  assert(spec_.channels >= 1 && spec_.channels <= SSIM_MAX_CELLS);
  assert(spec_.lsb_mV > 0.0 && spec_.scan_period_ns > 0);
  Rng calibration(seed, board_name + "/afe/calibration");
  for (std::size_t c = 0; c < spec_.channels; ++c) {
    gain_[c] = draw_static_error(calibration, spec_.gain_sigma);
    gain_factor_[c] = 1.0 + gain_[c];
    offset_mV_[c] = draw_static_error(calibration, spec_.offset_sigma_mV);
  }
}

void CellFrontEnd::set_open_wire(std::size_t wire, bool open) {
  assert(wire <= spec_.channels);
  if (open_[wire] == open) return;
  open_[wire] = open;
  open_count_ += open ? 1 : -1;
}

void CellFrontEnd::set_channel_fault(std::uint16_t channel, ChannelFault kind, double value, std::int64_t now_ns) {
  assert(channel < spec_.channels);
  if ((fault_[channel] != ChannelFault::kNone) != (kind != ChannelFault::kNone)) {
    fault_count_ += kind != ChannelFault::kNone ? 1 : -1;
  }
  fault_[channel] = kind;
  constexpr SensorFault::Kind kKinds[] = {SensorFault::Kind::kNone,  SensorFault::Kind::kStuck,
                                          SensorFault::Kind::kOffset, SensorFault::Kind::kDrift,
                                          SensorFault::Kind::kNoise,  SensorFault::Kind::kDelayed,
                                          SensorFault::Kind::kIntermittent};
  channel_faults_[channel].set(kKinds[static_cast<int>(kind)], value, now_ns);
}

// An open sense wire leaves its node of the filter network floating. The
// ADC's input current and the charge sharing between the filter capacitors
// pull the node to the potential of the node below (above, for the bottom
// wire, which has none below), so the channel below the open wire reads ~0
// and the channel above it reads the two cells together.
void CellFrontEnd::input_voltages_mV(const physics::PhysicsSystem& physics,
                                     std::size_t first_group, double* out_mV) const {
  const std::size_t n = spec_.channels;
  std::array<double, SSIM_MAX_CELLS + 1> node{};
  for (std::size_t c = 0; c < n; ++c) node[c + 1] = node[c] + 1000.0 * physics.group_voltage_V(first_group + c);
  if (open_[0]) {
    std::size_t up = 1;
    while (up <= n && open_[up]) ++up;
    node[0] = up <= n ? node[up] : node[0];
  }
  for (std::size_t w = 1; w <= n; ++w) {
    if (open_[w]) node[w] = node[w - 1];
  }
  for (std::size_t c = 0; c < n; ++c) out_mV[c] = node[c + 1] - node[c];
}

// A POPCNT clone (x86-64-v2) where the CPU has it: the noise draw is two
// population counts per channel, otherwise a dozen operations each. Same
// results bit for bit (a count is a count).
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
__attribute__((target_clones("arch=x86-64-v2", "default")))
#endif
void CellFrontEnd::scan(const physics::PhysicsSystem& physics, std::size_t first_group) {
  const std::size_t n = spec_.channels;
  std::array<double, SSIM_MAX_CELLS> v_mV;
  if (open_count_ == 0) {
    for (std::size_t c = 0; c < n; ++c) v_mV[c] = 1000.0 * physics.group_voltage_V(first_group + c);
  } else {
    input_voltages_mV(physics, first_group, v_mV.data());
  }
  const double sigma = spec_.noise_sigma_mV;
  for (std::size_t c = 0; c < n; ++c) {
    double v = v_mV[c] * gain_factor_[c] + offset_mV_[c] + sigma * fast_normal(noise_);
    if (fault_count_ != 0 && fault_[c] != ChannelFault::kNone) {
      v = channel_faults_[c].apply(v, physics.time_ns(), noise_).value_or(0.0);
    }
    reading_mV_[c] = quantise(v, spec_.lsb_mV, spec_.min_mV, spec_.max_mV);
  }
  ready_ = true;
}

}  // namespace stacksim::hw
