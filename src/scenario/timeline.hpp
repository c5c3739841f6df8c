// The scenario's timeline: faults injected at given times, each optionally
// undone after "for". Checked for form, names and units here; targets are
// checked against the system by sim (sim/fault_injector).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenario/fault_catalogue.hpp"
#include "util/diagnostics.hpp"
#include "util/json_document.hpp"

namespace stacksim::scenario {

struct FaultEvent {
  std::string name;     // as written, or "<fault> at <time>"
  const FaultSpec* spec = nullptr;
  const FaultMode* mode = nullptr;
  std::int64_t at_ns = 0;
  std::optional<std::int64_t> for_ns;  // none: to the end of the run
  // Targets as written, 1-based; 0 where the fault takes none.
  std::size_t unit = 0, module = 0, cell = 0, sensor = 0;
  std::string contactor;  // "positive", "negative", "precharge"
  std::string bus;        // link faults: "internal", "link", "pcs"
  double value = 0.0;     // in the mode's dimension's base unit, if it has one
  std::int64_t hold_ns = 0;  // button presses
  std::int64_t over_ns = 0;  // ambient ramps: how long the ramp takes
  std::string pointer;    // where it was written
};

// Reads `node` (the "timeline" array). step_ns and duration_ns (0 if not
// valid) check that times sit on the step grid and inside the run.
std::vector<FaultEvent> read_timeline(const JsonDocument& doc, const nlohmann::json& node,
                                      const std::string& pointer, std::int64_t step_ns,
                                      std::int64_t duration_ns, Diagnostics& diags);

}  // namespace stacksim::scenario
