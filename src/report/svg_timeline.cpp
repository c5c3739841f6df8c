#include "report/svg_timeline.hpp"

#include <algorithm>

#include "report/text_format.hpp"

namespace stacksim::report {
namespace {

constexpr double kGroupTitle_px = 15.0;
constexpr double kRow_px = 12.0;
constexpr double kRowGap_px = 3.0;
constexpr double kMinBand_px = 1.0;  // a one-instant alarm stays visible
constexpr double kLegendItem_px = 120.0;
constexpr double kLegendRow_px = 18.0;

double timeline_bottom(const std::vector<TimelineGroup>& groups) {
  double y = kPlotTop_px;
  for (const TimelineGroup& g : groups) {
    y += kGroupTitle_px + static_cast<double>(g.rows.size()) * (kRow_px + kRowGap_px);
  }
  return y;
}

void append_label(std::string& out, double y_px, const std::string& text, bool bold) {
  open_text(out, kPlotLeft_px - 6.0, y_px);
  out += bold ? " text-anchor=\"end\" font-size=\"11\" font-weight=\"bold\">" : " text-anchor=\"end\" font-size=\"10\">";
  append_escaped(out, text);
  out += "</text>";
}

void append_row(std::string& out, const TimelineRow& row, double y_px, const LinearMap& x, const TimeAxis& axis) {
  append_label(out, y_px + kRow_px - 2.0, row.label, false);
  open_rect(out, kPlotLeft_px, y_px, kPlotRight_px - kPlotLeft_px, kRow_px);
  out += " fill=\"#eeeeee\" fill-opacity=\"0.6\"/>\n";
  for (const Band& b : row.bands) {
    const double x0 = x(std::clamp(b.from_s, axis.t0_s, axis.t1_s));
    const double x1 = x(std::clamp(b.to_s, axis.t0_s, axis.t1_s));
    open_rect(out, x0, y_px, std::max(x1 - x0, kMinBand_px), kRow_px);
    out += " fill=\"";
    append_escaped(out, b.colour);
    out += "\"><title>";
    append_escaped(out, b.title);
    out += "</title></rect>\n";
  }
}

double append_legend(std::string& out, const std::vector<LegendEntry>& legend, double top_px) {
  const int per_row = static_cast<int>((kPlotRight_px - kPlotLeft_px) / kLegendItem_px);
  out += "<g font-size=\"11\" fill=\"#222\">";
  for (std::size_t i = 0; i < legend.size(); ++i) {
    const double x = kPlotLeft_px + kLegendItem_px * static_cast<double>(i % static_cast<std::size_t>(per_row));
    const double y = top_px + kLegendRow_px * static_cast<double>(i / static_cast<std::size_t>(per_row));
    open_rect(out, x, y, 14.0, 10.0);
    out += " fill=\"";
    append_escaped(out, legend[i].colour);
    out += "\"/>";
    open_text(out, x + 18.0, y + 9.0);
    out += '>';
    append_escaped(out, legend[i].label);
    out += "</text>";
  }
  out += "</g>\n";
  const std::size_t rows = (legend.size() + static_cast<std::size_t>(per_row) - 1) / static_cast<std::size_t>(per_row);
  return kLegendRow_px * static_cast<double>(rows);
}

}  // namespace

std::string render_timeline(const std::string& id, const std::vector<TimelineGroup>& groups,
                            const std::vector<LegendEntry>& legend, const TimeAxis& axis,
                            std::span<const Marker> markers) {
  const double bottom = timeline_bottom(groups);
  const double legend_top = bottom + kTimeLabels_px + 4.0;
  std::string legend_svg;
  const double legend_height = append_legend(legend_svg, legend, legend_top);

  std::string out;
  append_svg_open(out, id, legend_top + legend_height + 4.0, "BMS state and alarms against time", "");
  // The grid first: the translucent row backgrounds and the bands go over it.
  append_time_grid(out, axis, kPlotTop_px, bottom);
  const LinearMap x = time_to_x(axis);
  double y = kPlotTop_px;
  for (const TimelineGroup& g : groups) {
    append_label(out, y + kGroupTitle_px - 4.0, g.name, true);
    out += '\n';
    y += kGroupTitle_px;
    for (const TimelineRow& row : g.rows) {
      append_row(out, row, y, x, axis);
      y += kRow_px + kRowGap_px;
    }
  }
  append_markers(out, markers, axis, kPlotTop_px, bottom);
  out += legend_svg;
  out += "</svg>\n";
  return out;
}

}  // namespace stacksim::report
