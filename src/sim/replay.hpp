// Replaying a recorded bus log (docs/replay.md): instead of the virtual
// inverter, a node on the plant's PCS bus sends the frames the PCS sent in a
// candump log, at their recorded times, and the battery answers. Which frames
// are the PCS's is read from the protocol's DBC (the sender of each message);
// the battery's own frames in the log are not replayed, and identifiers no DBC
// knows are counted and skipped.
//
// Timing: a candump line is stamped with the end of its frame. A replayed
// frame is queued at that time less its own duration on this bus, so on an
// idle bus (or one the battery frees at the same instant, as in the original
// run) it ends exactly at the logged time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "bus/can_bus.hpp"
#include "bus/candump_log.hpp"
#include "inverter/profile_registry.hpp"
#include "protocol/dbc.hpp"
#include "scenario/scenario.hpp"
#include "sim/bms_setup.hpp"
#include "sim/replay_report.hpp"
#include "sim/run.hpp"
#include "util/diagnostics.hpp"

namespace stacksim::sim {

// The protocol the log is read with, and the DBCs that tell its senders apart.
struct ReplayProtocol {
  const inverter::ProfileInfo* profile = nullptr;
  protocol::Dbc dbc;
  std::string dbc_file;  // "models/dbc/NAME.dbc", under the data directory
  // models/dbc/gtx3000-link.dbc, if present: the BCUs of a parallel GTX3000
  // system talk to each other on the PCS bus; their frames are the battery's.
  std::optional<protocol::Dbc> link;
};

// The profile, as `stacksim run` chooses the inverter's: `protocol_override`
// (--protocol, also set as the firmware's pcs.protocol), else the scenario's
// named inverter protocol, else the firmware's pcs.protocol. Loads its DBC;
// problems go to `diags` (nullopt then).
std::optional<ReplayProtocol> load_replay_protocol(const std::filesystem::path& data_dir,
                                                   const scenario::Scenario& scenario, BmsSetup& bms,
                                                   const std::string& protocol_override, Diagnostics& diags);

struct ReplayFrame {
  std::int64_t end_ns = 0;  // when it ended in the log, in run time
  bus::CanFrame frame;
};

struct ReplayPlan {
  std::vector<ReplayFrame> frames;  // the PCS's frames, in time order
  ReplayReport report;              // the counts of the log's frames
};

// A recorded log, read whole.
struct ReplayLog {
  std::string file;  // as given
  std::string sha256;
  std::vector<bus::CandumpRecord> records;
  std::int64_t first_ns = 0, last_ns = 0;  // earliest and latest record
};

// Reads a candump log (bus::CandumpReader: what candump, python-can and
// stacksim write). Every line it cannot read is a problem "file:line:
// message", all of them at once (nullopt then), as is an unreadable file or
// one without a frame.
std::optional<ReplayLog> read_replay_log(const std::filesystem::path& path, Diagnostics& diags);

// Sorts the log's records by sender; `offset_ns` is subtracted from every
// time (not more than the log's first time).
ReplayPlan plan_replay(const ReplayLog& log, const ReplayProtocol& protocol, std::int64_t offset_ns);

// The run of a replay without an expectation file: the system with every
// default of a scenario (seed 0, 50 % SOC, 25 C, 10 ms step, a row every
// second, the operator's start at 0 s) and an empty profile: the terminals
// rest.
scenario::Scenario default_replay_scenario(const std::string& system, const std::string& name,
                                           std::int64_t duration_ns);

// The node that sends the plan's frames.
class LogReplayer {
 public:
  explicit LogReplayer(ReplayPlan plan);
  LogReplayer(const LogReplayer&) = delete;
  LogReplayer& operator=(const LogReplayer&) = delete;

  // Joins `bus` as the node "replay" (it acknowledges the battery's frames,
  // as the inverter it stands for did).
  void attach(bus::CanBus& bus);
  // Before the physics step [now_ns, now_ns + dt_ns): queues every frame
  // that starts in it, at its start time.
  void before_step(std::int64_t now_ns, std::int64_t dt_ns);
  // The counts so far; frames never queued count as after the end.
  ReplayReport report() const;

 private:
  std::vector<ReplayFrame> frames_;
  std::vector<std::int64_t> start_ns_;  // end less the frame's duration on the bus
  std::size_t next_ = 0;
  bus::CanBus* bus_ = nullptr;
  std::size_t node_ = 0;
  ReplayReport report_;
};

// Runs `scenario` (which must have no inverter) with the plan's frames on the
// PCS bus: run_scenario's outputs, with summary.replay set.
RunOutcome run_replay(const scenario::Scenario& scenario, const SystemConfig& system, RunOptions options,
                      ReplayPlan plan);

// result_line() with the replay's counts before the output folder.
std::string replay_result_line(const scenario::Scenario& scenario, const SystemConfig& system,
                               const RunSummary& summary, const std::filesystem::path& out_dir);

}  // namespace stacksim::sim
