// Speed of a whole system with its BMS: physics, every board's simulated
// hardware, the internal buses and the reference firmware on every node,
// each at its real task periods (10 ms / 100 ms / 1 s), at a 10 ms step.
//
//   us_per_step        wall time of one Plant::step (physics included)
//   nodes              firmware instances running
//   sim_s_per_wall_s   simulated seconds per wall-clock second
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "physics/system.hpp"
#include "scenario/scenario.hpp"
#include "sim/bms_setup.hpp"
#include "sim/plant.hpp"
#include "sim/system_config.hpp"

namespace {

using stacksim::physics::PhysicsSystem;
using stacksim::physics::TerminalCommand;

constexpr std::int64_t kStep_ns = 10'000'000;  // 10 ms

// A system, its BMS set-up and a plant, started by the operator and run
// until every unit has connected.
struct Rig {
  stacksim::sim::SystemConfig config;
  stacksim::sim::BmsSetup setup;
  std::unique_ptr<PhysicsSystem> physics;
  std::unique_ptr<stacksim::sim::Plant> plant;
  std::int64_t now_ns = 0;

  explicit Rig(const std::string& name) {
    stacksim::Diagnostics diags;
    auto c = stacksim::sim::load_system_config(STACKSIM_DATA_DIR, name, diags);
    stacksim::scenario::Scenario sc;
    std::optional<stacksim::sim::BmsSetup> s;
    if (c) s = stacksim::sim::load_bms_setup(STACKSIM_DATA_DIR, *c, sc, {}, diags);
    if (!c || !s) {
      std::fputs(diags.format().c_str(), stderr);
      std::abort();
    }
    config = std::move(*c);
    setup = std::move(*s);
    physics = std::make_unique<PhysicsSystem>(config.layout(), 1);
    for (std::size_t b = 0; b < physics->branch_count(); ++b) physics->set_branch_soc(b, 0.6);
    plant = std::make_unique<stacksim::sim::Plant>(*physics, config, setup.hardware, setup.params,
                                                  setup.firmware, 1, 1767225600);
    plant->operator_start(0, setup.start_hold_ns);
    while (!connected() && now_ns < 60'000'000'000) step(TerminalCommand::current(0.0));
    if (!connected()) {
      std::fprintf(stderr, "%s did not connect within 60 s\n", name.c_str());
      std::abort();
    }
  }
  bool connected() const {
    for (std::size_t b = 0; b < physics->branch_count(); ++b) {
      if (!plant->board(plant->master(b)).main_path_closed()) return false;
    }
    return true;
  }
  void step(const TerminalCommand& cmd) {
    benchmark::DoNotOptimize(plant->step(now_ns, kStep_ns, cmd));
    now_ns += kStep_ns;
  }
  // A 0.5C discharge reversed to a charge every 20 simulated minutes: inside
  // every limit, so the BMS keeps the path closed however long it runs.
  TerminalCommand command() const {
    const double half_c_A = 0.5 * config.nominal_capacity_Ah();
    const bool charging = (now_ns / 1'200'000'000'000) % 2 == 1;
    return TerminalCommand::current(charging ? half_c_A : -half_c_A);
  }
};

void run_steps(benchmark::State& state, const std::string& name) {
  Rig rig(name);
  std::int64_t steps = 0;
  for (auto _ : state) {
    rig.step(rig.command());
    ++steps;
  }
  state.counters["nodes"] = static_cast<double>(rig.plant->board_count());
  state.counters["us_per_step"] = benchmark::Counter(
      static_cast<double>(steps) * 1e-6, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["sim_s_per_wall_s"] = benchmark::Counter(
      static_cast<double>(steps) * static_cast<double>(kStep_ns) * 1e-9, benchmark::Counter::kIsRate);
}

void BM_Plant_GTX3000_H10(benchmark::State& s) { run_steps(s, "gtx3000-h10"); }
void BM_Plant_GTX3000_H10_x4(benchmark::State& s) { run_steps(s, "gtx3000-h10-x4"); }
void BM_Plant_GTX3000_H10_x8(benchmark::State& s) { run_steps(s, "gtx3000-h10-x8"); }
void BM_Plant_GTX5000_x4(benchmark::State& s) { run_steps(s, "gtx5000-x4"); }
void BM_Plant_LFP65_x2(benchmark::State& s) { run_steps(s, "lfp65-x2"); }

// The target: 24 simulated hours of a GTX3000-H10 with all 11
// firmware nodes at their real periods, 10 ms step, under 30 s of wall time.
void BM_Day_GTX3000_H10_Firmware(benchmark::State& state) {
  constexpr std::int64_t kDay_ns = 86'400'000'000'000;
  for (auto _ : state) {
    state.PauseTiming();
    Rig rig("gtx3000-h10");
    state.ResumeTiming();
    const std::int64_t end_ns = rig.now_ns + kDay_ns;
    while (rig.now_ns < end_ns) rig.step(rig.command());
    if (!rig.connected()) state.SkipWithError("the BMS opened the string during the day");
  }
  state.counters["sim_s_per_wall_s"] = benchmark::Counter(
      86400.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK(BM_Plant_GTX3000_H10);
BENCHMARK(BM_Plant_GTX3000_H10_x4);
BENCHMARK(BM_Plant_GTX3000_H10_x8);
BENCHMARK(BM_Plant_GTX5000_x4);
BENCHMARK(BM_Plant_LFP65_x2);
BENCHMARK(BM_Day_GTX3000_H10_Firmware)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
