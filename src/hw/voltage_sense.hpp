// The board's high-voltage (or pack-voltage) dividers: the battery side of
// the main switch and the link (PCS) side. Each point has its own gain error
// and offset drawn once per run ("<board>/vsense/calibration") and noise per
// sample ("<board>/vsense/noise"); readings round to the resolution and
// saturate at the range. Sampled every sample period from power-on, held in
// between.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "util/rng.hpp"

namespace stacksim::hw {

struct VoltageSenseSpec {
  double resolution_mV = 100.0;
  double range_V = 1000.0;
  double gain_sigma = 2.0e-3;
  double offset_sigma_mV = 100.0;
  double noise_sigma_mV = 50.0;
  std::int64_t sample_period_ns = 10'000'000;
};

class VoltageSense {
 public:
  enum Point { kBattery = 0, kLink = 1 };

  VoltageSense(const VoltageSenseSpec& spec, std::uint64_t seed, const std::string& board_name);

  const VoltageSenseSpec& spec() const { return spec_; }
  void sample(double battery_V, double link_V);
  void clear() { ready_ = false; }
  bool ready() const { return ready_; }
  std::int32_t reading_mV(Point p) const { return reading_mV_[p]; }
  double gain_error(Point p) const { return gain_[p]; }
  double offset_mV(Point p) const { return offset_mV_[p]; }

 private:
  VoltageSenseSpec spec_;
  Rng noise_;
  std::array<double, 2> gain_{}, offset_mV_{};
  std::array<std::int32_t, 2> reading_mV_{};
  bool ready_ = false;
};

}  // namespace stacksim::hw
