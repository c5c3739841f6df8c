// Running a scenario as fast as possible: assemble the system it names, play
// its profile, write DIR/signals.csv and DIR/summary.json.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "inverter/inverter_report.hpp"
#include "protocol/dbc.hpp"
#include "scenario/scenario.hpp"
#include "sim/profile_player.hpp"
#include "sim/replay_report.hpp"
#include "sim/serve_report.hpp"
#include "sim/system_config.hpp"
#include "sim/verdicts.hpp"
#include "util/diagnostics.hpp"

namespace stacksim::sim {

struct BmsSetup;
struct InverterPlan;
class LogReplayer;
class Plant;
struct RunSummary;

// Something that acts around every step of a run: `stacksim serve` binds
// buses to transports and paces the run with these (sim/serve.hpp). The run
// stays deterministic without them.
class StepHook {
 public:
  virtual ~StepHook() = default;
  // Once the plant exists (not called when the run has no BMS).
  virtual void attach(Plant& plant) { (void)plant; }
  // Before the physics step [now_ns, now_ns + dt_ns).
  virtual void before_step(std::int64_t now_ns, std::int64_t dt_ns) {
    (void)now_ns;
    (void)dt_ns;
  }
  // After it; false ends the run at end_ns (outputs still written).
  virtual bool after_step(std::int64_t end_ns) {
    (void)end_ns;
    return true;
  }
  // What it adds to the summary, once at the end.
  virtual void finish(RunSummary& summary) { (void)summary; }
};

struct RunOptions {
  std::filesystem::path data_dir;  // holds models/ and configs/
  std::filesystem::path out_dir;
  std::optional<std::uint64_t> seed;  // overrides the scenario's
  // Boards and firmware (load_bms_setup); null runs the physics alone.
  const BmsSetup* bms = nullptr;
  // The scenario's inverter (load_inverter_plan); required when it has one.
  const InverterPlan* inverter = nullptr;
  // The DBC of the firmware's PCS protocol (load_firmware_pcs_dbc); needed
  // when an expectation reads the PCS bus ("can" probes).
  const protocol::Dbc* pcs_dbc = nullptr;
  // Buses recorded (Plant::bus_names); nullopt: every bus (a line only the
  // outside talks on, such as pcs485, only when it is in bound_buses).
  std::optional<std::vector<std::string>> bus_logs = std::nullopt;
  // Buses bound to an external transport (stacksim serve --bus).
  std::vector<std::string> bound_buses = {};
  // A progress bar on stderr for long runs (the CLI: when it is a terminal).
  bool progress = false;
  // A recorded log's PCS frames on the PCS bus instead of an inverter
  // (sim/replay.hpp, `stacksim replay`); null: none.
  LogReplayer* replayer = nullptr;
  // Called around every step, in order (stacksim serve: external buses and
  // the real-time pacer); none in a batch run.
  std::vector<StepHook*> hooks = {};
};

// The BMS as the simulator saw it, per unit, at the end of the run.
struct BmsUnitEnd {
  std::string state;         // bms_state_name, "off" or "booting"
  double soc_pct = 0.0;      // the firmware's estimate
  std::uint32_t alarms = 0, protections = 0, faults = 0;
  bool path_closed = false;
  // Largest difference between the firmware's min/max cell voltage and
  // temperature and the physics' at the same record instants.
  double cell_error_max_mV = 0.0;
  double temp_error_max_C = 0.0;
  std::int64_t compared = 0;  // record instants compared
};

struct BmsSummary {
  struct Firmware {
    std::string role, name, version, origin, sha256, build_id;
  };
  std::vector<Firmware> firmware;
  // Bit i of alarms / protections is row i of the product's protection table.
  std::vector<std::string> protection_rows;
  std::vector<BmsUnitEnd> units;
  std::size_t boards = 0;
  std::size_t log_lines = 0;
  // Power-ons at which a board's firmware refused to start (create() gave
  // NULL; it logged why): such a board stays dead until powered again.
  std::uint32_t failed_starts = 0;
  std::uint64_t can_frames = 0, rs485_bursts = 0, rs485_collisions = 0;
};

// Totals and extremes of one unit (string or pack) over the run.
struct UnitTotals {
  std::string name;
  double soc_start = 0.0, soc_end = 0.0;
  double voltage_end_V = 0.0;
  double cell_min_V = 0.0, cell_max_V = 0.0;
  double temp_min_C = 0.0, temp_max_C = 0.0;
  double charge_in_Ah = 0.0, charge_out_Ah = 0.0;
  double energy_in_Wh = 0.0, energy_out_Wh = 0.0;
  double capacity_Ah = 0.0;  // weakest series group at the end
};

struct RunSummary {
  std::uint64_t seed = 0;
  std::int64_t simulated_ns = 0;
  std::int64_t steps = 0;
  std::vector<UnitTotals> units;
  UnitTotals system;  // system terminals
  std::vector<StepEnd> profile;
  std::int64_t open_circuit_steps = 0;
  std::int64_t power_limited_steps = 0;
  double cell_heat_J = 0.0;
  double external_heat_J = 0.0;
  std::optional<BmsSummary> bms;
  std::optional<inverter::InverterReport> inverter;
  std::optional<ReplayReport> replay;  // a replay's counts (stacksim replay)
  std::optional<ServeReport> serve;    // pacing and external buses (stacksim serve)
  // The run ended before its duration because a hook asked it to (SIGINT).
  bool stopped_early = false;
  // The scenario's expectations, judged, and the timing of its faults.
  std::vector<Verdict> verdicts;
  std::vector<FaultTiming> faults;
  bool passed() const {
    for (const Verdict& v : verdicts) {
      if (!v.met) return false;
    }
    return true;
  }
};

// A system checked against a scenario: what run_scenario needs. Problems with
// the pair (a unit that does not exist, an unknown system) go to `diags`.
std::optional<SystemConfig> resolve_system(const scenario::Scenario& scenario,
                                           const std::filesystem::path& data_dir,
                                           Diagnostics& diags);

struct RunOutcome {
  std::optional<RunSummary> summary;  // nullopt: see error
  std::string error;                  // an output that could not be written
  // The error is the user's to fix before anything ran (a port in use).
  bool bad_input = false;
};

// Runs a scenario already checked by resolve_system. Outputs are written to
// temporary names and renamed when complete, so a failed run leaves no
// half-written file.
RunOutcome run_scenario(const scenario::Scenario& scenario, const SystemConfig& system,
                        const RunOptions& options);

// The one-line result printed by `stacksim run`.
std::string result_line(const scenario::Scenario& scenario, const SystemConfig& system,
                        const RunSummary& summary, const std::filesystem::path& out_dir);

}  // namespace stacksim::sim
