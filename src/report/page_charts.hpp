// Which lines each chart of the report draws, from a run's signals. One unit:
// the system lines and the BMS's view. Two to four units: a line per unit in
// the unit's colour. More: the lowest and highest unit at each instant, since
// sixteen lines on one chart read as none.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "report/axis.hpp"
#include "report/run_data.hpp"
#include "report/svg_frame.hpp"

namespace stacksim::report {

constexpr std::size_t kMaxUnitsDrawn = 4;

struct ChartSection {
  std::string heading;  // "Voltage", already plain text (not escaped)
  std::string id;       // of the <svg>; the read-out is id + "-readout"
  std::string svg;
  std::string caption;  // plain text, may be empty
  bool readout = true;  // a line chart: the hover script writes its values below it
};

// Voltage, current, SOC, cell voltage, temperature, then the state and alarm
// timeline when the run has BMS columns.
std::vector<ChartSection> render_charts(const RunData& run, const TimeAxis& axis,
                                        std::span<const Marker> markers);

// A vertical marker per injected fault (summary.json "faults").
std::vector<Marker> fault_markers(const std::vector<FaultEvent>& faults);

}  // namespace stacksim::report
