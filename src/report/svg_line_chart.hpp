// One line chart as an inline <svg>: value axis with nice ticks, the shared
// time axis, the lines (decimated, min/max per bucket), fault markers and a
// legend below. Renders without script or stylesheet: every attribute that
// matters is on the element.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "report/axis.hpp"
#include "report/svg_frame.hpp"

namespace stacksim::report {

constexpr double kLinePlotHeight_px = 200.0;
constexpr int kValueIntervals = 5;  // about this many steps up the value axis

struct ChartLine {
  std::string label;               // legend, tooltip and hover read-out
  std::span<const double> values;  // one per instant of the time axis; NaN = gap
  std::string colour;              // "#1f77b4"
  bool dashed = false;             // estimates (the BMS's view) are dashed
};

struct LineChart {
  std::string id;       // unique in the page: "chart-voltage"
  std::string y_title;  // "voltage (V)"
  std::string unit;     // "V", for the read-out
  std::optional<std::pair<double, double>> fixed_range;  // SOC: 0..100
  std::vector<ChartLine> lines;
  // The value axis spans at least this much, centred on the data, so that a
  // nearly flat line (a sensor's last digit) is not blown up to full height.
  double min_span = 0.0;
};

// `time_s` holds the instants `values` are given at; `axis` spans them.
std::string render_line_chart(const LineChart& chart, std::span<const double> time_s,
                              const TimeAxis& axis, std::span<const Marker> markers);

}  // namespace stacksim::report
