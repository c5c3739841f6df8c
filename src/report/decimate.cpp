#include "report/decimate.hpp"

namespace stacksim::report {

std::vector<Point> decimate_min_max(std::span<const Point> points, std::size_t max_points) {
  if (points.size() <= std::max<std::size_t>(max_points, 2)) {
    return {points.begin(), points.end()};
  }
  const std::size_t buckets = std::max<std::size_t>(max_points / 2, 1);
  std::vector<Point> out;
  out.reserve(2 * buckets);
  for (std::size_t b = 0; b < buckets; ++b) {
    // Bucket edges by integer division: every point in exactly one bucket.
    const std::size_t begin = b * points.size() / buckets;
    const std::size_t end = (b + 1) * points.size() / buckets;
    std::size_t lo = begin;
    std::size_t hi = begin;
    for (std::size_t i = begin + 1; i < end; ++i) {
      if (points[i].value < points[lo].value) lo = i;
      if (points[i].value > points[hi].value) hi = i;
    }
    out.push_back(points[std::min(lo, hi)]);
    if (lo != hi) out.push_back(points[std::max(lo, hi)]);
  }
  return out;
}

std::vector<std::vector<Point>> line_segments(std::span<const double> time_s,
                                              std::span<const double> values,
                                              std::size_t max_points) {
  std::vector<std::vector<Point>> stretches;
  std::size_t finite = 0;
  bool in_stretch = false;
  const std::size_t n = std::min(time_s.size(), values.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(values[i])) {
      in_stretch = false;
      continue;
    }
    if (!in_stretch) stretches.emplace_back();
    in_stretch = true;
    stretches.back().push_back({time_s[i], values[i]});
    ++finite;
  }
  for (auto& stretch : stretches) {
    // Each stretch gets points in proportion to its length.
    const std::size_t share = std::max<std::size_t>(2, max_points * stretch.size() / finite);
    if (stretch.size() > share) stretch = decimate_min_max(stretch, share);
  }
  return stretches;
}

}  // namespace stacksim::report
