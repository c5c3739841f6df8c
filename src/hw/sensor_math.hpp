// Error and quantisation helpers shared by the simulated sensors.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "util/rng.hpp"

namespace stacksim::hw {

inline constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

// Set bits of a word, written out so that it inlines without -mpopcnt (the
// library call costs more than the draw it is part of).
inline int ones(std::uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ULL);
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return static_cast<int>((x * 0x0101010101010101ULL) >> 56);
}

// A standard-normal draw cheap enough for every conversion: 128 fair bits,
// centred and scaled to variance 1 (a binomial; it departs from a Gaussian
// only in the far tails and is bounded at 11.3 sigma). Box-Muller costs
// ~25 ns a draw and a 16-channel scan must stay within ~500 ns. Fewer bits
// make the steps coarse enough (0.25 sigma with 64) to bias the rounding to
// the converter's resolution that the noise is there to dither.
inline double fast_normal(Rng& rng) {
  const int n = ones(rng.next_u64()) + ones(rng.next_u64());
  return static_cast<double>(n - 64) * 0.17677669529663687;  // 1/sqrt(32)
}

// A part's static error, drawn once per run: normal, clipped at 3 sigma
// because parts beyond it fail the maker's end-of-line test and never ship.
inline double draw_static_error(Rng& rng, double sigma) {
  return sigma * std::clamp(rng.normal(), -3.0, 3.0);
}

// Half away from zero, inline (std::lround is a library call).
inline std::int64_t round_half_away(double x) { return static_cast<std::int64_t>(x + (x < 0.0 ? -0.5 : 0.5)); }

// An ADC result in firmware units: saturates at the range, then rounds to the
// nearest multiple of `lsb`.
inline std::int32_t quantise(double value, double lsb, double lo, double hi) {
  const double code = static_cast<double>(round_half_away(std::clamp(value, lo, hi) / lsb));
  return static_cast<std::int32_t>(round_half_away(code * lsb));
}

// A conversion repeated every `period_ns`, aligned to the instant the board
// was powered on (the converters start with the board).
class Period {
 public:
  explicit Period(std::int64_t period_ns = 0) : period_ns_(period_ns) {}
  void start(std::int64_t t_ns) { next_ns_ = t_ns; }
  void stop() { next_ns_ = kNever; }
  std::int64_t next_ns() const { return next_ns_; }
  std::int64_t period_ns() const { return period_ns_; }
  // True once per period: when `t_ns` has reached the next conversion.
  // Conversions missed by a long step are dropped, not queued, as a real
  // free-running converter would overwrite them.
  bool due(std::int64_t t_ns) {
    if (t_ns < next_ns_) return false;
    next_ns_ += ((t_ns - next_ns_) / period_ns_ + 1) * period_ns_;
    return true;
  }

 private:
  std::int64_t period_ns_;
  std::int64_t next_ns_ = kNever;
};

}  // namespace stacksim::hw
