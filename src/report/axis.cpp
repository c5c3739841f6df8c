#include "report/axis.hpp"

#include <array>
#include <cmath>

namespace stacksim::report {
namespace {

// The smallest 1, 2 or 5 x 10^n at or above `raw` (> 0).
double nice_step(double raw) {
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double normalised = raw / magnitude;
  const double factor = normalised <= 1.0 ? 1.0 : normalised <= 2.0 ? 2.0 : normalised <= 5.0 ? 5.0 : 10.0;
  return factor * magnitude;
}

// Tolerance when a value sits on a step: binary noise must not add a tick.
constexpr double kOnStep = 1e-9;

std::vector<double> multiples(double lo, double hi, double step) {
  std::vector<double> values;
  const double first = std::ceil(lo / step - kOnStep);
  const double last = std::floor(hi / step + kOnStep);
  for (double k = first; k <= last; k += 1.0) values.push_back(k * step);
  return values;
}

// Steps a clock reader counts in, in seconds.
constexpr std::array<double, 18> kTimeSteps_s = {1,    2,    5,    10,    15,    30,
                                                 60,   120,  300,  600,   900,   1800,
                                                 3600, 7200, 10800, 21600, 43200, 86400};
constexpr double kDay_s = 86400.0;
constexpr int kTimeIntervals = 8;

double time_step_s(double span_s) {
  const double raw = span_s / kTimeIntervals;
  if (raw < kTimeSteps_s.front()) return nice_step(raw);
  for (const double step : kTimeSteps_s) {
    if (step >= raw) return step;
  }
  return kDay_s * nice_step(raw / kDay_s);
}

}  // namespace

int decimals_for_step(double step) {
  constexpr int kMaxDecimals = 6;
  for (int d = 0; d < kMaxDecimals; ++d) {
    const double scaled = step * std::pow(10.0, d);
    if (std::fabs(scaled - std::round(scaled)) < 1e-6 * scaled) return d;
  }
  return kMaxDecimals;
}

Ticks nice_ticks(double data_lo, double data_hi, int intervals) {
  if (!std::isfinite(data_lo) || !std::isfinite(data_hi)) {
    data_lo = 0.0;
    data_hi = 1.0;
  }
  if (data_hi <= data_lo) {
    // A flat line sits in the middle of a small range around it.
    const double pad = data_lo == 0.0 ? 1.0 : std::fabs(data_lo) * 0.05;
    data_lo -= pad;
    data_hi += pad;
  }
  Ticks t;
  t.step = nice_step((data_hi - data_lo) / intervals);
  t.lo = std::floor(data_lo / t.step + kOnStep) * t.step;
  t.hi = std::ceil(data_hi / t.step - kOnStep) * t.step;
  t.values = multiples(t.lo, t.hi, t.step);
  t.decimals = decimals_for_step(t.step);
  return t;
}

Ticks ticks_within(double lo, double hi, int intervals) {
  Ticks t;
  t.lo = lo;
  t.hi = hi;
  t.step = nice_step((hi - lo) / intervals);
  t.values = multiples(lo, hi, t.step);
  t.decimals = decimals_for_step(t.step);
  return t;
}

TimeAxis time_axis(double t0_s, double t1_s) {
  TimeAxis a;
  a.t0_s = t0_s;
  a.t1_s = t1_s > t0_s ? t1_s : t0_s + 1.0;
  const double span_s = a.t1_s - a.t0_s;
  constexpr double kHour_s = 3600.0;
  constexpr double kMinute_s = 60.0;
  if (span_s >= 2 * kHour_s) {
    a.unit_s = kHour_s;
    a.unit_name = "h";
  } else if (span_s >= 2 * kMinute_s) {
    a.unit_s = kMinute_s;
    a.unit_name = "min";
  }
  const double step_s = time_step_s(span_s);
  a.ticks_s = multiples(a.t0_s, a.t1_s, step_s);
  a.decimals = decimals_for_step(step_s / a.unit_s);
  return a;
}

}  // namespace stacksim::report
