// A scenario as the user wrote it, checked for form and units but not yet
// against a system (that is sim's job: it knows how many units a system has).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "scenario/expectations.hpp"
#include "scenario/inverter_section.hpp"
#include "scenario/timeline.hpp"
#include "util/diagnostics.hpp"
#include "util/json_document.hpp"

namespace stacksim::scenario {

inline constexpr int kScenarioVersion = 1;

// A current that is either in amperes or a multiple of the system's 1C.
struct Current {
  double value = 0.0;
  bool c_rate = false;
};

// Ends a profile step early. Voltages are at the system terminals, cell
// voltages are the lowest/highest group voltage anywhere, SOC is the system's.
struct StopCondition {
  enum class Kind {
    kVoltageAbove,
    kVoltageBelow,
    kCellVoltageAbove,
    kCellVoltageBelow,
    kCurrentBelow,  // |current| below; for voltage-hold steps (CC-CV taper)
    kSocAbove,
    kSocBelow,
    kTemperatureAbove,  // hottest cell
  };
  Kind kind = Kind::kVoltageAbove;
  double value = 0.0;  // V, fraction, degC, or A / C-rate for kCurrentBelow
  bool c_rate = false;
  std::string key;     // as written, for reports
};

struct ProfileStep {
  enum class Kind { kRest, kCurrent, kPower, kVoltage };
  Kind kind = Kind::kRest;
  Current current;        // kCurrent; kVoltage: the current limit
  double power_W = 0.0;   // kPower
  double voltage_V = 0.0; // kVoltage
  std::optional<std::int64_t> duration_ns;  // "for"
  std::vector<StopCondition> until;          // any one ends the step
  std::string pointer;    // where it was written, for reports
};

struct InitialModule {
  std::optional<double> soc;
  std::optional<double> temperature_C;
};

struct InitialUnit {
  std::optional<double> soc;
  std::optional<double> temperature_C;
  // Empty, or one per module of the string (GTX3000); each overrides the unit's.
  std::vector<InitialModule> modules;
  std::string pointer;
};

// The BMS side of a run.
struct BmsSetup {
  // "reference": the built-in firmware on every board (a --firmware option
  // may replace it per role); "none": no boards at all, the physics alone
  // with every branch closed (the runs of the first release).
  bool firmware = true;
  // "button": the operator closes the breaker at 0 s and holds the start /
  // POWER button long enough (the product's long press plus 0.5 s) to start
  // the system; "off": nobody touches it.
  bool power_on = true;
  // Overrides of the product's firmware parameters (models/firmware), by key;
  // checked against the product's keys when the system is known.
  struct Parameter {
    std::string key;
    std::int64_t value = 0;
    std::string name;  // a value written by name ("sofar-hv"); resolved with the product
  };
  std::vector<Parameter> parameters;
  std::string parameters_pointer;
  // Parallel systems: units (1-based, 2 or more) whose incoming link cable is
  // plugged In/Out the wrong way round (docs/parallel.md).
  std::vector<std::size_t> swapped_link_cables;
  std::string swapped_link_cables_pointer;
};

struct Scenario {
  std::string file;        // as given by the user
  std::string sha256;      // of the file's bytes
  std::string name;
  std::string description;
  std::string system;      // a configs/ name
  std::uint64_t seed = 0;
  // Local calendar time at 0 s, seconds since 1970-01-01T00:00:00 (the
  // boards' real-time clocks start here; the full-charge window needs it).
  std::int64_t start_epoch_s = 0;
  BmsSetup bms;
  std::int64_t duration_ns = 0;
  std::int64_t step_ns = 0;
  std::int64_t record_ns = 0;
  bool stop_after_profile = false;
  double ambient_C = 25.0;
  double initial_soc = 0.5;
  double initial_temperature_C = 25.0;
  double initial_hysteresis = 0.0;  // +1 after charge, -1 after discharge
  std::vector<InitialUnit> units;   // empty, or one per unit of the system
  std::vector<ProfileStep> profile;  // repeats already expanded; empty with a site demand
  // The virtual inverter (docs/inverter.md); none: the profile drives the
  // terminals directly (the ideal source of earlier releases).
  std::optional<InverterSetup> inverter;
  // Faults injected at given times (docs/faults.md), and what the firmware
  // must do (docs/expectations.md).
  std::vector<FaultEvent> timeline;
  std::vector<Expectation> expectations;
  JsonDocument source;     // for locating later problems (line, column)
};

// Reads and checks a scenario file. Every problem goes to `diags`; nullopt if
// there was any.
// "YYYY-MM-DDTHH:MM:SS" to seconds since 1970-01-01T00:00:00 (proleptic
// Gregorian, no time zone: the scenario's local time).
std::optional<std::int64_t> parse_local_time(const std::string& text);
inline constexpr const char* kDefaultStart = "2026-01-01T00:00:00";

std::optional<Scenario> load_scenario(const std::filesystem::path& path, Diagnostics& diags);

}  // namespace stacksim::scenario
