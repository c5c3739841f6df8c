// What the state and alarm timeline shows for each unit, from its runs in
// signals.csv: the BMS state as coloured bands, bars where alarm, protection
// or fault bits are set (named from summary.json / the HAL), and the power
// path. Long runs are coarsened to kMaxBandsPerRow bands per row, keeping the
// most severe state and every bit that was set in each stretch.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "report/axis.hpp"
#include "report/run_data.hpp"
#include "report/svg_timeline.hpp"

namespace stacksim::report {

// False for a unit without BMS columns: nothing to show on the timeline.
bool has_timeline(const UnitSignals& unit);

TimelineGroup unit_timeline(const UnitSignals& unit, std::span<const std::string> protection_rows,
                            const TimeAxis& axis);

// The states that occur in `units` (in a fixed order, unknown ones after it by
// first appearance), then the bar colours.
std::vector<LegendEntry> timeline_legend(const std::vector<UnitSignals>& units);

}  // namespace stacksim::report
