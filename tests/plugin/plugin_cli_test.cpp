// Firmware plugins on the command line: `stacksim run SCENARIO --firmware
// ROLE=PATH.so` with the real binary and the real libraries of the build.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <string>
#include <vector>

#include "cli_runner.hpp"

namespace stacksim::cli_testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// A 6.5 kWh pack started with its POWER button, 5 s rest, 0.5C discharge for
// 20 s (64 A: 128 Ah), 10 s rest.
const std::string kLfp65 = R"({
  "format": "stacksim-scenario",
  "version": 1,
  "name": "lfp65-minimal",
  "system": "lfp65-x1",
  "seed": 3,
  "duration": "60s",
  "step": "10ms",
  "record_every": "1s",
  "initial": {"soc": "50%", "temperature": "25C"},
  "profile": [
    {"rest": "5s"},
    {"current": "-0.5C", "for": "20s"},
    {"rest": "10s"}
  ]
}
)";

// A GTX3000-H4 string started with its button, then 0.5C (25 A of 50 Ah)
// discharge for 20 s and 10 s rest: every board of both roles busy.
const std::string kH4 = R"({
  "format": "stacksim-scenario",
  "version": 1,
  "name": "h4-plugin",
  "system": "gtx3000-h4",
  "seed": 7,
  "duration": "60s",
  "step": "10ms",
  "record_every": "1s",
  "initial": {"soc": "60%", "temperature": "25C"},
  "profile": [
    {"current": "-0.5C", "for": "20s"},
    {"rest": "10s"}
  ]
}
)";

std::size_t column(const std::string& header, const std::string& name) {
  const auto names = split(header);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return i;
  }
  ADD_FAILURE() << "no column " << name << " in " << header;
  return 0;
}

class PluginCli : public CliTest {};

TEST_F(PluginCli, MinimalCFirmwareRunsFromTheCommandLine) {
  const fs::path scenario = write("lfp65.json", kLfp65), out = dir_ / "out";
  const Result r = stacksim(
      {"run", scenario.string(), "--out", out.string(), "--firmware", std::string("pack=") + MINIMAL_FW});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(r.out, StartsWith("ok lfp65-minimal on lfp65-x1 (seed 3): 1m simulated"));
  EXPECT_EQ(entries(out), (std::set<std::string>{"report.html", "signals.csv", "summary.json", "firmware.log", "bus-pcs.log",
                                                 "rs485-link.log"}));

  const nlohmann::json s = nlohmann::json::parse(read_file(out / "summary.json"));
  ASSERT_EQ(s["bms"]["firmware"].size(), 1u);
  const nlohmann::json& fw = s["bms"]["firmware"][0];
  EXPECT_EQ(fw["role"], "pack");
  EXPECT_EQ(fw["name"], "minimal-c-example");
  EXPECT_EQ(fw["version"], "1.0.0");
  EXPECT_EQ(fw["origin"], MINIMAL_FW);
  // The plugin file's SHA-256, as coreutils' sha256sum computes it.
  const fs::path sum = dir_ / "sha256sum.txt";
  std::string command = "sha256sum ";
  command += MINIMAL_FW;
  command += " > " + sum.string();
  ASSERT_EQ(std::system(command.c_str()), 0);
  EXPECT_EQ(fw["sha256"], read_file(sum).substr(0, 64));
  EXPECT_EQ(s["bms"]["units"][0]["path_closed"], true);
  EXPECT_EQ(s["bms"]["units"][0]["state"], "standby");
  // The load ran through the path the plugin closed: 64 A for 20 s.
  EXPECT_NEAR(s["terminals"]["charge_out_Ah"].get<double>(), 64.0 * 20.0 / 3600.0, 1e-3);

  // The plugin's own debug status in the signals: discharging during the load.
  const auto rows = lines_of(read_file(out / "signals.csv"));
  ASSERT_GT(rows.size(), 30u);
  const std::size_t state = column(rows[0], "pack1_bms_state"),
                    current = column(rows[0], "pack1_current_A"),
                    closed = column(rows[0], "pack1_path_closed");
  std::size_t discharging = 0;
  for (std::size_t i = 2; i < rows.size(); ++i) {
    const auto f = split(rows[i]);
    EXPECT_EQ(f[closed], "1") << rows[i];
    // minimal_firmware.c: "discharge" beyond 500 mA out of the battery.
    if (std::stod(f[current]) < -0.5) {
      EXPECT_EQ(f[state], "discharge") << rows[i];
      ++discharging;
    }
  }
  EXPECT_GE(discharging, 19u);
  EXPECT_EQ(read_file(out / "firmware.log"), "0.000 pack1 info minimal firmware: started\n");
}

// Every broken library: exit 2, the file and what was expected on stderr,
// nothing run and nothing written.
TEST_F(PluginCli, BrokenPluginsAreRefusedBeforeAnythingRuns) {
  const fs::path scenario = write("lfp65.json", kLfp65), out = dir_ / "out";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {BAD_ABI_FW, "built for HAL ABI version 999; this stacksim provides version 1"},
      {NO_ENTRY_FW, "expected the library to export ssim_firmware_entry()"},
      {NULL_TICK_FW, "its descriptor has no tick function"},
      {NOT_A_LIBRARY, "expected a shared library built against stacksim/hal.h"},
      {std::string(NOT_A_LIBRARY) + ".missing", "No such file or directory"},
  };
  for (const auto& [library, expected] : cases) {
    SCOPED_TRACE(library);
    const Result r = stacksim(
        {"run", scenario.string(), "--out", out.string(), "--firmware", "pack=" + library});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.out, "");
    const auto lines = lines_of(r.err);
    ASSERT_EQ(lines.size(), 2u) << r.err;
    EXPECT_THAT(lines[0], StartsWith(library + ": "));
    EXPECT_THAT(lines[0], HasSubstr(expected));
    EXPECT_EQ(lines[1], "stacksim: 1 problem; nothing was run");
    EXPECT_FALSE(fs::exists(out));
  }
}

TEST_F(PluginCli, EveryBrokenPluginIsReportedAtOnce) {
  const fs::path scenario = write("h4.json", kH4), out = dir_ / "out";
  const Result r = stacksim({"run", scenario.string(), "--out", out.string(), "--firmware",
                             std::string("bcu=") + BAD_ABI_FW, "--firmware",
                             std::string("module=") + NULL_TICK_FW});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(std::string(BAD_ABI_FW) + ": built for HAL ABI version 999"));
  EXPECT_THAT(r.err, HasSubstr(std::string(NULL_TICK_FW) + ": its descriptor has no tick"));
  EXPECT_THAT(r.err, HasSubstr("stacksim: 2 problems; nothing was run"));
  EXPECT_FALSE(fs::exists(out));
}

// The reference firmware through dlopen() and the one linked in are the same
// code: the same run gives the same bytes, bar the origin of the firmware.
TEST_F(PluginCli, ReferencePluginGivesTheBytesOfTheBuiltInFirmware) {
  const fs::path scenario = write("h4.json", kH4);
  const fs::path builtin = dir_ / "builtin", plugin = dir_ / "plugin", module_only = dir_ / "module";
  const std::string ref = REFERENCE_FW;
  ASSERT_EQ(stacksim({"run", scenario.string(), "--out", builtin.string()}).exit_code, 0);
  const Result r = stacksim({"run", scenario.string(), "--out", plugin.string(), "--firmware",
                             "bcu=" + ref, "--firmware", "module=" + ref});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(stacksim({"run", scenario.string(), "--out", module_only.string(), "--firmware",
                      "module=" + ref})
                .exit_code,
            0);

  const std::string csv = read_file(builtin / "signals.csv");
  // Not vacuous: the BMS columns are there and the string discharged.
  const auto rows = lines_of(csv);
  ASSERT_GT(rows.size(), 30u);
  const std::size_t state = column(rows[0], "string1_bms_state");
  std::size_t discharging = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) discharging += split(rows[i])[state] == "discharge";
  EXPECT_GE(discharging, 19u);

  for (const fs::path& other : {plugin, module_only}) {
    SCOPED_TRACE(other.filename().string());
    EXPECT_TRUE(read_file(other / "signals.csv") == csv);
    EXPECT_TRUE(read_file(other / "firmware.log") == read_file(builtin / "firmware.log"));
    // summary.json: equal once each plugin's origin reads "built-in" and the
    // file hashes (the plugin's, the program's) are set aside.
    nlohmann::json summary = nlohmann::json::parse(read_file(other / "summary.json"));
    nlohmann::json expected = nlohmann::json::parse(read_file(builtin / "summary.json"));
    std::size_t replaced = 0;
    for (auto& fw : summary["bms"]["firmware"]) {
      if (fw["origin"] == ref) {
        fw["origin"] = "built-in";
        EXPECT_EQ(fw["sha256"].get<std::string>().size(), 64u);
        ++replaced;
      }
      fw.erase("sha256");
      fw.erase("build_id");
    }
    for (auto& fw : expected["bms"]["firmware"]) fw.erase("build_id");
    EXPECT_EQ(replaced, other == plugin ? 2u : 1u);
    EXPECT_TRUE(summary == expected);
  }
  // The built-in firmware is identified by the program's GNU build ID, as
  // binutils' readelf shows it.
  const fs::path notes = dir_ / "notes.txt";
  ASSERT_EQ(std::system(("readelf -n " + std::string(STACKSIM_BINARY) + " > " + notes.string()).c_str()), 0);
  const std::string text = read_file(notes);
  const auto at = text.find("Build ID: ");
  ASSERT_NE(at, std::string::npos);
  const nlohmann::json b = nlohmann::json::parse(read_file(builtin / "summary.json"));
  EXPECT_EQ(b["bms"]["firmware"][0]["build_id"], text.substr(at + 10, text.find('\n', at) - at - 10));
  const nlohmann::json s = nlohmann::json::parse(read_file(plugin / "summary.json"));
  ASSERT_EQ(s["bms"]["firmware"].size(), 2u);
  for (const auto& fw : s["bms"]["firmware"]) EXPECT_EQ(fw["origin"], ref);
  EXPECT_EQ(s["bms"]["firmware"][0]["role"], "bcu");
  EXPECT_EQ(s["bms"]["firmware"][1]["role"], "module");
}

TEST_F(PluginCli, SameSeedSameBytesOtherSeedOtherSignals) {
  const fs::path scenario = write("h4.json", kH4);
  const fs::path a = dir_ / "a", b = dir_ / "b", c = dir_ / "c";
  ASSERT_EQ(stacksim({"run", scenario.string(), "--out", a.string()}).exit_code, 0);
  ASSERT_EQ(stacksim({"run", scenario.string(), "--out", b.string()}).exit_code, 0);
  ASSERT_EQ(stacksim({"run", scenario.string(), "--out", c.string(), "--seed", "8"}).exit_code, 0);
  for (const char* file : {"signals.csv", "summary.json", "firmware.log"}) {
    EXPECT_TRUE(fs::exists(a / file)) << file;
    EXPECT_TRUE(read_file(a / file) == read_file(b / file)) << file;
  }
  const auto rows_a = lines_of(read_file(a / "signals.csv"));
  const auto rows_c = lines_of(read_file(c / "signals.csv"));
  ASSERT_EQ(rows_a.size(), rows_c.size());
  EXPECT_EQ(rows_a[0], rows_c[0]);
  // Another seed draws other cells and other sensor errors: the firmware's
  // view of the cells differs too, not only the physics'.
  const std::size_t phys = column(rows_a[0], "string1_cell_min_V");
  bool physics_differs = false, other_rows = false;
  for (std::size_t i = 1; i < rows_a.size(); ++i) {
    physics_differs = physics_differs || split(rows_a[i])[phys] != split(rows_c[i])[phys];
    other_rows = other_rows || rows_a[i] != rows_c[i];
  }
  EXPECT_TRUE(physics_differs);
  EXPECT_TRUE(other_rows);
  const nlohmann::json sa = nlohmann::json::parse(read_file(a / "summary.json"));
  const nlohmann::json sc = nlohmann::json::parse(read_file(c / "summary.json"));
  EXPECT_EQ(sa["seed"], 7);
  EXPECT_EQ(sc["seed"], 8);
  EXPECT_NE(sa["bms"]["units"][0]["cross_check"], sc["bms"]["units"][0]["cross_check"]);
}

}  // namespace
}  // namespace stacksim::cli_testing
