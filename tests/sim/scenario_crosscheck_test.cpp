// A short scenario per family through sim::run_scenario with the BMS in the
// loop: the system starts, cycles, and the firmware's view of its cells
// (minimum / maximum voltage and temperature on its debug port) agrees with
// the physics within what the front end and the thermistors can promise.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "scenario/scenario.hpp"
#include "sim/bms_setup.hpp"
#include "sim/hardware_file.hpp"
#include "sim/run.hpp"

namespace stacksim::sim {
namespace {

namespace fs = std::filesystem;

std::string scenario_text(const std::string& system) {
  return R"({
  "format": "stacksim-scenario",
  "version": 1,
  "name": "crosscheck-)" + system + R"(",
  "system": ")" + system + R"(",
  "seed": 5,
  "duration": "45m",
  "record_every": "1s",
  "initial": {"soc": "60%", "temperature": "25C"},
  "profile": [
    {"current": "-0.5C", "for": "15m"},
    {"rest": "5m"},
    {"current": "0.5C", "for": "15m"}
  ]
})";
}

// Worst reading error of a cell channel: gain and offset drawn within 3 sigma
// (parts beyond fail end-of-line test, docs/hardware.md), noise at 4 sigma, one
// LSB of quantisation, and the cell moving during one scan period plus one
// report path (at 1C an LFP cell moves well under 1 mV per second outside the
// knees; 2 mV allowed). 0.5C stays inside every family's continuous rating (the
// 6.5 kWh pack allows 85 A continuous: 1C would trip its over-current row).
double cell_bound_mV(const hw::CellFrontEndSpec& afe) {
  return 3.0 * (afe.gain_sigma * 3650.0 + afe.offset_sigma_mV) + 4.0 * afe.noise_sigma_mV +
         afe.lsb_mV + 2.0;
}

// Thermistor error from its tolerances at the cell temperatures of the run
// (25-40 C): dT = (dR/R) / (B / T^2) for R25, plus the beta error's effect
// (1/T - 1/T25) * dB / B * T^2, plus 0.5 C for the sensor's lag and for cells
// no thermistor touches.
double temp_bound_C(const hw::TemperatureSensorsSpec& ntc) {
  const double t_K = 313.15, t25_K = 298.15;
  const double r25_part = ntc.r25_tolerance / (ntc.beta_K / (t_K * t_K));
  const double beta_part = std::fabs(1.0 / t_K - 1.0 / t25_K) * ntc.beta_tolerance * t_K * t_K;
  return r25_part + beta_part + 0.5;
}

class CrossCheck : public ::testing::TestWithParam<std::string> {};

TEST_P(CrossCheck, FirmwareSeesTheCellsAsThePhysicsHasThem) {
  const std::string system = GetParam();
  const fs::path dir = fs::temp_directory_path() / ("stacksim-crosscheck-" + system);
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path file = dir / "scenario.json";
  std::ofstream(file) << scenario_text(system);

  Diagnostics diags;
  auto sc = scenario::load_scenario(file, diags);
  ASSERT_TRUE(sc) << diags.format();
  auto config = resolve_system(*sc, STACKSIM_DATA_DIR, diags);
  ASSERT_TRUE(config) << diags.format();
  auto bms = load_bms_setup(STACKSIM_DATA_DIR, *config, *sc, {}, diags);
  ASSERT_TRUE(bms) << diags.format();
  const RunOutcome outcome = run_scenario(*sc, *config, {STACKSIM_DATA_DIR, dir / "out", std::nullopt, &*bms});
  ASSERT_TRUE(outcome.summary) << outcome.error;
  const RunSummary& s = *outcome.summary;
  ASSERT_TRUE(s.bms);

  const ssim_role cells_role = config->product.kind == ProductKind::kHvString ? SSIM_ROLE_MODULE : SSIM_ROLE_PACK;
  const hw::BoardSpec* board = bms->hardware.board(cells_role);
  ASSERT_NE(board, nullptr);
  ASSERT_TRUE(board->afe);
  const double cell_bound = cell_bound_mV(*board->afe);
  const double temp_bound = temp_bound_C(board->temperatures);
  for (const BmsUnitEnd& u : s.bms->units) {
    // It started, cycled and ended connected and healthy.
    EXPECT_TRUE(u.path_closed);
    EXPECT_EQ(u.faults, 0u);
    EXPECT_EQ(u.protections, 0u);
    // Compared at nearly every recorded second of the 45 minutes.
    EXPECT_GT(u.compared, 2600);
    EXPECT_LE(u.cell_error_max_mV, cell_bound) << "bound " << cell_bound << " mV";
    EXPECT_LE(u.temp_error_max_C, temp_bound) << "bound " << temp_bound << " C";
  }
  // The profile ran to its end after the start-up.
  ASSERT_EQ(s.profile.size(), 3u);
  EXPECT_EQ(s.profile.back().reason, "for");
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(EveryFamily, CrossCheck,
                         ::testing::Values("gtx3000-h4", "gtx5000-x1", "gtx2500-x1", "lfp65-x1"));

}  // namespace
}  // namespace stacksim::sim
