#include "sim/run.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <memory>
#include <system_error>

#include "physics/system.hpp"
#include "sim/bms_report.hpp"
#include "sim/bms_setup.hpp"
#include "report/html_report.hpp"
#include "sim/bus_recorder.hpp"
#include "sim/can_watch.hpp"
#include "sim/module_reports.hpp"
#include "sim/fault_injector.hpp"
#include "sim/inverter_output.hpp"
#include "sim/inverter_setup.hpp"
#include "sim/plant.hpp"
#include "sim/progress.hpp"
#include "sim/replay.hpp"
#include "sim/model_files.hpp"
#include "sim/observation.hpp"
#include "sim/signals_csv.hpp"
#include "sim/summary_json.hpp"
#include "util/quantity.hpp"

namespace stacksim::sim {
namespace {

RunOutcome run_to_partial_files(const scenario::Scenario& sc, const SystemConfig& config,
                                const RunOptions& options);

void track(UnitTotals& t, double voltage_V, double current_A, double dt_s) {
  const double ah = current_A * dt_s / 3600.0;
  const double wh = voltage_V * current_A * dt_s / 3600.0;
  if (current_A > 0.0) {
    t.charge_in_Ah += ah;
    t.energy_in_Wh += wh;
  } else {
    t.charge_out_Ah -= ah;
    t.energy_out_Wh -= wh;
  }
}

void extremes(UnitTotals& t, const UnitView& u, bool first) {
  if (first) {
    t.cell_min_V = u.cell_min_V;
    t.cell_max_V = u.cell_max_V;
    t.temp_min_C = u.temp_min_C;
    t.temp_max_C = u.temp_max_C;
    return;
  }
  t.cell_min_V = std::min(t.cell_min_V, u.cell_min_V);
  t.cell_max_V = std::max(t.cell_max_V, u.cell_max_V);
  t.temp_min_C = std::min(t.temp_min_C, u.temp_min_C);
  t.temp_max_C = std::max(t.temp_max_C, u.temp_max_C);
}

void initialise(physics::PhysicsSystem& system, const scenario::Scenario& sc) {
  system.set_ambient_C(sc.ambient_C);
  for (std::size_t b = 0; b < system.branch_count(); ++b) {
    const scenario::InitialUnit unit = b < sc.units.size() ? sc.units[b] : scenario::InitialUnit{};
    system.set_branch_soc(b, unit.soc.value_or(sc.initial_soc));
    system.set_branch_temperature_C(b, unit.temperature_C.value_or(sc.initial_temperature_C));
    for (std::size_t k = 0; k < unit.modules.size(); ++k) {
      const std::size_t m = system.branch(b).first_module + k;
      if (unit.modules[k].soc) system.set_module_soc(m, *unit.modules[k].soc);
      if (unit.modules[k].temperature_C) system.set_module_temperature_C(m, *unit.modules[k].temperature_C);
    }
  }
  system.set_hysteresis(sc.initial_hysteresis);
}

std::string io_error(const std::filesystem::path& path, int err) {
  return "cannot write " + path.string() + ": " + std::strerror(err);
}

}  // namespace

std::optional<SystemConfig> resolve_system(const scenario::Scenario& sc,
                                           const std::filesystem::path& data_dir,
                                           Diagnostics& diags) {
  if (!is_safe_name(sc.system)) {
    sc.source.error(diags, "/system",
                    "expected the name of a file in configs/ (lower-case letters, digits, '-', '_', "
                    "'.'), got \"" + sc.system + "\"");
    return std::nullopt;
  }
  if (!std::filesystem::exists(data_dir / "configs" / (sc.system + ".json"))) {
    sc.source.error(diags, "/system",
                    "expected a system in " + (data_dir / "configs").string() + "; there is no \"" +
                        sc.system + ".json\" (stacksim list shows them)");
    return std::nullopt;
  }
  auto config = load_system_config(data_dir, sc.system, diags);
  if (!config) return std::nullopt;
  if (!sc.units.empty() && sc.units.size() != config->units) {
    sc.source.error(diags, "/initial/units",
                    "expected " + std::to_string(config->units) + " entries, one per unit of " +
                        config->name + ", got " + std::to_string(sc.units.size()));
    return std::nullopt;
  }
  for (const scenario::InitialUnit& u : sc.units) {
    if (!u.modules.empty() && u.modules.size() != config->modules_per_unit) {
      sc.source.error(diags, json_pointer_append(u.pointer, "modules"),
                      config->product.kind == ProductKind::kHvString
                          ? "expected " + std::to_string(config->modules_per_unit) + " entries, one per module of a " +
                                config->name + " string, got " + std::to_string(u.modules.size())
                          : "expected no modules: a " + config->product.name + " pack is one module (give the unit's soc)");
      return std::nullopt;
    }
  }
  return config;
}

RunOutcome run_scenario(const scenario::Scenario& sc, const SystemConfig& config,
                        const RunOptions& options) {
  RunOutcome outcome = run_to_partial_files(sc, config, options);
  if (!outcome.summary) {
    // Nothing half-written stays behind.
    std::error_code ignored;
    std::filesystem::remove(options.out_dir / "signals.csv.partial", ignored);
    std::filesystem::remove(options.out_dir / "summary.json.partial", ignored);
    std::filesystem::remove(options.out_dir / "firmware.log.partial", ignored);
  }
  return outcome;
}

namespace {

RunOutcome run_to_partial_files(const scenario::Scenario& sc, const SystemConfig& config,
                                const RunOptions& options) {
  RunOutcome outcome;
  RunSummary summary;
  summary.seed = options.seed.value_or(sc.seed);
  physics::PhysicsSystem system(config.layout(), summary.seed);
  initialise(system, sc);
  std::unique_ptr<Plant> plant;
  if (options.bms != nullptr) {
    const BmsSetup& bms = *options.bms;
    plant = std::make_unique<Plant>(system, config, bms.hardware, bms.params, bms.firmware,
                                    summary.seed, sc.start_epoch_s, bms.swapped_links);
    if (sc.bms.power_on) plant->operator_start(0, bms.start_hold_ns);
  }
  // The virtual inverter on the PCS bus (docs/inverter.md); without one the
  // profile drives the terminals directly.
  std::unique_ptr<inverter::Inverter> pcs;
  if (plant && sc.inverter) {
    if (options.inverter == nullptr) {
      outcome.error = "the scenario's inverter was not set up (load_inverter_plan)";
      return outcome;
    }
    pcs = make_inverter(*options.inverter, plant->pcs_bus(), config.nominal_capacity_Ah(),
                        sc.start_epoch_s, summary.seed);
  }
  if (plant && options.replayer != nullptr) options.replayer->attach(plant->pcs_bus());
  if (plant) {
    for (StepHook* hook : options.hooks) hook->attach(*plant);
  }
  const auto pcs_fields = [&] { return pcs ? inverter_csv_fields(*pcs) : std::string(); };
  // The timeline and the expectations (docs/faults.md, docs/expectations.md).
  Diagnostics target_problems;
  auto probes = resolve_probes(sc, config, options.bms, options.pcs_dbc, target_problems);
  check_timeline(sc, config, options.bms, target_problems);
  if (!probes || !target_problems.empty()) {
    outcome.error = "the scenario's timeline or expectations do not fit the system:\n" + target_problems.format();
    return outcome;
  }
  // Which buses the probes read, decided before the judge takes them.
  const bool reads_module_reports =
      std::any_of(probes->begin(), probes->end(), [](const Probe& p) { return p.reads_module_reports(); });
  FaultInjector injector(sc.timeline, system, plant.get());
  std::unique_ptr<CanWatch> can_watch;
  if (plant && std::any_of(probes->begin(), probes->end(), [](const Probe& p) { return p.reads_can(); })) {
    can_watch = std::make_unique<CanWatch>(plant->pcs_bus());
  }
  Judge judge(sc, std::move(*probes), options.bms ? options.bms->params.protection_ids : std::vector<std::string>{});

  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) {
    outcome.error = "cannot create " + options.out_dir.string() + ": " + ec.message();
    return outcome;
  }
  const auto csv_path = options.out_dir / "signals.csv";
  const auto csv_partial = options.out_dir / "signals.csv.partial";
  std::vector<std::string> names;
  for (std::size_t b = 0; b < system.branch_count(); ++b) names.push_back(config.unit_name(b));
  SignalsCsv csv;
  if (!csv.open(csv_partial, names, plant != nullptr,
                pcs ? inverter_csv_header(pcs->has_site()) : std::string())) {
    outcome.error = io_error(csv_partial, errno);
    return outcome;
  }
  // Every bus of the plant in candump / RS485 log form (docs/bus-logs.md).
  BusRecorder bus_logs(options.out_dir);
  if (plant && !record_plant_buses(bus_logs, *plant, options.bus_logs, options.bound_buses, outcome.error)) return outcome;

  summary.units.resize(system.branch_count());
  Sampler sampler(system);
  physics::TerminalResult terminals;
  for (std::size_t b = 0; b < system.branch_count(); ++b) terminals.voltage_V += system.branch_voltage_V(b);
  terminals.voltage_V /= static_cast<double>(system.branch_count());
  sampler.sample(terminals, true);
  const Observation& obs = sampler.observation();
  std::unique_ptr<ModuleReports> module_reports;
  if (plant && config.product.kind == ProductKind::kHvString && reads_module_reports) {
    std::vector<bus::Rs485Line*> lines;
    for (std::size_t u = 0; u < plant->rs485_line_count(); ++u) lines.push_back(&plant->rs485_line(u));
    module_reports = std::make_unique<ModuleReports>(std::move(lines));
  }
  const ProbeView view{system, sampler, terminals, plant.get(), can_watch.get(), module_reports.get()};
  summary.system.name = config.name;
  summary.system.soc_start = obs.soc;
  extremes(summary.system, obs.cells, true);
  for (std::size_t b = 0; b < system.branch_count(); ++b) {
    summary.units[b].name = names[b];
    summary.units[b].soc_start = system.branch_soc(b);
    extremes(summary.units[b], sampler.unit(b), true);
  }

  // With a BMS, the load waits until every unit has connected to the bus.
  ProfilePlayer player(sc.profile, config.nominal_capacity_Ah(), plant != nullptr);
  const auto all_connected = [&] {
    for (std::size_t b = 0; b < system.branch_count(); ++b) {
      if (!plant->board(plant->master(b)).main_path_closed()) return false;
    }
    return true;
  };
  // 1-based profile step under way; 0 before it started and once it ended.
  const auto step_column = [&] {
    return player.waiting() || player.finished() ? 0 : player.step_index() + 1;
  };
  CrossCheck cross(system.branch_count());
  // The firmware's view lags the physics by a front-end scan and a report
  // (and a debug-port period): right after a current step the cells' IR drop
  // has moved and the firmware has not seen it yet. Those instants are not
  // compared.
  constexpr double kCurrentStep_A = 1.0;
  constexpr std::int64_t kCrossCheckSettle_ns = 1'000'000'000;
  std::int64_t last_current_step_ns = 0;
  csv.row(0, step_column(), sampler, system, plant.get(), pcs_fields().c_str());
  // A row shows the step that was under way during the physics step ending at
  // its time; the last row too, also when the profile ended with that step.
  std::size_t last_step = step_column();
  const double dt_s = static_cast<double>(sc.step_ns) * 1e-9;
  std::int64_t now_ns = 0;
  Progress progress(options.progress, sc.duration_ns, sc.step_ns, system.cell_count(),
                    plant ? plant->board_count() : 0, sc.name);
  bool stop = false;
  while (!stop && now_ns < sc.duration_ns && !(sc.stop_after_profile && player.finished())) {
    progress.update(now_ns);
    if (player.waiting() && all_connected()) player.start(now_ns);
    for (const std::size_t event : injector.apply_due(now_ns)) judge.fault_started(event, now_ns, view);
    const double previous_A = terminals.current_A;
    physics::TerminalCommand command = player.command();
    if (pcs) command = pcs->command(now_ns, sc.step_ns, command);
    if (const auto forced = injector.command_override()) command = *forced;
    if (options.replayer != nullptr) options.replayer->before_step(now_ns, sc.step_ns);
    for (StepHook* hook : options.hooks) hook->before_step(now_ns, sc.step_ns);
    terminals = plant ? plant->step(now_ns, sc.step_ns, command) : system.step(sc.step_ns, command);
    if (pcs) pcs->after_step(now_ns, sc.step_ns, terminals);
    if (std::fabs(terminals.current_A - previous_A) > kCurrentStep_A) last_current_step_ns = now_ns;
    now_ns += sc.step_ns;
    ++summary.steps;
    for (StepHook* hook : options.hooks) stop = !hook->after_step(now_ns) || stop;
    summary.open_circuit_steps += terminals.open_circuit ? 1 : 0;
    summary.power_limited_steps += terminals.power_limited ? 1 : 0;
    const bool record = now_ns % sc.record_ns == 0;
    sampler.sample(terminals, record || player.needs_soc());
    track(summary.system, terminals.voltage_V, terminals.current_A, dt_s);
    extremes(summary.system, obs.cells, false);
    for (std::size_t b = 0; b < system.branch_count(); ++b) {
      track(summary.units[b], system.branch_voltage_V(b), system.branch_current_A(b), dt_s);
      extremes(summary.units[b], sampler.unit(b), false);
    }
    last_step = step_column();
    player.after_step(obs, now_ns);
    judge.observe(now_ns, view);
    if (record) {
      csv.row(now_ns, last_step, sampler, system, plant.get(), pcs_fields().c_str());
      if (plant && now_ns - last_current_step_ns >= kCrossCheckSettle_ns) cross.compare(*plant, sampler);
    }
  }
  progress.finish();
  player.stop(now_ns);
  if (now_ns % sc.record_ns != 0) {
    sampler.sample(terminals, true);
    csv.row(now_ns, last_step, sampler, system, plant.get(), pcs_fields().c_str());
  }
  sampler.sample(terminals, true);
  judge.finish(now_ns, view);
  summary.verdicts = judge.verdicts();
  summary.faults = judge.faults();

  summary.simulated_ns = now_ns;
  summary.profile = player.ends();
  summary.system.soc_end = obs.soc;
  summary.system.voltage_end_V = obs.voltage_V;
  summary.system.capacity_Ah = 0.0;
  for (std::size_t b = 0; b < system.branch_count(); ++b) {
    summary.units[b].soc_end = system.branch_soc(b);
    summary.units[b].voltage_end_V = system.branch_voltage_V(b);
    summary.units[b].capacity_Ah = system.branch_capacity_Ah(b);
    summary.system.capacity_Ah += summary.units[b].capacity_Ah;
  }
  summary.cell_heat_J = system.cell_heat_total_J();
  summary.external_heat_J = system.external_heat_J();

  if (pcs) summary.inverter = pcs->report();
  if (options.replayer != nullptr) summary.replay = options.replayer->report();
  summary.stopped_early = stop;
  for (StepHook* hook : options.hooks) hook->finish(summary);
  if (plant) {
    summary.bms = summarise_bms(*plant, *options.bms, cross);
    const auto log_partial = options.out_dir / "firmware.log.partial";
    if (!write_firmware_log(log_partial, *plant)) {
      outcome.error = io_error(log_partial, errno);
      return outcome;
    }
  }
  if (!csv.close()) {
    outcome.error = io_error(csv_partial, errno);
    return outcome;
  }
  const auto json_partial = options.out_dir / "summary.json.partial";
  if (!write_summary_json(json_partial, sc, config, summary)) {
    outcome.error = io_error(json_partial, errno);
    return outcome;
  }
  if (!bus_logs.commit(outcome.error)) return outcome;
  std::filesystem::rename(csv_partial, csv_path, ec);
  if (!ec && plant) {
    std::filesystem::rename(options.out_dir / "firmware.log.partial",
                            options.out_dir / "firmware.log", ec);
  }
  if (!ec) std::filesystem::rename(json_partial, options.out_dir / "summary.json", ec);
  if (ec) {
    outcome.error = "cannot rename the outputs in " + options.out_dir.string() + ": " + ec.message();
    return outcome;
  }
  // The picture of the run, from the files just written (docs/report.md).
  if (!report::write_html_report(options.out_dir, outcome.error)) return outcome;
  outcome.summary = std::move(summary);
  return outcome;
}

}  // namespace

std::string result_line(const scenario::Scenario& sc, const SystemConfig& config,
                        const RunSummary& s, const std::filesystem::path& out_dir) {
  char numbers[256];
  std::snprintf(numbers, sizeof numbers,
                " simulated in %lld steps; SOC %.1f%% -> %.1f%%; cells %.3f..%.3f V; %.1f..%.1f C; "
                "%.3f kWh in, %.3f kWh out -> ",
                static_cast<long long>(s.steps), s.system.soc_start * 100.0,
                s.system.soc_end * 100.0, s.system.cell_min_V, s.system.cell_max_V,
                s.system.temp_min_C, s.system.temp_max_C, s.system.energy_in_Wh / 1000.0,
                s.system.energy_out_Wh / 1000.0);
  // Names and paths of any length around the fixed-size part.
  std::size_t met = 0;
  for (const Verdict& v : s.verdicts) met += v.met ? 1 : 0;
  std::string verdict = s.passed() ? "ok " : "FAILED ";
  std::string tail;
  if (!s.verdicts.empty()) {
    tail = "; " + std::to_string(met) + " of " + std::to_string(s.verdicts.size()) + " expectations met";
  }
  for (const Verdict& v : s.verdicts) {
    if (!v.met) tail += "\n  missed at " + format_duration_ns(v.at_ns) + ": " + v.name + " (" + v.detail + ")";
  }
  return verdict + sc.name + " on " + config.name + " (seed " + std::to_string(s.seed) +
         "): " + format_duration_ns(s.simulated_ns) + numbers + out_dir.string() + tail;
}

}  // namespace stacksim::sim
