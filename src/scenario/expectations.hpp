// What the firmware must do: expectations on a probe (a physical quantity, a
// BMS value, an alarm, an LED, an output), each with a time rule. Checked for
// form and units here; names that depend on the product (protection rows,
// states, LEDs) are checked by sim (sim/probes) against the system.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "util/diagnostics.hpp"
#include "util/json_document.hpp"
#include "util/quantity.hpp"

namespace stacksim::scenario {

struct ProbeSpec {
  const char* name;
  // Numeric probes compare with above/below/at_least/at_most in this
  // dimension; the others take "is" with one of `states`.
  std::optional<Dimension> dimension;
  std::vector<const char*> states;
  const char* detail_key;  // "row", "diagnosis", "led", "output" or nullptr
  bool unit_optional;      // without "unit": the system (or every / any unit)
  const char* meaning;
};

std::span<const ProbeSpec> probe_catalogue();
// The "can" probe reads a signal of the PCS protocol's DBC; its thresholds
// are plain numbers in the signal's own unit.
bool reads_dbc_signal(const ProbeSpec& p);
const ProbeSpec* find_probe(std::string_view name);

struct Expectation {
  std::string name;
  std::string pointer;
  const ProbeSpec* probe = nullptr;
  std::size_t unit = 0;     // 1-based; 0: the system / every / any unit
  std::string detail;       // protection row, diagnosis, output name, CAN signal; LED number as text
  std::string message;      // "can": the DBC message holding the signal, if its name alone is ambiguous
  enum class Compare { kAbove, kBelow, kAtLeast, kAtMost, kIs };
  Compare compare = Compare::kIs;
  double threshold = 0.0;   // base unit of the probe's dimension
  bool c_rate = false;      // a current threshold given as a C-rate
  std::string state;        // for kIs
  enum class When { kBy, kWithin, kDuring, kAlways, kNever };
  When when = When::kAlways;
  std::int64_t from_ns = 0, to_ns = 0;  // kBy: to; kDuring: [from, to]; kWithin: the window length in to_ns
  std::string after;        // kWithin: the timeline event it follows
  std::int64_t on_ns = 0, off_ns = 0;  // "led_flash": the flash's on and off times
};

// Reads the "expect" array. `events` are the timeline's event names (for
// "after"); duration_ns (0 if unknown) bounds deadlines.
std::vector<Expectation> read_expectations(const JsonDocument& doc, const nlohmann::json& node,
                                           const std::string& pointer, std::int64_t duration_ns,
                                           const std::vector<std::string>& events, Diagnostics& diags);

// "cell_voltage_max below 3.65V always" for reports.
std::string describe(const Expectation& e);

}  // namespace stacksim::scenario
