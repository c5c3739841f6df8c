// Axis maths for the charts: value ranges widened to whole "nice" steps
// (1, 2 or 5 times a power of ten), the shared time axis in the unit that
// suits the run's length, and the linear map from data to pixels.
#pragma once

#include <string>
#include <vector>

namespace stacksim::report {

struct Ticks {
  double lo = 0.0;  // the axis range: whole steps covering the data
  double hi = 1.0;
  double step = 1.0;
  std::vector<double> values;  // every step from lo to hi
  int decimals = 0;            // tick labels need this many to tell neighbours apart
};

// About `intervals` steps of 1, 2 or 5 x 10^n, from the step at or below
// data_lo to the step at or above data_hi. A flat or empty range is widened
// first so that it still gets an axis.
Ticks nice_ticks(double data_lo, double data_hi, int intervals);

// The range is fixed (SOC is 0..100 %): ticks are the nice steps inside it.
Ticks ticks_within(double lo, double hi, int intervals);

// Decimals needed to write multiples of `step` exactly (0.25 -> 2), at most 6.
int decimals_for_step(double step);

// Every chart shares one time axis, so instants line up down the page.
struct TimeAxis {
  double t0_s = 0.0;  // first and last record instants
  double t1_s = 1.0;
  double unit_s = 1.0;            // 3600, 60 or 1: labels are in this unit
  std::string unit_name = "s";    // "h", "min" or "s"
  std::vector<double> ticks_s;    // at whole multiples of a step that suits clocks
  int decimals = 0;               // of tick labels, in the unit
};

// Hours from two hours up, minutes from two minutes, seconds below; steps of
// 1, 2, 5, 10, 15, 30 s or min and 1, 2, 3, 6, 12, 24 h, about 8 per axis.
TimeAxis time_axis(double t0_s, double t1_s);

// Maps the domain [d0, d1] linearly onto the range [r0, r1] (d0 != d1).
struct LinearMap {
  double d0 = 0.0, d1 = 1.0, r0 = 0.0, r1 = 1.0;
  double operator()(double v) const { return r0 + (v - d0) * (r1 - r0) / (d1 - d0); }
};

}  // namespace stacksim::report
