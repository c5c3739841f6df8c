#include "report/page_charts.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>

#include "report/svg_line_chart.hpp"
#include "report/svg_timeline.hpp"
#include "report/text_format.hpp"
#include "report/timeline_rows.hpp"

namespace stacksim::report {
namespace {

constexpr const char* kSystemColour = "#222222";
constexpr const char* kLowColour = "#1f77b4";
constexpr const char* kHighColour = "#d62728";
// The smallest span of each value axis (LineChart::min_span): a change
// smaller than this is noise or quantisation, not worth the chart's height.
constexpr double kMinVoltageSpan_V = 1.0;
constexpr double kMinCurrentSpan_A = 1.0;
constexpr double kMinCellSpan_V = 0.05;
constexpr double kMinTemperatureSpan_C = 2.0;

constexpr const char* kUnitColours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                        "#9467bd", "#8c564b", "#e377c2", "#17becf"};

using UnitMember = Samples UnitSignals::*;

// Builds the lines of one chart; owns the series it derives (envelopes,
// negated limits), which must outlive the rendering.
class ChartBuilder {
 public:
  ChartBuilder(const RunData& run, std::deque<Samples>& derived) : run_(run), derived_(derived) {}

  std::size_t units() const { return run_.signals.units.size(); }
  bool per_unit() const { return units() >= 2 && units() <= kMaxUnitsDrawn; }
  bool envelope() const { return units() > kMaxUnitsDrawn; }

  void line(LineChart& c, std::string label, const Samples& values, const char* colour, bool dashed = false) {
    if (!values.empty()) c.lines.push_back({std::move(label), values, colour, dashed});
  }
  // One line per unit, in the unit's colour: "string1" + suffix.
  void unit_lines(LineChart& c, UnitMember member, const std::string& suffix, bool dashed = false) {
    const auto& units = run_.signals.units;
    for (std::size_t i = 0; i < units.size(); ++i) {
      line(c, units[i].name + suffix, units[i].*member, kUnitColours[i % std::size(kUnitColours)], dashed);
    }
  }
  // The lowest and highest unit at each instant.
  void envelope_lines(LineChart& c, UnitMember member, const std::string& what, bool dashed = false) {
    const std::size_t rows = run_.signals.time_s.size();
    Samples& lo = derived_.emplace_back(rows, std::numeric_limits<double>::infinity());
    Samples& hi = derived_.emplace_back(rows, -std::numeric_limits<double>::infinity());
    bool any = false;
    for (const UnitSignals& u : run_.signals.units) {
      const Samples& s = u.*member;
      for (std::size_t i = 0; i < s.size() && i < rows; ++i) {
        if (!std::isfinite(s[i])) continue;
        lo[i] = std::min(lo[i], s[i]);
        hi[i] = std::max(hi[i], s[i]);
        any = true;
      }
    }
    if (!any) return;
    // Instants where no unit had a value stay gaps.
    for (double& v : lo) v = std::isfinite(v) ? v : std::numeric_limits<double>::quiet_NaN();
    for (double& v : hi) v = std::isfinite(v) ? v : std::numeric_limits<double>::quiet_NaN();
    line(c, what + ", lowest unit", lo, kLowColour, dashed);
    line(c, what + ", highest unit", hi, kHighColour, dashed);
  }
  const Samples& negated(const Samples& s) {
    Samples& out = derived_.emplace_back(s);
    for (double& v : out) v = -v;
    return out;
  }
  std::string caption() const {
    if (!envelope()) return "";
    return std::to_string(units()) + " units: the lowest and highest unit at each instant are drawn "
           "instead of one line per unit.";
  }
  std::string extremes_caption(const std::string& what) const {
    return per_unit() ? what + " of each unit, both in the unit's colour." : what + ".";
  }

 private:
  const RunData& run_;
  std::deque<Samples>& derived_;
};

LineChart voltage_chart(ChartBuilder& b, const Signals& s) {
  LineChart c{"chart-voltage", "voltage (V)", "V", std::nullopt, {}, kMinVoltageSpan_V};
  b.line(c, "system", s.voltage_V, kSystemColour);
  if (b.per_unit()) b.unit_lines(c, &UnitSignals::voltage_V, "");
  if (b.envelope()) b.envelope_lines(c, &UnitSignals::voltage_V, "voltage");
  return c;
}

LineChart current_chart(ChartBuilder& b, const Signals& s) {
  LineChart c{"chart-current", "current (A), + charges", "A", std::nullopt, {}, kMinCurrentSpan_A};
  b.line(c, "system", s.current_A, kSystemColour);
  if (b.per_unit()) b.unit_lines(c, &UnitSignals::current_A, "");
  if (b.envelope()) b.envelope_lines(c, &UnitSignals::current_A, "current");
  if (b.units() == 1) {
    // The BMS's limits on the same scale: discharge is negative current.
    const UnitSignals& u = s.units.front();
    b.line(c, "charge limit", u.charge_limit_A, "#2ca02c", true);
    if (!u.discharge_limit_A.empty()) b.line(c, "discharge limit", b.negated(u.discharge_limit_A), "#ff7f0e", true);
  }
  return c;
}

LineChart soc_chart(ChartBuilder& b, const Signals& s) {
  LineChart c{"chart-soc", "SOC (%)", "%", std::pair{0.0, 100.0}, {}};
  b.line(c, "true SOC", s.soc_pct, kSystemColour);
  if (b.units() == 1) b.line(c, "BMS estimate", s.units.front().bms_soc_pct, kUnitColours[0], true);
  if (b.per_unit()) {
    b.unit_lines(c, &UnitSignals::soc_pct, " true");
    b.unit_lines(c, &UnitSignals::bms_soc_pct, " BMS estimate", true);
  }
  if (b.envelope()) {
    b.envelope_lines(c, &UnitSignals::soc_pct, "true");
    b.envelope_lines(c, &UnitSignals::bms_soc_pct, "BMS estimate", true);
  }
  return c;
}

// Cell voltage and temperature: the system's extremes are the envelope of the
// units', so per-unit lines replace them rather than add to them.
LineChart extremes_chart(ChartBuilder& b, LineChart c, const Samples& lo, const Samples& hi,
                         UnitMember unit_lo, UnitMember unit_hi) {
  if (b.per_unit()) {
    b.unit_lines(c, unit_lo, " min");
    b.unit_lines(c, unit_hi, " max");
  } else {
    b.line(c, "min", lo, kLowColour);
    b.line(c, "max", hi, kHighColour);
  }
  return c;
}

ChartSection section(std::string heading, const LineChart& chart, const Signals& s, const TimeAxis& axis,
                     std::span<const Marker> markers, std::string caption) {
  return {std::move(heading), chart.id, render_line_chart(chart, s.time_s, axis, markers), std::move(caption)};
}

}  // namespace

std::vector<Marker> fault_markers(const std::vector<FaultEvent>& faults) {
  std::vector<Marker> markers;
  for (const FaultEvent& f : faults) {
    std::string title = "fault " + f.name;
    if (!f.kind.empty()) title += " (" + f.kind + ")";
    if (!f.target.empty()) title += " on " + f.target;
    title += ": injected at " + format_time_s(f.at_s);
    title += f.until_s ? ", cleared at " + format_time_s(*f.until_s) : ", never cleared";
    title += f.detected_s ? ", detected at " + format_time_s(*f.detected_s) : ", not detected";
    if (f.detected_s && !f.detected_by.empty()) title += " by " + f.detected_by;
    if (f.reacted_s) title += ", reacted at " + format_time_s(*f.reacted_s);
    markers.push_back({f.at_s, f.until_s, f.name, std::move(title)});
  }
  return markers;
}

std::vector<ChartSection> render_charts(const RunData& run, const TimeAxis& axis,
                                        std::span<const Marker> markers) {
  const Signals& s = run.signals;
  std::deque<Samples> derived;
  ChartBuilder b(run, derived);
  const std::string note = b.caption();
  std::vector<ChartSection> out;
  out.push_back(section("Voltage", voltage_chart(b, s), s, axis, markers, note));
  out.push_back(section("Current", current_chart(b, s), s, axis, markers, note));
  out.push_back(section("State of charge (dashed: the BMS's estimate)", soc_chart(b, s), s, axis, markers, note));
  out.push_back(section("Cell voltage",
                        extremes_chart(b, {"chart-cells", "cell voltage (V)", "V", std::nullopt, {}, kMinCellSpan_V},
                                       s.cell_min_V, s.cell_max_V, &UnitSignals::cell_min_V,
                                       &UnitSignals::cell_max_V),
                        s, axis, markers, b.extremes_caption("Lowest and highest cell")));
  out.push_back(section("Temperature",
                        extremes_chart(b, {"chart-temps", "temperature (°C)", "°C", std::nullopt, {}, kMinTemperatureSpan_C},
                                       s.temp_min_C, s.temp_max_C, &UnitSignals::temp_min_C,
                                       &UnitSignals::temp_max_C),
                        s, axis, markers, b.extremes_caption("Coldest and hottest sensor")));

  std::vector<TimelineGroup> groups;
  for (const UnitSignals& u : s.units) {
    if (has_timeline(u)) groups.push_back(unit_timeline(u, run.summary.protection_rows, axis));
  }
  if (!groups.empty()) {
    out.push_back({"BMS state and alarms", "chart-timeline",
                   render_timeline("chart-timeline", groups, timeline_legend(s.units), axis, markers),
                   "Hover over a band for its time span and the names of the bits set.", false});
  }
  return out;
}

}  // namespace stacksim::report
