// The cell-voltage front end (AFE) of one board: one channel per series group
// of a module or pack, multiplexed onto one ADC.
//
// What a conversion does (docs/hardware.md, "Cell front end"):
//   reading = clamp(V * (1 + gain_c) + offset_c + noise, min, max), rounded
//   to the LSB. gain_c and offset_c are drawn once per run per channel from
//   the stream "<board>/afe/calibration"; noise is drawn per conversion from
//   "<board>/afe/noise".
// Timing: one scan converts every channel; the board starts a scan every
// scan period from its power-on instant. Every channel of a scan represents
// the physics state at the sample() call in which the scan fell due (the
// real chip spreads the channels over ~2 ms, below the physics step). A
// reading is held until the next scan.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "physics/system.hpp"
#include "stacksim/hal.h"
#include "hw/sensor_fault.hpp"
#include "util/rng.hpp"

namespace stacksim::hw {

struct CellFrontEndSpec {
  std::uint16_t channels = 16;
  double lsb_mV = 1.0;
  double min_mV = 0.0;              // ADC input range
  double max_mV = 5000.0;
  double gain_sigma = 2.0e-4;       // relative, per channel
  double offset_sigma_mV = 0.4;     // per channel
  double noise_sigma_mV = 0.25;     // per conversion
  std::int64_t scan_period_ns = 100'000'000;
};

enum class ChannelFault {
  kNone,
  kStuck,         // reads `value` mV whatever the cell does
  kOffset,        // adds `value` mV to every conversion
  kDrift,         // the error grows by `value` mV per hour
  kNoise,         // extra noise of `value` mV (one sigma)
  kDelayed,       // follows the cell with a lag of `value` seconds (a failing filter capacitor)
  kIntermittent,  // reads 0 mV for the first half of every `value` seconds (a loose sense wire)
};

class CellFrontEnd {
 public:
  CellFrontEnd(const CellFrontEndSpec& spec, std::uint64_t seed, const std::string& board_name);

  const CellFrontEndSpec& spec() const { return spec_; }
  std::uint16_t channels() const { return spec_.channels; }

  // One scan of all channels; channel c measures physics group first_group + c.
  void scan(const physics::PhysicsSystem& physics, std::size_t first_group);
  // Power-on: nothing converted yet.
  void clear() { ready_ = false; }
  bool ready() const { return ready_; }
  std::int32_t reading_mV(std::uint16_t channel) const { return reading_mV_[channel]; }

  // Sense wire w joins channel w-1 (below) and channel w (above); wire 0 is
  // the bottom of the stack, wire `channels` the top.
  void set_open_wire(std::size_t wire, bool open);
  bool open_wire(std::size_t wire) const { return open_[wire]; }
  void set_channel_fault(std::uint16_t channel, ChannelFault kind, double value, std::int64_t now_ns = 0);
  // The chip stops answering (isoSPI / CRC failure): the HAL reports
  // SSIM_E_FAULT for every channel.
  void set_failed(bool failed) { failed_ = failed; }
  bool failed() const { return failed_; }

  double gain_error(std::uint16_t channel) const { return gain_[channel]; }
  double offset_mV(std::uint16_t channel) const { return offset_mV_[channel]; }

 private:
  // Cell voltages (mV) as the ADC inputs see them, open wires applied.
  void input_voltages_mV(const physics::PhysicsSystem& physics, std::size_t first_group,
                         double* out_mV) const;

  CellFrontEndSpec spec_;
  Rng noise_;
  std::array<double, SSIM_MAX_CELLS> gain_{}, gain_factor_{}, offset_mV_{};
  std::array<SensorFault, SSIM_MAX_CELLS> channel_faults_{};
  std::array<ChannelFault, SSIM_MAX_CELLS> fault_{};
  std::array<std::int32_t, SSIM_MAX_CELLS> reading_mV_{};
  std::array<bool, SSIM_MAX_CELLS + 1> open_{};
  int open_count_ = 0;
  int fault_count_ = 0;
  bool ready_ = false;
  bool failed_ = false;
};

}  // namespace stacksim::hw
