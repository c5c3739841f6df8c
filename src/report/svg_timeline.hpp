// The state and alarm timeline as an inline <svg>: per unit a group of rows
// (BMS state, alarms, protections, faults, power path), each a strip of
// coloured bands on the shared time axis, with the fault markers over them.
// Every band carries a <title>, the browser's tooltip: no script needed.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "report/axis.hpp"
#include "report/svg_frame.hpp"

namespace stacksim::report {

struct Band {
  double from_s = 0.0;
  double to_s = 0.0;
  std::string colour;
  std::string title;  // "string1 alarms 1h2m - 1h5m: cell_under_voltage"
};

struct TimelineRow {
  std::string label;  // "state", "alarms"
  std::vector<Band> bands;
};

struct TimelineGroup {
  std::string name;  // the unit: "string1"
  std::vector<TimelineRow> rows;
};

struct LegendEntry {
  std::string label;
  std::string colour;
};

std::string render_timeline(const std::string& id, const std::vector<TimelineGroup>& groups,
                            const std::vector<LegendEntry>& legend, const TimeAxis& axis,
                            std::span<const Marker> markers);

}  // namespace stacksim::report
