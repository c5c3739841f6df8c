// Thinning a long run down to what a chart can show. A day recorded every
// second is 86400 rows; a chart is about 900 pixels wide. Keeping every row
// makes the page large and slow, while keeping every n-th row hides the
// one-sample spikes a BMS test is about. So each bucket of consecutive
// samples keeps its lowest and its highest: the drawn line covers exactly
// the range the full data covers at every pixel. See docs/report.md.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "report/run_data.hpp"

namespace stacksim::report {

// Points per drawn series: about two per horizontal pixel.
constexpr std::size_t kMaxPointsPerSeries = 2000;
// Bands per timeline row: about one per horizontal pixel, since a band
// narrower than a pixel cannot be seen (and each carries a tooltip).
constexpr std::size_t kMaxBandsPerRow = 1000;

struct Point {
  double t_s = 0.0;
  double value = 0.0;
};

// `points` unchanged if there are at most `max_points` (>= 2); otherwise
// max_points / 2 buckets of consecutive points, each giving its lowest and its
// highest point in time order (one point if they are the same).
std::vector<Point> decimate_min_max(std::span<const Point> points, std::size_t max_points);

// The finite stretches of one series (a NaN ends a stretch, so a gap in the
// data stays a gap in the line), each decimated with its share of
// `max_points` (at least 2).
std::vector<std::vector<Point>> line_segments(std::span<const double> time_s,
                                              std::span<const double> values,
                                              std::size_t max_points);

// `runs` unchanged if there are at most `max_runs`; otherwise [t0_s, t1_s] is
// cut into `max_runs` equal buckets, each bucket takes combine() of the values
// of every run that touches it (so a short alarm still marks its bucket), and
// equal neighbours merge.
template <typename V, typename Combine>
std::vector<Run<V>> coarsen_runs(const std::vector<Run<V>>& runs, double t0_s, double t1_s,
                                 std::size_t max_runs, Combine combine) {
  if (runs.size() <= max_runs || !(t1_s > t0_s) || max_runs == 0) return runs;
  const double width_s = (t1_s - t0_s) / static_cast<double>(max_runs);
  const auto bucket = [&](double t_s) {
    const double index = std::floor((t_s - t0_s) / width_s);
    return static_cast<std::size_t>(std::clamp(index, 0.0, static_cast<double>(max_runs - 1)));
  };
  std::vector<std::optional<V>> buckets(max_runs);
  for (const Run<V>& r : runs) {
    // A run that ends on a bucket's start does not reach into that bucket.
    const std::size_t first = bucket(r.from_s);
    const std::size_t last = r.to_s > r.from_s ? std::max(first, bucket(std::nextafter(r.to_s, r.from_s)))
                                               : first;
    for (std::size_t b = first; b <= last; ++b) {
      buckets[b] = buckets[b] ? combine(*buckets[b], r.value) : r.value;
    }
  }
  std::vector<Run<V>> out;
  for (std::size_t b = 0; b < max_runs; ++b) {
    if (!buckets[b]) continue;
    const double from_s = t0_s + width_s * static_cast<double>(b);
    const double to_s = b + 1 == max_runs ? t1_s : from_s + width_s;
    if (!out.empty() && out.back().value == *buckets[b] && out.back().to_s == from_s) {
      out.back().to_s = to_s;
    } else {
      out.push_back({from_s, to_s, *buckets[b]});
    }
  }
  return out;
}

}  // namespace stacksim::report
