// Min/max decimation (src/report/decimate.cpp): few enough points pass
// unchanged, a one-sample spike survives, gaps stay gaps, and coarsened runs
// keep a short alarm.
#include "report/decimate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

namespace stacksim::report {
namespace {

bool contains(const std::vector<Point>& points, double t_s, double value) {
  return std::any_of(points.begin(), points.end(),
                     [&](const Point& p) { return p.t_s == t_s && p.value == value; });
}

TEST(DecimateMinMax, LeavesShortSeriesUnchanged) {
  const std::vector<Point> points = {{0, 1}, {1, 5}, {2, 3}};
  const auto out = decimate_min_max(points, 2000);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[1].value, 5.0);
}

TEST(DecimateMinMax, KeepsTheMinAndMaxOfASpike) {
  std::vector<Point> points;
  for (int i = 0; i < 100000; ++i) points.push_back({i * 0.1, 3.3 + 0.001 * std::sin(i * 0.01)});
  points[50003].value = 4.2;  // one sample up
  points[70001].value = 0.0;  // one sample down
  const auto out = decimate_min_max(points, 2000);
  EXPECT_LE(out.size(), 2000u);
  EXPECT_TRUE(contains(out, points[50003].t_s, 4.2));
  EXPECT_TRUE(contains(out, points[70001].t_s, 0.0));
  EXPECT_TRUE(std::is_sorted(out.begin(), out.end(),
                             [](const Point& a, const Point& b) { return a.t_s < b.t_s; }));
}

TEST(LineSegments, AGapEndsALine) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> t = {0, 1, 2, 3, 4, 5};
  const std::vector<double> v = {nan, 1, 2, nan, 4, 5};
  const auto segments = line_segments(t, v, 2000);
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[0].size(), 2u);
  EXPECT_EQ(segments[1].front().t_s, 4.0);
}

TEST(LineSegments, LongStretchesShareThePointBudget) {
  std::vector<double> t, v;
  for (int i = 0; i < 20000; ++i) {
    t.push_back(i);
    v.push_back(i == 10000 ? std::numeric_limits<double>::quiet_NaN() : i % 7);
  }
  std::size_t total = 0;
  for (const auto& s : line_segments(t, v, 2000)) total += s.size();
  EXPECT_LE(total, 2000u);
  EXPECT_GE(total, 1900u);
}

TEST(CoarsenRuns, KeepsEveryBitOfShortAlarms) {
  std::vector<BitsRun> runs;
  for (int i = 0; i < 10000; ++i) runs.push_back({i * 1.0, i + 1.0, 0u});
  runs[4321].value = 0x4;  // one second of one alarm among 10000 runs
  // Runs that differ from their neighbours must not merge with them in the input.
  runs[4322].value = 0x1;
  const auto out = coarsen_runs(runs, 0.0, 10000.0, 100, std::bit_or<std::uint32_t>());
  EXPECT_LE(out.size(), 100u);
  const auto alarm = std::find_if(out.begin(), out.end(), [](const BitsRun& r) { return r.value != 0; });
  ASSERT_NE(alarm, out.end());
  EXPECT_EQ(alarm->value, 0x5u);
  EXPECT_LE(alarm->from_s, 4321.0);
  EXPECT_GE(alarm->to_s, 4323.0);
}

}  // namespace
}  // namespace stacksim::report
