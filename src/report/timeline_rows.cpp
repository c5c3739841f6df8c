#include "report/timeline_rows.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>

#include "report/bit_names.hpp"
#include "report/decimate.hpp"
#include "report/text_format.hpp"

namespace stacksim::report {
namespace {

// The states of README's signals.csv table, least to most severe: when a
// stretch too short to draw holds several, the most severe one shows.
struct StateStyle {
  const char* name;
  const char* colour;
};
constexpr StateStyle kStates[] = {
    {"off", "#d0d0d0"},        {"booting", "#c6dbef"},     {"standby", "#6baed6"},
    {"discharge", "#fdae6b"},  {"charge", "#74c476"},      {"full-charge", "#238b45"},
    {"starting", "#9e9ac8"},   {"shutdown", "#969696"},    {"over-discharged", "#8c510a"},
    {"protect", "#e31a1c"},    {"fault", "#67000d"}};
constexpr const char* kUnknownStateColour = "#f0e442";
// Ranked with "shutdown": above the normal states, below over-discharged, protect and fault.
constexpr int kUnknownStateSeverity = 7;

constexpr const char* kAlarmColour = "#f39c12";
constexpr const char* kProtectionColour = "#d62728";
constexpr const char* kFaultColour = "#7b1fa2";
constexpr const char* kPathColour = "#41ab5d";

bool known_state(const std::string& state) {
  return std::any_of(std::begin(kStates), std::end(kStates),
                     [&](const StateStyle& s) { return state == s.name; });
}

int severity(const std::string& state) {
  for (std::size_t i = 0; i < std::size(kStates); ++i) {
    if (state == kStates[i].name) return static_cast<int>(i);
  }
  return state.empty() ? -1 : kUnknownStateSeverity;
}

const char* state_colour(const std::string& state) {
  for (const StateStyle& s : kStates) {
    if (state == s.name) return s.colour;
  }
  return kUnknownStateColour;
}

std::string span_text(double from_s, double to_s) {
  return format_time_s(from_s) + " to " + format_time_s(to_s);
}

// Added to every title of a coarsened row: the band is a summary, not an instant.
constexpr const char* kCoarseNote = " (summary of a stretch too short to draw)";

TimelineRow state_row(const UnitSignals& u, const TimeAxis& axis) {
  TimelineRow row{"state", {}};
  const bool coarse = u.bms_state.size() > kMaxBandsPerRow;
  const auto runs = coarsen_runs(u.bms_state, axis.t0_s, axis.t1_s, kMaxBandsPerRow,
                                 [](const std::string& a, const std::string& b) {
                                   return severity(b) > severity(a) ? b : a;
                                 });
  for (const StateRun& r : runs) {
    if (r.value.empty()) continue;  // the BMS reported nothing yet
    row.bands.push_back({r.from_s, r.to_s, state_colour(r.value),
                         u.name + " " + r.value + ", " + span_text(r.from_s, r.to_s) +
                             (coarse ? kCoarseNote : "")});
  }
  return row;
}

TimelineRow bits_row(const std::string& unit, const char* label, const std::vector<BitsRun>& bits,
                     std::span<const std::string> names, const char* colour, const TimeAxis& axis,
                     bool name_bits = true) {
  TimelineRow row{label, {}};
  const bool coarse = bits.size() > kMaxBandsPerRow;
  const auto runs = coarsen_runs(bits, axis.t0_s, axis.t1_s, kMaxBandsPerRow, std::bit_or<std::uint32_t>());
  for (const BitsRun& r : runs) {
    if (r.value == 0) continue;
    std::string title = unit + " " + label + ", " + span_text(r.from_s, r.to_s);
    if (name_bits) title += ": " + describe_bits(r.value, names);
    row.bands.push_back({r.from_s, r.to_s, colour, title + (coarse ? kCoarseNote : "")});
  }
  return row;
}

}  // namespace

bool has_timeline(const UnitSignals& u) {
  return !u.bms_state.empty() || !u.alarms.empty() || !u.protections.empty() || !u.faults.empty() ||
         !u.path_closed.empty();
}

TimelineGroup unit_timeline(const UnitSignals& u, std::span<const std::string> protection_rows,
                            const TimeAxis& axis) {
  TimelineGroup g{u.name, {}};
  if (!u.bms_state.empty()) g.rows.push_back(state_row(u, axis));
  if (!u.alarms.empty()) {
    g.rows.push_back(bits_row(u.name, "alarms", u.alarms, protection_rows, kAlarmColour, axis));
  }
  if (!u.protections.empty()) {
    g.rows.push_back(bits_row(u.name, "protections", u.protections, protection_rows, kProtectionColour, axis));
  }
  if (!u.faults.empty()) {
    g.rows.push_back(bits_row(u.name, "faults", u.faults, fault_bit_names(), kFaultColour, axis));
  }
  if (!u.path_closed.empty()) {
    g.rows.push_back(bits_row(u.name, "path closed", u.path_closed, {}, kPathColour, axis, false));
  }
  return g;
}

std::vector<LegendEntry> timeline_legend(const std::vector<UnitSignals>& units) {
  std::vector<std::string> seen;
  for (const UnitSignals& u : units) {
    for (const StateRun& r : u.bms_state) {
      if (!r.value.empty() && std::find(seen.begin(), seen.end(), r.value) == seen.end()) seen.push_back(r.value);
    }
  }
  std::vector<LegendEntry> legend;
  for (const StateStyle& s : kStates) {
    if (std::find(seen.begin(), seen.end(), s.name) != seen.end()) legend.push_back({s.name, s.colour});
  }
  for (const std::string& state : seen) {
    if (!known_state(state)) legend.push_back({state, kUnknownStateColour});
  }
  // "bits" apart from the states: "fault" is also a state.
  legend.push_back({"alarm bits", kAlarmColour});
  legend.push_back({"protection bits", kProtectionColour});
  legend.push_back({"fault bits", kFaultColour});
  legend.push_back({"path closed", kPathColour});
  return legend;
}

}  // namespace stacksim::report
