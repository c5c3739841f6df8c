// The inverter through the `stacksim` command: a scenario of scenarios/ runs
// with it and reports it (signals.csv columns, summary.json "inverter"),
// --protocol overrides the scenario and the firmware and is checked, and the
// scenario files using the inverter pass `stacksim check`.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "cli_runner.hpp"

namespace stacksim::cli_testing {
namespace {

const std::string kScenario = std::string(STACKSIM_DATA_DIR) + "/scenarios/lfp65/x1-inverter-force-charge.json";

class InverterCli : public CliTest {};

TEST_F(InverterCli, AScenarioWithTheInverterRunsAndReportsIt) {
  const fs::path out = dir_ / "out";
  const Result r = stacksim({"run", kScenario, "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto summary = nlohmann::json::parse(read_file(out / "summary.json"));
  ASSERT_TRUE(summary.contains("inverter"));
  const auto& inv = summary["inverter"];
  EXPECT_EQ(inv["protocol"], "growatt-lv");  // "auto": the 6.5 kWh pack's default
  EXPECT_EQ(inv["comm_timeout_s"], 60.0);
  // One 0x301 per second for 2 h; the battery answers each.
  EXPECT_EQ(inv["frames"]["sent"], 7200);
  EXPECT_GT(inv["frames"]["decoded"], 7000);
  EXPECT_EQ(inv["frames"]["malformed_from_battery"], 0);
  EXPECT_EQ(inv["comm"]["timeouts"], 0);
  EXPECT_EQ(inv["limit_violations"]["count"], 0);
  // The pack went below 8 % and was force charged from the grid.
  EXPECT_GT(inv["force_charge_s"].get<double>(), 0.0);
  // The inverter's energies are the terminals' (the same steps, V x I).
  EXPECT_NEAR(inv["energy"]["charged_Wh"].get<double>(), summary["terminals"]["energy_in_Wh"].get<double>(), 0.01);
  EXPECT_NEAR(inv["energy"]["discharged_Wh"].get<double>(), summary["terminals"]["energy_out_Wh"].get<double>(), 0.01);
  // The CSV carries the inverter's columns after the BMS's.
  const auto lines = lines_of(read_file(out / "signals.csv"));
  ASSERT_GT(lines.size(), 2u);
  const auto header = split(lines[0]);
  const std::vector<std::string> tail(header.end() - 14, header.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"inv_demand_A", "inv_target_A", "inv_mode", "inv_cv_V", "inv_cvl_V",
                                            "inv_dvl_V", "inv_ccl_A", "inv_dcl_A", "inv_charge_enable",
                                            "inv_discharge_enable", "inv_force_charge", "inv_full_charge",
                                            "inv_comm_ok", "inv_limited_by"}));
  for (std::size_t i = 1; i < lines.size(); ++i) EXPECT_EQ(split(lines[i]).size(), header.size()) << lines[i];
  // Twice the same run, byte for byte.
  const fs::path again = dir_ / "again";
  ASSERT_EQ(stacksim({"run", kScenario, "--out", again.string()}).exit_code, 0);
  EXPECT_EQ(read_file(out / "signals.csv"), read_file(again / "signals.csv"));
  EXPECT_EQ(read_file(out / "summary.json"), read_file(again / "summary.json"));
}

TEST_F(InverterCli, ProtocolOptionOverridesTheScenarioAndTheFirmware) {
  const fs::path out = dir_ / "out";
  const Result r = stacksim({"run", kScenario, "--out", out.string(), "--protocol", "pylon-hv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto inv = nlohmann::json::parse(read_file(out / "summary.json"))["inverter"];
  EXPECT_EQ(inv["protocol"], "pylon-hv");
  // The pack speaks it too: it answers the polls.
  EXPECT_GT(inv["frames"]["decoded"], 7000);
  EXPECT_EQ(inv["comm"]["timeouts"], 0);
}

TEST_F(InverterCli, AnUnknownProtocolIsABadCommandLine) {
  const Result r = stacksim({"run", kScenario, "--out", (dir_ / "out").string(), "--protocol", "canopen"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--protocol"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("pylon-lv, pylon-hv, sofar-hv, growatt-lv"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

TEST_F(InverterCli, TheScenariosUsingTheInverterAreValid) {
  const std::string dir = std::string(STACKSIM_DATA_DIR) + "/scenarios/";
  const Result r = stacksim({"check", dir + "gtx3000/h4-inverter-sofar.json", dir + "gtx5000/x1-inverter-site-day.json",
                             dir + "gtx2500/x1-inverter-pylon-hv.json", kScenario});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ok: 4 scenarios valid\n");
}

}  // namespace
}  // namespace stacksim::cli_testing
