// The stacksim command. Exit codes: 0 success (every expectation met), 1 an
// expectation was missed, 2 the command line or an input file is wrong, 3 the
// run failed inside (an output could not be written).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "cli/cli_common.hpp"
#include "cli/replay_command.hpp"
#include "cli/test_command.hpp"
#include "scenario/scenario.hpp"
#include "sim/bms_setup.hpp"
#include "sim/fault_injector.hpp"
#include "sim/firmware_plugin.hpp"
#include "sim/inverter_setup.hpp"
#include "bus/transport.hpp"
#include "serve/serve.hpp"
#include "sim/model_files.hpp"
#include "sim/plant.hpp"
#include "sim/replay.hpp"
#include "sim/probes.hpp"
#include "sim/run.hpp"
#include "sim/system_config.hpp"
#include "util/diagnostics.hpp"
#include "util/quantity.hpp"

namespace {

namespace fs = std::filesystem;
using stacksim::Diagnostics;
using namespace stacksim::cli;

// The DBC that "can" probes read, if the scenario has any.
std::optional<stacksim::protocol::Dbc> pcs_dbc_for(const stacksim::scenario::Scenario& sc, const fs::path& data,
                                                   const stacksim::sim::BmsSetup* bms, Diagnostics& diags) {
  const bool wanted = std::any_of(sc.expectations.begin(), sc.expectations.end(),
                                  [](const auto& e) { return stacksim::scenario::reads_dbc_signal(*e.probe); });
  if (!wanted || bms == nullptr) return std::nullopt;
  return stacksim::sim::load_firmware_pcs_dbc(data, *bms, diags);
}

// The timeline's targets and the expectations' probes against the system.
void check_targets(const stacksim::scenario::Scenario& sc, const stacksim::sim::SystemConfig& system,
                   const stacksim::sim::BmsSetup* bms, const stacksim::protocol::Dbc* pcs_dbc, Diagnostics& diags) {
  stacksim::sim::check_timeline(sc, system, bms, diags);
  stacksim::sim::resolve_probes(sc, system, bms, pcs_dbc, diags);
}

// --firmware ROLE=PATH, each checked against the system's roles and loaded.
std::optional<stacksim::sim::FirmwareChoice> load_firmware_options(
    const std::vector<std::string>& options, const stacksim::scenario::Scenario& sc,
    const stacksim::sim::SystemConfig& system, Diagnostics& diags) {
  stacksim::sim::FirmwareChoice choice;
  const std::size_t before = diags.size();
  const auto roles = stacksim::sim::roles_of(system);
  std::string role_list;
  for (const std::string& r : roles) role_list += (role_list.empty() ? "" : ", ") + r;
  for (const std::string& option : options) {
    const auto eq = option.find('=');
    const std::string role = eq == std::string::npos ? "" : option.substr(0, eq);
    const std::string path = eq == std::string::npos ? "" : option.substr(eq + 1);
    if (role.empty() || path.empty()) {
      diags.add("--firmware", "", {}, "expected ROLE=PATH.so, got \"" + option + "\"");
      continue;
    }
    if (std::find(roles.begin(), roles.end(), role) == roles.end()) {
      diags.add("--firmware", "", {}, "expected a role of " + system.name + " (" + role_list +
                                          "), got \"" + role + "\"");
      continue;
    }
    if (!sc.bms.firmware) {
      diags.add(sc.file, "/bms/firmware", {},
                "the scenario runs without firmware (\"none\"); expected \"reference\" to use "
                "--firmware");
      continue;
    }
    std::string error;
    auto image = stacksim::sim::load_firmware_plugin(path, error);
    if (!image) {
      diags.add(path, "", {}, error.substr(std::min(error.size(), path.size() + 2)));
      continue;
    }
    auto& slot = role == "bcu" ? choice.bcu : role == "module" ? choice.module : choice.pack;
    if (slot) {
      diags.add("--firmware", "", {}, "expected one firmware per role; \"" + role + "\" given twice");
      continue;
    }
    slot = std::move(image);
  }
  if (diags.size() != before) return std::nullopt;
  return choice;
}

// The system's buses for a message, "(pcs, link)", and after the message
// the lines to the outside: "; pcs485 is the RS485 line to the PCS".
std::string listed_buses(const std::vector<std::string>& known) {
  std::string inner;
  for (const std::string& k : known) {
    if (!stacksim::sim::Plant::outside_only(k)) inner += (inner.empty() ? "" : ", ") + k;
  }
  return "(" + inner + ")";
}
std::string outside_buses_note(const std::vector<std::string>& known) {
  std::string outside;
  for (const std::string& k : known) {
    if (stacksim::sim::Plant::outside_only(k)) outside += (outside.empty() ? "" : ", ") + k;
  }
  return outside.empty() ? "" : "; " + outside + " is the RS485 line to the PCS";
}

// --bus-logs: "all" (nullopt), "none" (empty), or names of the system's buses.
std::optional<std::vector<std::string>> parse_bus_logs(const std::string& text,
                                                       const stacksim::sim::SystemConfig& system,
                                                       stacksim::Diagnostics& diags) {
  if (text == "all") return std::nullopt;
  std::vector<std::string> names;
  if (text == "none") return names;
  const auto known = stacksim::sim::Plant::bus_names(system);
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string name = text.substr(start, comma - start);
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      diags.add("--bus-logs", "", {},
                "expected all, none or bus names of " + system.name + " " + listed_buses(known) + ", got \"" + name +
                    "\"" + outside_buses_note(known));
    } else {
      names.push_back(name);
    }
    start = comma + 1;
  }
  return names;
}

// `stacksim serve`'s own options (docs/serve.md); run_command without them is `stacksim run`.
struct ServeCli {
  std::vector<std::string> buses;  // NAME=SPEC
  double speed = 1.0;
  std::string duration;
  std::vector<std::string> externals;  // board names (--external)
};

// serve takes a system of configs/ as well as a scenario file: the defaults
// of a scenario (as replay's), running for `duration` or a year.
std::optional<stacksim::scenario::Scenario> serve_input(const std::string& input, const ServeCli& serve,
                                                        const fs::path& data, Diagnostics& diags) {
  std::optional<std::int64_t> duration;
  if (!serve.duration.empty()) {
    std::string error;
    duration = stacksim::parse_duration_ns(serve.duration, &error);
    if (!duration || *duration <= 0) {
      diags.add("--duration", "", {}, duration ? "expected a duration longer than 0" : error);
      return std::nullopt;
    }
  }
  std::optional<stacksim::scenario::Scenario> sc;
  if (input.size() < 5 || input.substr(input.size() - 5) != ".json") {
    if (!stacksim::sim::is_safe_name(input) || !fs::exists(data / "configs" / (input + ".json"))) {
      diags.add(input, "", {},
                "expected a scenario file (.json) or a system of " + (data / "configs").string() +
                    " (stacksim list shows them)");
      return std::nullopt;
    }
    constexpr std::int64_t kYear_ns = 365LL * 86400 * 1'000'000'000;
    sc = stacksim::sim::default_replay_scenario(input, "serve-" + input, kYear_ns);
  } else {
    sc = stacksim::scenario::load_scenario(input, diags);
  }
  if (sc && duration) {
    if (*duration % sc->step_ns != 0) {
      diags.add("--duration", "", {}, "expected a whole multiple of the step (" +
                                          stacksim::format_duration_ns(sc->step_ns) + ")");
      return std::nullopt;
    }
    sc->duration_ns = *duration;
  }
  return sc;
}

std::vector<stacksim::serve::BusBinding> parse_bindings(const std::vector<std::string>& specs,
                                                        const stacksim::sim::SystemConfig& system,
                                                        Diagnostics& diags) {
  std::vector<stacksim::serve::BusBinding> out;
  const auto known = stacksim::sim::Plant::bus_names(system);
  for (const std::string& s : specs) {
    const auto eq = s.find('=');
    const std::string name = eq == std::string::npos ? "" : s.substr(0, eq);
    if (name.empty() || std::find(known.begin(), known.end(), name) == known.end()) {
      diags.add("--bus", "", {}, "expected NAME=SPEC with NAME a bus of " + system.name + " " + listed_buses(known) +
                                     ", got \"" + s + "\"" + outside_buses_note(known));
      continue;
    }
    std::string error;
    if (!stacksim::bus::parse_transport(s.substr(eq + 1), error)) {
      diags.add("--bus", "", {}, error);
      continue;
    }
    out.push_back({name, s.substr(eq + 1)});
  }
  return out;
}

// --external NODE: a board of the system whose firmware a real device
// replaces, on a bus that is bound (or it could not talk to anything).
std::vector<std::string> parse_externals(const std::vector<std::string>& names,
                                         const std::vector<stacksim::serve::BusBinding>& bindings,
                                         const stacksim::sim::SystemConfig& system,
                                         const stacksim::sim::BmsSetup* bms, Diagnostics& diags) {
  if (names.empty()) return {};
  if (bms == nullptr) {
    diags.add("--external", "", {}, "the scenario runs without a BMS (bms.firmware is false): there is no board to replace");
    return {};
  }
  const auto boards = stacksim::sim::Plant::board_buses(system, bms->hardware);
  std::vector<std::string> out;
  for (const std::string& name : names) {
    const auto it = std::find_if(boards.begin(), boards.end(), [&](const auto& b) { return b.board == name; });
    if (it == boards.end()) {
      std::string all;
      for (const auto& b : boards) all += (all.empty() ? "" : ", ") + b.board;
      diags.add("--external", "", {}, "expected a board of " + system.name + " (" + all + "), got \"" + name + "\"");
      continue;
    }
    const bool bound = std::any_of(bindings.begin(), bindings.end(), [&](const auto& b) {
      return std::find(it->buses.begin(), it->buses.end(), b.bus) != it->buses.end();
    });
    if (!bound) {
      std::string buses;
      for (const std::string& bus : it->buses) buses += (buses.empty() ? "" : " or ") + bus;
      diags.add("--external", "", {}, name + ": bind a bus it sits on (" + buses +
                                          ") with --bus, or the real device that replaces it cannot talk to the simulated boards");
      continue;
    }
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

int run_command(const std::string& file, const std::string& out, std::optional<std::uint64_t> seed,
                const std::vector<std::string>& firmware, const std::string& protocol,
                const std::string& bus_logs, const fs::path& data, const ServeCli* serve = nullptr) {
  Diagnostics diags;
  if (!protocol.empty() && !stacksim::sim::is_protocol_name(protocol)) {
    diags.add("--protocol", "", {}, "expected one of " + stacksim::sim::protocol_names() + ", got \"" + protocol + "\"");
    return report(diags);
  }
  if (serve != nullptr && !(serve->speed > 0.0 && serve->speed <= 1000.0)) {
    diags.add("--speed", "", {}, "expected a factor above 0 and at most 1000");
    return report(diags);
  }
  auto sc = serve ? serve_input(file, *serve, data, diags) : stacksim::scenario::load_scenario(file, diags);
  if (!sc) return report(diags);
  auto system = stacksim::sim::resolve_system(*sc, data, diags);
  if (!system) return report(diags);
  std::optional<stacksim::sim::BmsSetup> bms;
  const auto choice = load_firmware_options(firmware, *sc, *system, diags);
  if (choice && sc->bms.firmware) bms = stacksim::sim::load_bms_setup(data, *system, *sc, *choice, diags);
  const auto logs = parse_bus_logs(bus_logs, *system, diags);
  const auto bindings = serve ? parse_bindings(serve->buses, *system, diags) : std::vector<stacksim::serve::BusBinding>{};
  const auto externals =
      serve ? parse_externals(serve->externals, bindings, *system, bms ? &*bms : nullptr, diags) : std::vector<std::string>{};
  if (!diags.empty()) return report(diags);
  // Sets the firmware's pcs.protocol, which the "can" probes' DBC follows.
  const auto inverter = stacksim::sim::load_inverter_plan(data, *sc, bms ? &*bms : nullptr, protocol, diags);
  const auto pcs_dbc = pcs_dbc_for(*sc, data, bms ? &*bms : nullptr, diags);
  if (choice && (!sc->bms.firmware || bms)) {
    check_targets(*sc, *system, bms ? &*bms : nullptr, pcs_dbc ? &*pcs_dbc : nullptr, diags);
  }
  if (!diags.empty()) return report(diags);
  const fs::path out_dir = out.empty() ? fs::path("out") / fs::path(file).stem() : fs::path(out);
  stacksim::sim::RunOptions options{data, out_dir, seed, bms ? &*bms : nullptr,
                                    inverter ? &*inverter : nullptr, pcs_dbc ? &*pcs_dbc : nullptr, logs};
  options.progress = isatty(STDERR_FILENO) != 0;
  const auto outcome =
      serve ? stacksim::serve::serve_scenario(*sc, *system, options, {serve->speed, options.progress, bindings, externals})
            : stacksim::sim::run_scenario(*sc, *system, options);
  if (!outcome.summary) {
    std::fprintf(stderr, "stacksim: %s\n", outcome.error.c_str());
    return outcome.bad_input ? kExitBadInput : kExitRunFailed;
  }
  std::puts(stacksim::sim::result_line(*sc, *system, *outcome.summary, out_dir).c_str());
  if (!outcome.summary->passed()) return kExitMissed;
  if (outcome.summary->bms && outcome.summary->bms->failed_starts > 0) {
    std::fprintf(stderr,
                 "stacksim: warning: a firmware refused to start %u time%s (create() returned no "
                 "instance); see %s\n",
                 outcome.summary->bms->failed_starts,
                 outcome.summary->bms->failed_starts == 1 ? "" : "s",
                 (out_dir / "firmware.log").c_str());
  }
  return kExitOk;
}

int check_command(const std::vector<std::string>& files, const fs::path& data) {
  Diagnostics diags;
  for (const std::string& file : files) {
    auto sc = stacksim::scenario::load_scenario(file, diags);
    if (!sc) continue;
    const auto system = stacksim::sim::resolve_system(*sc, data, diags);
    if (!system) continue;
    if (!sc->bms.firmware) {
      check_targets(*sc, *system, nullptr, nullptr, diags);
      continue;
    }
    auto bms = stacksim::sim::load_bms_setup(data, *system, *sc, {}, diags);
    if (!bms) continue;
    stacksim::sim::load_inverter_plan(data, *sc, &*bms, "", diags);
    const auto pcs_dbc = pcs_dbc_for(*sc, data, &*bms, diags);
    check_targets(*sc, *system, &*bms, pcs_dbc ? &*pcs_dbc : nullptr, diags);
  }
  if (!diags.empty()) {
    std::fputs(diags.format().c_str(), stderr);
    std::fprintf(stderr, "stacksim: %zu problem%s in %zu file%s\n", diags.size(),
                 diags.size() == 1 ? "" : "s", files.size(), files.size() == 1 ? "" : "s");
    return kExitBadInput;
  }
  std::printf("ok: %zu scenario%s valid\n", files.size(), files.size() == 1 ? "" : "s");
  return kExitOk;
}

int list_command(const fs::path& data) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(data / "configs", ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  if (ec) {
    std::fprintf(stderr, "stacksim: cannot list %s: %s\n", (data / "configs").c_str(), ec.message().c_str());
    return kExitBadInput;
  }
  std::sort(files.begin(), files.end());
  Diagnostics diags;
  for (const fs::path& f : files) {
    auto config = stacksim::sim::load_system_config(data, f.stem().string(), diags);
    if (config) std::printf("%-18s %s\n", config->name.c_str(), config->description.c_str());
  }
  if (!diags.empty()) return report(diags);
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"stacksim " STACKSIM_VERSION
               ": hardware-in-the-loop simulator for LFP battery stacks (SOFAR AMASS GTX3000, "
               "GTX5000, GTX2500, 6.5 kWh 2P16S)"};
  app.set_version_flag("--version", "stacksim " STACKSIM_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // --data may follow the subcommand too
  std::string data_option;
  app.add_option("--data", data_option,
                 "Directory holding models/ and configs/ (default: $STACKSIM_DATA or " STACKSIM_DEFAULT_DATA_DIR ")");

  std::string scenario_file, out_dir;
  std::optional<std::uint64_t> seed;
  CLI::App* run = app.add_subcommand("run", "Run a scenario as fast as possible");
  run->add_option("scenario", scenario_file, "Scenario file (JSON)")->required();
  run->add_option("--out", out_dir, "Output directory (default: out/<scenario file name>)");
  run->add_option("--seed", seed, "Seed for this run (overrides the scenario's)");
  std::vector<std::string> firmware;
  run->add_option("--firmware", firmware,
                  "ROLE=PATH.so: run a firmware plugin on every board of that role "
                  "(bcu, module, pack); the built-in reference firmware elsewhere")
      ->allow_extra_args(false);
  std::string bus_logs = "all";
  run->add_option("--bus-logs", bus_logs,
                  "Buses recorded in the run folder: all (default), none, or bus names separated by "
                  "commas (pcs, link, string1/internal, ...)");
  std::string protocol;
  run->add_option("--protocol", protocol,
                  "PCS protocol profile for the firmware and the scenario's inverter: " +
                      stacksim::sim::protocol_names());

  std::vector<std::string> check_files;
  CLI::App* check = app.add_subcommand("check", "Check scenario files without running them");
  check->add_option("files", check_files, "Scenario files (JSON)")->required();

  CLI::App* list = app.add_subcommand("list", "List the ready systems in configs/");

  stacksim::cli::TestOptions test_options;
  CLI::App* test = app.add_subcommand("test", "Run a suite of scenarios and judge every one (docs/testing.md)");
  test->add_option("paths", test_options.paths, "Scenario files or directories searched for *.json")->required();
  test->add_option("-j,--jobs", test_options.jobs, "Scenarios run at once (default 1)");
  test->add_option("--junit", test_options.junit, "Write JUnit XML here, one test case per scenario");
  test->add_option("--out", test_options.out, "Output folder; one folder per scenario inside (default out/test)");
  test->add_option("--shard", test_options.shard, "K/N: run only every N-th scenario from the K-th (1-based)");
  test->add_option("--compare", test_options.compare,
                   "An earlier --out folder: report each run's first frame and verdicts that differ from it");
  test->add_option("--bus-logs", test_options.bus_logs, "Buses each run records: all (default), none, or names");
  test->add_option("--firmware", test_options.firmware,
                   "ROLE=PATH.so: your firmware plugin on that role in every scenario whose system has the role")
      ->allow_extra_args(false);

  ServeCli serve_options;
  std::string serve_input_arg, serve_out, serve_bus_logs = "all";
  std::optional<std::uint64_t> serve_seed;
  CLI::App* serve = app.add_subcommand(
      "serve", "Run a system in real time with buses bound to external transports, until stopped (docs/serve.md)");
  serve->add_option("input", serve_input_arg, "Scenario file (JSON) or a system of configs/ (stacksim list)")
      ->required();
  serve->add_option("--bus", serve_options.buses,
                    "NAME=SPEC: bind a bus to a transport, e.g. pcs=socketcand:127.0.0.1:29536")
      ->allow_extra_args(false);
  serve->add_option("--external", serve_options.externals,
                    "NODE: a board (e.g. string1/bcu) run by a real device on a bound bus, not simulated firmware")
      ->allow_extra_args(false);
  serve->add_option("--speed", serve_options.speed, "Simulated seconds per wall second (default 1)");
  serve->add_option("--duration", serve_options.duration,
                    "Stop after this simulated time (default: the scenario's; a system alone: a year)");
  serve->add_option("--out", serve_out, "Output directory (default: out/<input name>)");
  serve->add_option("--seed", serve_seed, "Seed for this run");
  serve->add_option("--bus-logs", serve_bus_logs, "Buses recorded: all (default), none, or names");
  std::string serve_protocol;
  std::vector<std::string> serve_firmware;
  serve->add_option("--firmware", serve_firmware, "ROLE=PATH.so: your firmware plugin on every board of that role")
      ->allow_extra_args(false);
  serve->add_option("--protocol", serve_protocol,
                    "PCS protocol profile of the firmware (and of the scenario's inverter): " +
                        stacksim::sim::protocol_names());

  stacksim::cli::ReplayOptions replay_options;
  CLI::App* replay = stacksim::cli::add_replay_command(app, replay_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitBadInput;
  }
  const fs::path data = data_dir(data_option);
  if (run->parsed()) return run_command(scenario_file, out_dir, seed, firmware, protocol, bus_logs, data);
  if (serve->parsed()) {
    const std::string out = serve_out.empty() ? (fs::path("out") / fs::path(serve_input_arg).stem()).string() : serve_out;
    return run_command(serve_input_arg, out, serve_seed, serve_firmware, serve_protocol, serve_bus_logs, data, &serve_options);
  }
  if (check->parsed()) return check_command(check_files, data);
  if (list->parsed()) return list_command(data);
  if (replay->parsed()) return stacksim::cli::replay_command(replay_options, data);
  if (test->parsed()) return stacksim::cli::test_command(test_options, data);
  return kExitBadInput;
}
