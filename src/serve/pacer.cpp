#include "serve/pacer.hpp"

#include <cmath>

namespace stacksim::serve {

Pacer::Pacer(Clock& clock, double speed) : clock_(clock), speed_(speed), histogram_(std::make_unique<std::array<std::uint32_t, kBins + 1>>()) {}

void Pacer::pace(std::int64_t sim_ns) {
  if (!started_) {
    started_ = true;
    wall0_ns_ = clock_.now_ns();
    sim0_ns_ = sim_ns;
  }
  const auto due_ns = wall0_ns_ + static_cast<std::int64_t>(std::llround(static_cast<double>(sim_ns - sim0_ns_) / speed_));
  if (clock_.now_ns() < due_ns) clock_.wait_until(due_ns);
  const std::int64_t late = clock_.now_ns() - due_ns;
  last_ns_ = late > 0 ? late : 0;
  if (last_ns_ > max_ns_) max_ns_ = last_ns_;
  const auto bin = static_cast<std::size_t>(last_ns_ / kBinNs);
  ++(*histogram_)[bin < kBins ? bin : kBins];
  ++ticks_;
}

sim::LatenessStats Pacer::stats() const {
  sim::LatenessStats s;
  s.ticks = ticks_;
  s.max_ns = max_ns_;
  if (ticks_ == 0) return s;
  // The upper edge of the bin that holds the quantile (at most the maximum).
  const auto quantile = [&](double q) {
    const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(ticks_)));
    std::uint64_t seen = 0;
    for (std::size_t b = 0; b <= kBins; ++b) {
      seen += (*histogram_)[b];
      if (seen >= rank) {
        const std::int64_t edge = static_cast<std::int64_t>(b + 1) * kBinNs;
        return edge < max_ns_ ? edge : max_ns_;
      }
    }
    return max_ns_;
  };
  s.p50_ns = quantile(0.50);
  s.p99_ns = quantile(0.99);
  return s;
}

}  // namespace stacksim::serve
