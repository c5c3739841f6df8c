#include "report/svg_line_chart.hpp"

#include <algorithm>
#include <limits>

#include "report/decimate.hpp"
#include "report/text_format.hpp"

namespace stacksim::report {
namespace {

constexpr double kPlotBottom_px = kPlotTop_px + kLinePlotHeight_px;
constexpr double kLegendRow_px = 18.0;
constexpr double kLegendCharWidth_px = 6.5;  // an 11 px sans-serif character, roughly
constexpr double kLegendSwatch_px = 24.0;

struct DrawnLine {
  const ChartLine* line;
  std::vector<std::vector<Point>> segments;
};

// The value axis covers every drawn point: decimation keeps each bucket's
// extremes, so this is the full data's range.
Ticks value_ticks(const LineChart& chart, const std::vector<DrawnLine>& drawn) {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (const DrawnLine& d : drawn) {
    for (const auto& segment : d.segments) {
      for (const Point& p : segment) {
        lo = std::min(lo, p.value);
        hi = std::max(hi, p.value);
      }
    }
  }
  // A fixed range holds unless the data leaves it: a line is never drawn off the plot.
  if (chart.fixed_range && !(lo < chart.fixed_range->first) && !(hi > chart.fixed_range->second)) {
    return ticks_within(chart.fixed_range->first, chart.fixed_range->second, kValueIntervals);
  }
  if (chart.fixed_range) {
    lo = std::min(lo, chart.fixed_range->first);
    hi = std::max(hi, chart.fixed_range->second);
  }
  if (hi - lo < chart.min_span) {
    const double middle = (lo + hi) / 2.0;
    lo = middle - chart.min_span / 2.0;
    hi = middle + chart.min_span / 2.0;
  }
  return nice_ticks(lo, hi, kValueIntervals);
}

void append_value_grid(std::string& out, const Ticks& ticks, const LinearMap& y, const std::string& title) {
  out += "<g stroke=\"#e3e3e3\" stroke-width=\"1\">";
  for (const double v : ticks.values) {
    open_line(out, kPlotLeft_px, y(v), kPlotRight_px, y(v));
    out += "/>";
  }
  out += "</g>\n<g font-size=\"11\" fill=\"#444\" text-anchor=\"end\">";
  for (const double v : ticks.values) {
    open_text(out, kPlotLeft_px - 6.0, y(v) + 4.0);
    out += '>';
    out += fixed(v, ticks.decimals);
    out += "</text>";
  }
  out += "</g>\n<text font-size=\"11\" fill=\"#444\" text-anchor=\"middle\" transform=\"translate(14 ";
  out += fixed((kPlotTop_px + kPlotBottom_px) / 2.0, kCoordinateDecimals);
  out += ") rotate(-90)\">";
  append_escaped(out, title);
  out += "</text>\n";
}

void append_stroke(std::string& out, const ChartLine& line) {
  out += " fill=\"none\" stroke=\"";
  append_escaped(out, line.colour);
  out += "\" stroke-width=\"1.5\" stroke-linejoin=\"round\"";
  if (line.dashed) out += " stroke-dasharray=\"6 3\"";
}

void append_polylines(std::string& out, const DrawnLine& d, const LinearMap& x, const LinearMap& y) {
  for (const auto& segment : d.segments) {
    out += "<polyline data-label=\"";
    append_escaped(out, d.line->label);
    out += '"';
    append_stroke(out, *d.line);
    out += " points=\"";
    for (std::size_t i = 0; i < segment.size(); ++i) {
      if (i > 0) out += ' ';
      out += fixed(x(segment[i].t_s), kCoordinateDecimals);
      out += ',';
      out += fixed(y(segment[i].value), kCoordinateDecimals);
    }
    out += "\"><title>";
    append_escaped(out, d.line->label);
    out += "</title></polyline>\n";
  }
}

// Swatch and label per line, wrapped into rows below the time labels.
std::string legend(const LineChart& chart, double top_px, int& rows) {
  std::string out = "<g font-size=\"11\" fill=\"#222\">";
  double x = kPlotLeft_px;
  rows = chart.lines.empty() ? 0 : 1;
  for (const ChartLine& line : chart.lines) {
    const double width = kLegendSwatch_px + 6.0 + kLegendCharWidth_px * static_cast<double>(line.label.size()) + 18.0;
    if (x > kPlotLeft_px && x + width > kPlotRight_px) {
      x = kPlotLeft_px;
      ++rows;
    }
    const double y = top_px + kLegendRow_px * (rows - 1) + 9.0;
    open_line(out, x, y - 4.0, x + kLegendSwatch_px, y - 4.0);
    append_stroke(out, line);
    out += "/>";
    open_text(out, x + kLegendSwatch_px + 6.0, y);
    out += '>';
    append_escaped(out, line.label);
    out += "</text>";
    x += width;
  }
  out += "</g>\n";
  return out;
}

// What the hover script needs to turn a pointer position back into values.
std::string readout_attributes(const LineChart& chart, const TimeAxis& axis, const Ticks& ticks) {
  std::string a;
  const auto add = [&a](const char* name, const std::string& value) {
    a += ' ';
    a += name;
    a += "=\"";
    append_escaped(a, value);
    a += '"';
  };
  add("data-t0", fixed(axis.t0_s, 3));
  add("data-t1", fixed(axis.t1_s, 3));
  add("data-x0", fixed(kPlotLeft_px, kCoordinateDecimals));
  add("data-x1", fixed(kPlotRight_px, kCoordinateDecimals));
  add("data-y0", fixed(kPlotTop_px, kCoordinateDecimals));
  add("data-y1", fixed(kPlotBottom_px, kCoordinateDecimals));
  add("data-v0", fixed(ticks.hi, ticks.decimals));
  add("data-v1", fixed(ticks.lo, ticks.decimals));
  add("data-decimals", std::to_string(ticks.decimals + 2));
  add("data-unit", chart.unit);
  return a;
}

}  // namespace

std::string render_line_chart(const LineChart& chart, std::span<const double> time_s,
                              const TimeAxis& axis, std::span<const Marker> markers) {
  std::vector<DrawnLine> drawn;
  bool any_points = false;
  for (const ChartLine& line : chart.lines) {
    drawn.push_back({&line, line_segments(time_s, line.values, kMaxPointsPerSeries)});
    any_points = any_points || !drawn.back().segments.empty();
  }
  const Ticks ticks = value_ticks(chart, drawn);
  const LinearMap x = time_to_x(axis);
  const LinearMap y{ticks.hi, ticks.lo, kPlotTop_px, kPlotBottom_px};

  int legend_rows = 0;
  const double legend_top = kPlotBottom_px + kTimeLabels_px + 4.0;
  const std::string legend_svg = legend(chart, legend_top, legend_rows);
  const double height = legend_top + kLegendRow_px * legend_rows + 4.0;

  std::string out;
  append_svg_open(out, chart.id, height, chart.y_title + " against time",
                  readout_attributes(chart, axis, ticks));
  append_value_grid(out, ticks, y, chart.y_title);
  append_time_grid(out, axis, kPlotTop_px, kPlotBottom_px);
  open_rect(out, kPlotLeft_px, kPlotTop_px, kPlotRight_px - kPlotLeft_px, kLinePlotHeight_px);
  out += " fill=\"none\" stroke=\"#999\"/>\n";
  append_markers(out, markers, axis, kPlotTop_px, kPlotBottom_px);
  for (const DrawnLine& d : drawn) append_polylines(out, d, x, y);
  if (!any_points) {
    open_text(out, (kPlotLeft_px + kPlotRight_px) / 2.0, (kPlotTop_px + kPlotBottom_px) / 2.0);
    out += " font-size=\"13\" fill=\"#888\" text-anchor=\"middle\">no data</text>\n";
  }
  // The hover script's cursor; hidden until the pointer is over the plot.
  open_line(out, kPlotLeft_px, kPlotTop_px, kPlotLeft_px, kPlotBottom_px);
  out += " class=\"cursor\" stroke=\"#555\" stroke-width=\"1\" visibility=\"hidden\"/>\n";
  out += legend_svg;
  out += "</svg>\n";
  return out;
}

}  // namespace stacksim::report
