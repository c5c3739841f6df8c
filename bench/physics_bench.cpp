// Speed of the physics engine, measured on the real product models.
//
//   ns_per_cell_step   wall time of PhysicsSystem::step divided by the cells
//                      it advanced (the whole step: current split, cell model,
//                      slow updates of R/tau, thermal and ageing)
//   sim_s_per_wall_s   simulated seconds per wall-clock second at a 10 ms step
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "physics/system.hpp"
#include "sim/system_config.hpp"

namespace {

using stacksim::physics::PhysicsSystem;
using stacksim::physics::TerminalCommand;

constexpr std::int64_t kStep_ns = 10'000'000;  // 10 ms

stacksim::sim::SystemConfig load(const std::string& name) {
  stacksim::Diagnostics diags;
  auto config = stacksim::sim::load_system_config(STACKSIM_DATA_DIR, name, diags);
  if (!config) {
    std::fputs(diags.format().c_str(), stderr);
    std::abort();
  }
  return *config;
}

// A 0.5C discharge, reversed to a charge every simulated 20 minutes so the
// run stays inside the normal SOC window however long it is.
TerminalCommand command_at(std::int64_t t_ns, double half_c_A) {
  const bool charging = (t_ns / 1'200'000'000'000) % 2 == 1;
  return TerminalCommand::current(charging ? half_c_A : -half_c_A);
}

void run_system(benchmark::State& state, const std::string& name, TerminalCommand::Mode mode) {
  const auto config = load(name);
  PhysicsSystem system(config.layout(), 1);
  for (std::size_t b = 0; b < system.branch_count(); ++b) system.set_branch_soc(b, 0.6);
  const double half_c_A = 0.5 * config.nominal_capacity_Ah();
  const double half_c_W = half_c_A * config.product.ratings.nominal_voltage_V *
                          static_cast<double>(config.modules_per_unit);
  std::int64_t steps = 0;
  for (auto _ : state) {
    TerminalCommand cmd = command_at(system.time_ns(), half_c_A);
    if (mode == TerminalCommand::Mode::kPower) {
      cmd = TerminalCommand::power(cmd.current_A > 0.0 ? half_c_W : -half_c_W);
    }
    benchmark::DoNotOptimize(system.step(kStep_ns, cmd));
    ++steps;
  }
  const double cells = static_cast<double>(system.cell_count());
  state.counters["cells"] = cells;
  state.counters["ns_per_cell_step"] = benchmark::Counter(
      static_cast<double>(steps) * cells * 1e-9,
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["sim_s_per_wall_s"] = benchmark::Counter(
      static_cast<double>(steps) * static_cast<double>(kStep_ns) * 1e-9, benchmark::Counter::kIsRate);
}

void BM_Step_GTX3000_H10(benchmark::State& s) { run_system(s, "gtx3000-h10", TerminalCommand::Mode::kCurrent); }
void BM_Step_GTX3000_H10_x8(benchmark::State& s) { run_system(s, "gtx3000-h10-x8", TerminalCommand::Mode::kCurrent); }
void BM_Step_GTX3000_H10_x8_Power(benchmark::State& s) { run_system(s, "gtx3000-h10-x8", TerminalCommand::Mode::kPower); }
void BM_Step_GTX5000_x4(benchmark::State& s) { run_system(s, "gtx5000-x4", TerminalCommand::Mode::kCurrent); }
void BM_Step_LFP65_x2(benchmark::State& s) { run_system(s, "lfp65-x2", TerminalCommand::Mode::kCurrent); }

// 24 simulated hours of a GTX3000-H10 at 10 ms, once: the target is
// under 15 s of wall time.
void BM_Day_GTX3000_H10(benchmark::State& state) {
  const auto config = load("gtx3000-h10");
  const double half_c_A = 0.5 * config.nominal_capacity_Ah();
  constexpr std::int64_t kDay_ns = 86'400'000'000'000;
  for (auto _ : state) {
    PhysicsSystem system(config.layout(), 1);
    for (std::size_t b = 0; b < system.branch_count(); ++b) system.set_branch_soc(b, 0.6);
    while (system.time_ns() < kDay_ns) {
      benchmark::DoNotOptimize(system.step(kStep_ns, command_at(system.time_ns(), half_c_A)));
    }
  }
  state.counters["sim_s_per_wall_s"] = benchmark::Counter(
      86400.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK(BM_Step_GTX3000_H10);
BENCHMARK(BM_Step_GTX3000_H10_x8);
BENCHMARK(BM_Step_GTX3000_H10_x8_Power);
BENCHMARK(BM_Step_GTX5000_x4);
BENCHMARK(BM_Step_LFP65_x2);
BENCHMARK(BM_Day_GTX3000_H10)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
