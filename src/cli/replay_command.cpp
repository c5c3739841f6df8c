#include "cli/replay_command.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "cli/cli_common.hpp"
#include "scenario/scenario.hpp"
#include "sim/bms_setup.hpp"
#include "sim/fault_injector.hpp"
#include "sim/inverter_setup.hpp"
#include "sim/model_files.hpp"
#include "sim/probes.hpp"
#include "sim/replay.hpp"
#include "sim/run.hpp"
#include "util/diagnostics.hpp"
#include "util/quantity.hpp"

namespace stacksim::cli {
namespace {

namespace fs = std::filesystem;

// A log whose first frame is later than this is stamped with another clock
// (candump on hardware writes seconds since 1970); stacksim's logs start at 0.
constexpr std::int64_t kOwnClockLimit_ns = 86'400'000'000'000;

std::optional<std::int64_t> duration_option(const std::string& name, const std::string& text, Diagnostics& diags) {
  if (text.empty()) return std::nullopt;
  std::string error;
  const auto ns = parse_duration_ns(text, &error);
  if (!ns) diags.add(name, "", {}, error);
  return ns;
}

// The expectation file, or the defaults of a scenario for --system.
std::optional<scenario::Scenario> replay_scenario(const ReplayOptions& o, const fs::path& data, Diagnostics& diags) {
  if (!o.expect.empty()) {
    auto sc = scenario::load_scenario(o.expect, diags);
    if (sc && !o.system.empty() && o.system != sc->system) {
      diags.add("--system", "", {},
                "expected the system of " + o.expect + " (\"" + sc->system + "\") or none, got \"" + o.system + "\"");
    }
    return sc;
  }
  if (o.system.empty()) {
    diags.add("--system", "", {},
              "expected the system the log was recorded on (stacksim list shows them), or --expect FILE naming one");
    return std::nullopt;
  }
  if (!sim::is_safe_name(o.system) || !fs::exists(data / "configs" / (o.system + ".json"))) {
    diags.add("--system", "", {},
              "expected a system in " + (data / "configs").string() + " (stacksim list shows them), got \"" +
                  o.system + "\"");
    return std::nullopt;
  }
  return sim::default_replay_scenario(o.system, "replay-" + fs::path(o.log).stem().string(), 0);
}

}  // namespace

CLI::App* add_replay_command(CLI::App& app, ReplayOptions& o) {
  CLI::App* replay = app.add_subcommand(
      "replay", "Drive the system with the PCS frames of a recorded candump log instead of the virtual inverter");
  replay->add_option("log", o.log, "Candump log (candump -l, python-can, a run's bus-pcs.log)")->required();
  replay->add_option("--system", o.system, "System of configs/ (stacksim list); may be left out with --expect");
  replay->add_option("--expect", o.expect,
                     "Scenario file whose initial state, profile (the load), timeline and expectations apply");
  replay->add_option("--out", o.out, "Output directory (default: out/replay-<log file name>)");
  replay->add_option("--duration", o.duration,
                     "Simulated time (default: the --expect file's, else up to the log's last frame)");
  replay->add_option("--start-at", o.start_at,
                     "Play the log's first frame at this simulated time (default: the log's own times, as a "
                     "stacksim log has them)");
  replay->add_option("--seed", o.seed, "Seed for this run (default: the --expect file's, else 0)");
  replay->add_option("--protocol", o.protocol,
                     "PCS protocol of the log and the firmware: " + sim::protocol_names() +
                         " (default: the firmware's pcs.protocol)");
  return replay;
}

int replay_command(const ReplayOptions& o, const fs::path& data) {
  Diagnostics diags;
  if (!o.protocol.empty() && !sim::is_protocol_name(o.protocol)) {
    diags.add("--protocol", "", {}, "expected one of " + sim::protocol_names() + ", got \"" + o.protocol + "\"");
  }
  const auto log = sim::read_replay_log(o.log, diags);
  auto sc = replay_scenario(o, data, diags);
  const auto duration = duration_option("--duration", o.duration, diags);
  const auto start_at = duration_option("--start-at", o.start_at, diags);
  if (!diags.empty() || !sc || !log) return report(diags);

  const auto system = sim::resolve_system(*sc, data, diags);
  if (!system) return report(diags);
  if (!sc->bms.firmware) {
    sc->source.error(diags, "/bms/firmware", "expected \"reference\": a replay needs the BMS to answer the log");
    return report(diags);
  }
  auto bms = sim::load_bms_setup(data, *system, *sc, {}, diags);
  if (!bms) return report(diags);
  const auto protocol = sim::load_replay_protocol(data, *sc, *bms, o.protocol, diags);
  // The DBC of the firmware's protocol, for expectations that read the PCS bus.
  std::optional<protocol::Dbc> pcs_dbc;
  if (std::any_of(sc->expectations.begin(), sc->expectations.end(),
                  [](const auto& e) { return scenario::reads_dbc_signal(*e.probe); })) {
    pcs_dbc = sim::load_firmware_pcs_dbc(data, *bms, diags);
  }
  sim::check_timeline(*sc, *system, &*bms, diags);
  sim::resolve_probes(*sc, *system, &*bms, pcs_dbc ? &*pcs_dbc : nullptr, diags);

  std::int64_t offset_ns = 0;
  if (start_at) {
    offset_ns = log->first_ns - *start_at;
  } else if (log->first_ns > kOwnClockLimit_ns) {
    diags.add(o.log, "", {},
              "its first frame is at " + format_duration_ns(log->first_ns) +
                  " of its own clock (seconds since 1970?); expected --start-at D to play it from D of simulated time");
  }
  if (duration) {
    if (*duration <= 0 || *duration % sc->step_ns != 0) {
      diags.add("--duration", "", {},
                "expected a duration longer than 0 and a whole multiple of the step (" +
                    format_duration_ns(sc->step_ns) + "), got \"" + o.duration + "\"");
    }
    sc->duration_ns = *duration;
  } else if (o.expect.empty()) {
    // Up to the log's last frame, on the step grid.
    const std::int64_t last_ns = std::max<std::int64_t>(log->last_ns - offset_ns, 1);
    sc->duration_ns = (last_ns + sc->step_ns - 1) / sc->step_ns * sc->step_ns;
  }
  if (!diags.empty() || !protocol) return report(diags);

  // The log stands for the inverter: an inverter section only chose the protocol.
  sc->inverter.reset();
  const fs::path out_dir =
      o.out.empty() ? fs::path("out") / ("replay-" + fs::path(o.log).stem().string()) : fs::path(o.out);
  sim::RunOptions options;
  options.data_dir = data;
  options.out_dir = out_dir;
  options.seed = o.seed;
  options.bms = &*bms;
  options.pcs_dbc = pcs_dbc ? &*pcs_dbc : nullptr;
  options.bus_logs = std::vector<std::string>{"pcs"};
  const auto outcome = sim::run_replay(*sc, *system, options, sim::plan_replay(*log, *protocol, offset_ns));
  if (!outcome.summary) {
    std::fprintf(stderr, "stacksim: %s\n", outcome.error.c_str());
    return kExitRunFailed;
  }
  std::puts(sim::replay_result_line(*sc, *system, *outcome.summary, out_dir).c_str());
  return outcome.summary->passed() ? kExitOk : kExitMissed;
}

}  // namespace stacksim::cli
