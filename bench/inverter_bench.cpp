// Speed with the virtual inverter in the loop: the largest system of each
// family with every board's hardware and firmware, and the inverter speaking
// the family's default profile on the PCS bus and deciding every step, at a
// 10 ms step, as `stacksim run` steps them.
//
//   sim_s_per_wall_s   simulated seconds per wall-clock second
//   us_per_step        wall time of one step (inverter + plant)
//
// BM_Inverter_Alone measures the inverter by itself (decide, send, decode the
// battery's frames) on a bus with a scripted battery: what it adds per step.
//
//   build/release/bench/inverter_bench --benchmark_filter=BM_Inverter
//   build/release/bench/inverter_bench --benchmark_filter=BM_Day   (24 h of an 8-string GTX3000-H10)
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "physics/system.hpp"
#include "scenario/scenario.hpp"
#include "sim/bms_setup.hpp"
#include "sim/inverter_setup.hpp"
#include "sim/plant.hpp"
#include "sim/system_config.hpp"

namespace {

using stacksim::physics::TerminalCommand;
namespace sim = stacksim::sim;

constexpr std::int64_t kStep_ns = 10'000'000;
constexpr std::int64_t kStart_s = 1767225600;  // 2026-01-01T00:00:00

[[noreturn]] void fail(const stacksim::Diagnostics& diags, const std::string& what) {
  std::fprintf(stderr, "%s%s\n", diags.format().c_str(), what.c_str());
  std::abort();
}

// A system with its BMS and the inverter ("auto": the firmware's profile),
// started and run until the inverter hears the battery and every path is closed.
struct Loop {
  sim::SystemConfig config;
  sim::BmsSetup bms;
  sim::InverterPlan plan;
  std::unique_ptr<stacksim::physics::PhysicsSystem> physics;
  std::unique_ptr<sim::Plant> plant;
  std::unique_ptr<stacksim::inverter::Inverter> inverter;
  stacksim::physics::TerminalResult terminals;
  std::int64_t now_ns = 0;

  explicit Loop(const std::string& name) {
    stacksim::Diagnostics diags;
    stacksim::scenario::Scenario sc;
    sc.inverter.emplace();
    auto c = sim::load_system_config(STACKSIM_DATA_DIR, name, diags);
    if (!c) fail(diags, name);
    config = std::move(*c);
    auto b = sim::load_bms_setup(STACKSIM_DATA_DIR, config, sc, {}, diags);
    if (!b) fail(diags, name);
    bms = std::move(*b);
    auto p = sim::load_inverter_plan(STACKSIM_DATA_DIR, sc, &bms, "", diags);
    if (!p) fail(diags, name);
    plan = std::move(*p);
    physics = std::make_unique<stacksim::physics::PhysicsSystem>(config.layout(), 1);
    for (std::size_t u = 0; u < physics->branch_count(); ++u) physics->set_branch_soc(u, 0.6);
    plant = std::make_unique<sim::Plant>(*physics, config, bms.hardware, bms.params, bms.firmware, 1, kStart_s);
    inverter = sim::make_inverter(plan, plant->pcs_bus(), config.nominal_capacity_Ah(), kStart_s, 1);
    plant->operator_start(0, bms.start_hold_ns);
    while (!ready() && now_ns < 60'000'000'000) step();
    if (!ready()) fail(diags, name + ": the inverter did not connect within 60 s");
  }
  bool ready() const {
    for (std::size_t u = 0; u < physics->branch_count(); ++u) {
      if (!plant->board(plant->master(u)).main_path_closed()) return false;
    }
    return inverter->comm_ok();
  }
  // The inverter asked for 0.5C, out then in, reversed every 20 minutes; it
  // holds the current to the battery's limits.
  void step() {
    const double half_c_A = 0.5 * config.nominal_capacity_Ah();
    const bool charging = (now_ns / 1'200'000'000'000) % 2 == 1;
    const TerminalCommand demand = TerminalCommand::current(charging ? half_c_A : -half_c_A);
    const TerminalCommand c = inverter->command(now_ns, kStep_ns, demand);
    terminals = plant->step(now_ns, kStep_ns, c);
    inverter->after_step(now_ns, kStep_ns, terminals);
    now_ns += kStep_ns;
  }
};

void counters(benchmark::State& state, std::int64_t steps) {
  state.counters["us_per_step"] = benchmark::Counter(static_cast<double>(steps) * 1e-6,
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["sim_s_per_wall_s"] = benchmark::Counter(
      static_cast<double>(steps) * static_cast<double>(kStep_ns) * 1e-9, benchmark::Counter::kIsRate);
}

void run_loop(benchmark::State& state, const std::string& name) {
  Loop loop(name);
  std::int64_t steps = 0;
  for (auto _ : state) {
    loop.step();
    ++steps;
  }
  counters(state, steps);
  state.SetLabel(loop.plan.profile->name);
}

void BM_Inverter_GTX3000_H10_x8(benchmark::State& s) { run_loop(s, "gtx3000-h10-x8"); }
void BM_Inverter_GTX5000_x4(benchmark::State& s) { run_loop(s, "gtx5000-x4"); }
void BM_Inverter_GTX2500_x4(benchmark::State& s) { run_loop(s, "gtx2500-x4"); }
void BM_Inverter_LFP65_x2(benchmark::State& s) { run_loop(s, "lfp65-x2"); }

// The inverter alone: the plant's step replaced by a stiff 200 V battery whose
// BCU frames (sofar-hv, as a GTX3000 sends them: 8 frames a second) a
// scripted node puts on the bus.
void BM_Inverter_Alone(benchmark::State& state) {
  Loop loop("gtx3000-h4");  // for a plan and a DBC; its plant is not stepped
  stacksim::bus::CanBus bus("pcs");
  auto inverter = sim::make_inverter(loop.plan, bus, 50.0, kStart_s, 1);
  std::vector<stacksim::bus::CanFrame> frames;
  std::size_t battery = bus.attach("battery", [](const stacksim::bus::CanFrame&, std::int64_t) {});
  loop.plant->pcs_bus().attach("tap", [&](const stacksim::bus::CanFrame& f, std::int64_t) {
    const bool pcs = f.id == 0x605 || f.id == 0x705;
    if (frames.size() < 8 && f.extended && !pcs && (f.id & 0xF000u) == 0) frames.push_back(f);
  });
  while (frames.size() < 8) loop.step();
  std::int64_t now_ns = 0, steps = 0;
  stacksim::physics::TerminalResult r;
  r.voltage_V = 200.0;
  for (auto _ : state) {
    if (now_ns % 1'000'000'000 == 0) {
      for (const auto& f : frames) bus.send(battery, f, now_ns);
    }
    const TerminalCommand c = inverter->command(now_ns, kStep_ns, TerminalCommand::current(-10.0));
    bus.advance(now_ns + kStep_ns);
    r.current_A = c.current_limit_A;
    inverter->after_step(now_ns, kStep_ns, r);
    now_ns += kStep_ns;
    ++steps;
  }
  counters(state, steps);
}

// The target: 24 simulated hours of an 8-string GTX3000-H10, every
// node's firmware and the inverter in the loop, in under 4 minutes.
void BM_Day_GTX3000_H10_x8_Inverter(benchmark::State& state) {
  constexpr std::int64_t kDay_ns = 86'400'000'000'000;
  for (auto _ : state) {
    state.PauseTiming();
    Loop loop("gtx3000-h10-x8");
    state.ResumeTiming();
    const std::int64_t end_ns = loop.now_ns + kDay_ns;
    while (loop.now_ns < end_ns) loop.step();
    if (loop.inverter->report().comm_losses != 0) state.SkipWithError("the inverter lost the battery");
  }
  state.counters["sim_s_per_wall_s"] =
      benchmark::Counter(86400.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK(BM_Inverter_GTX3000_H10_x8);
BENCHMARK(BM_Inverter_GTX5000_x4);
BENCHMARK(BM_Inverter_GTX2500_x4);
BENCHMARK(BM_Inverter_LFP65_x2);
BENCHMARK(BM_Inverter_Alone);
BENCHMARK(BM_Day_GTX3000_H10_x8_Inverter)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
