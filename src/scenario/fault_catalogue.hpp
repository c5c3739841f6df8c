// The faults a scenario's timeline can inject: their names, what they target,
// their modes and values. One table (fault_catalogue.cpp) serves the file
// checks, the error messages that list valid names, and docs/faults.md.
// Applying a fault to the running system is sim's job (sim/fault_injector).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/quantity.hpp"

namespace stacksim::scenario {

// What a fault is aimed at; each one adds a key to the timeline event.
enum Target : std::uint8_t {
  kTargetNone = 0,
  kTargetUnit = 1,       // "unit": string or pack, 1-based
  kTargetModule = 2,     // "module": module of a GTX3000 string, 1-based
  kTargetCell = 4,       // "cell": series position within the module or pack, 1-based
  kTargetSensor = 8,     // "sensor": temperature sensor of the board, 1-based
  kTargetContactor = 16, // "contactor": "positive", "negative" or "precharge"
};

struct FaultMode {
  const char* name;
  // The dimension of "value", if this mode needs one.
  std::optional<Dimension> value;
  double value_min = 0.0, value_max = 0.0;  // in the dimension's base unit
  const char* meaning;
};

struct FaultSpec {
  const char* name;
  const char* group;  // thermal, cells, sensors, actuators, links, operator
  std::uint8_t targets = kTargetNone;
  // For a module-level target (kTargetModule) on a product without modules
  // (LV packs) the pack itself is the module: "module" is then not accepted.
  std::vector<FaultMode> modes;  // the first is the default when "mode" is left out
  // False: the fault is a one-off change of state (a cell's charge) that
  // "for" cannot undo.
  bool recoverable = true;
  // Extra duration key the fault takes ("hold" for a button press).
  const char* duration_key = nullptr;
  const char* meaning;
};

std::span<const FaultSpec> fault_catalogue();
const FaultSpec* find_fault(std::string_view name);
std::string fault_names();  // "a, b, c" for messages
const FaultMode* find_mode(const FaultSpec& spec, std::string_view name);
std::string mode_names(const FaultSpec& spec);

}  // namespace stacksim::scenario
