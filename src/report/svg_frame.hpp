// What every SVG chart of the page shares, so that one instant sits at the
// same x on all of them: the width, the plot's left and right edges, the time
// grid with its labels, and the fault markers. Coordinates are in the SVG's
// viewBox units (px); the page scales each SVG to the window's width.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "report/axis.hpp"

namespace stacksim::report {

constexpr double kSvgWidth_px = 960.0;
constexpr double kPlotLeft_px = 80.0;    // room for y tick labels and row names
constexpr double kPlotRight_px = 944.0;
constexpr double kPlotTop_px = 12.0;     // room for the top tick label
constexpr double kTimeLabels_px = 34.0;  // below the plot: tick labels and the axis title

// Digits of SVG coordinates: a tenth of a pixel is below what a screen shows.
constexpr int kCoordinateDecimals = 1;

// A vertical line on every chart: an injected fault from at_s, shaded until
// until_s (to the end of the run if it stays).
struct Marker {
  double at_s = 0.0;
  std::optional<double> until_s;
  std::string label;  // short, drawn at the top of the line
  std::string title;  // the tooltip: what, where, when
};

// x of an instant on the shared time axis.
LinearMap time_to_x(const TimeAxis& axis);

// The start of an element with its geometry, "<line x1=.. y1=.. x2=.. y2=..",
// "<rect x=.. y=.. width=.. height=.." or "<text x=.. y=..": the caller adds
// the other attributes and closes it.
void open_line(std::string& out, double x1_px, double y1_px, double x2_px, double y2_px);
void open_rect(std::string& out, double x_px, double y_px, double width_px, double height_px);
void open_text(std::string& out, double x_px, double y_px);

// Vertical grid lines at the time ticks between top_px and bottom_px, their
// labels below bottom_px and the axis title ("time (h)") at the right.
void append_time_grid(std::string& out, const TimeAxis& axis, double top_px, double bottom_px);

// Every marker inside the time axis: a shaded span, a dashed line and the
// label (staggered so that faults close together stay readable).
void append_markers(std::string& out, std::span<const Marker> markers, const TimeAxis& axis,
                    double top_px, double bottom_px);

// The opening tag of a chart's <svg>: class, id, viewBox and size, plus the
// attributes the page's hover script reads (docs/report.md).
void append_svg_open(std::string& out, const std::string& id, double height_px,
                     const std::string& aria_label, const std::string& extra_attributes);

}  // namespace stacksim::report
