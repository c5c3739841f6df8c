// A finished run as the report sees it: the recorded signals (signals.csv) and
// what summary.json says about the run. Plain data: read_run() fills it,
// render_html() draws it, and tests build it by hand.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace stacksim::report {

// One value per record instant (RunData::signals.time_s); NaN where the row
// had none (an empty cell, or text where a number belongs). An empty vector
// means the column is not in the file.
using Samples = std::vector<double>;

// A value that held from one record instant to the next: the state columns
// change rarely, so they are kept as runs rather than one string per row.
template <typename V>
struct Run {
  double from_s = 0.0;
  double to_s = 0.0;
  V value{};
};
using StateRun = Run<std::string>;    // "" while the BMS reports nothing
using BitsRun = Run<std::uint32_t>;   // 0 while no bit is set (or nothing is reported)

struct UnitSignals {
  std::string name;  // the column prefix: "string1", "pack2"
  Samples voltage_V, current_A, soc_pct, cell_min_V, cell_max_V, temp_min_C, temp_max_C;
  // The master BMS's view; empty without a BMS.
  Samples bms_soc_pct, charge_limit_A, discharge_limit_A;
  std::vector<StateRun> bms_state;
  std::vector<BitsRun> alarms, protections, faults, path_closed;
};

struct Signals {
  std::vector<double> time_s;  // non-decreasing
  // The system terminals and the extremes over every unit.
  Samples voltage_V, current_A, power_W, soc_pct, cell_min_V, cell_max_V, temp_min_C, temp_max_C;
  std::vector<UnitSignals> units;  // in header order
  // Cells that should hold a number but held text: shown on the page as a
  // note rather than refusing the whole report (the first one is named).
  std::size_t unreadable_values = 0;
  std::string first_unreadable;  // "signals.csv:12: string1_alarms: 'x'"
};

// summary.json "faults": one injected fault and when the BMS noticed it
// (docs/faults.md).
struct FaultEvent {
  std::string name;
  std::string kind;  // "temperature_sensor stuck": the catalogue's fault and mode
  std::string target;
  double at_s = 0.0;
  std::optional<double> until_s, detected_s, reacted_s;
  std::string detected_by;  // the status bit that showed it, when the run names it
};

// summary.json "expectations" (docs/expectations.md).
struct Expectation {
  std::string name;
  std::string rule;  // "by", "within", ...; empty when the run does not say
  bool met = false;
  std::optional<double> at_s;
  std::string detail;
};

struct RunSummary {
  std::string stacksim_version;
  std::string scenario_name, scenario_file, scenario_sha256;
  std::string seed;  // as written (a JSON integer may exceed every C++ type)
  std::string system_name, product, cell;
  std::optional<std::int64_t> units, modules_per_unit;
  std::string result;     // "completed", ...
  std::string simulated;  // "3h"
  std::optional<double> simulated_s;
  std::string inverter_protocol;
  std::vector<std::string> protection_rows;  // bit i of alarms/protections is row i
  std::optional<std::string> verdict;        // "passed" or "failed"; absent before issue 5
  std::vector<FaultEvent> faults;
  std::vector<Expectation> expectations;
};

struct RunData {
  Signals signals;
  RunSummary summary;
};

// Reads DIR/signals.csv and DIR/summary.json. On failure returns nullopt and
// sets `error` to one line naming the file and line ("DIR/signals.csv:5: ...").
std::optional<RunData> read_run(const std::filesystem::path& run_dir, std::string& error);

}  // namespace stacksim::report
