// The BMS side of the `stacksim` command: the per-unit BMS columns of
// signals.csv, the "bms" section of summary.json and firmware.log; the
// scenario's "bms" object; --firmware mistakes. The real binary, run through
// the shell (tests/plugin/cli_runner.hpp).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "stacksim/hal.h"

namespace stacksim::cli_testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Two GTX5000 packs (100 Ah each) started by the operator: 0.5C (100 A) for
// 30 s, 10 s rest; rows every 10 s. BMS_LINE is replaced per test.
const std::string kTwoPacks = R"({
  "format": "stacksim-scenario",
  "version": 1,
  "name": "two-packs",
  "system": "gtx5000-x2",
  "seed": 1,
  "duration": "60s",
  "step": "100ms",
  "record_every": "10s",
  "initial": {"soc": "50%", "temperature": "25C"},
  BMS_LINE
  "profile": [
    {"current": "-0.5C", "for": "30s"},
    {"rest": "10s"}
  ]
}
)";

std::string scenario_with(const std::string& bms_line, const std::string& system = "gtx5000-x2") {
  std::string text = kTwoPacks;
  text.replace(text.find("BMS_LINE"), 8, bms_line);
  text.replace(text.find("gtx5000-x2"), 10, system);
  return text;
}

// As documented in src/sim/signals_csv.cpp: ten system columns, seven per
// unit, and with a BMS eight more per unit.
std::string expected_header(const std::vector<std::string>& units, bool bms) {
  std::string h =
      "time_s,step,voltage_V,current_A,power_W,soc_pct,cell_min_V,cell_max_V,temp_min_C,temp_max_C";
  for (const std::string& u : units) {
    for (const char* c : {"voltage_V", "current_A", "soc_pct", "cell_min_V", "cell_max_V",
                          "temp_min_C", "temp_max_C"}) {
      h += "," + u + "_" + c;
    }
    if (!bms) continue;
    for (const char* c : {"bms_state", "bms_soc_pct", "charge_limit_A", "discharge_limit_A",
                          "alarms", "protections", "faults", "path_closed"}) {
      h += "," + u + "_" + c;
    }
  }
  return h;
}

std::size_t column(const std::string& header, const std::string& name) {
  const auto names = split(header);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return i;
  }
  ADD_FAILURE() << "no column " << name;
  return 0;
}

// 1-based line and column of the first occurrence of `needle` in `text`.
std::pair<int, int> position_of(const std::string& text, const std::string& needle) {
  const std::size_t at = text.find(needle);
  const std::size_t line_start = text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1;
  int line = 1;
  for (std::size_t i = 0; i < at; ++i) line += text[i] == '\n';
  return {line, static_cast<int>(at - line_start) + 1};
}

class BmsCli : public CliTest {};

TEST_F(BmsCli, RunWithTheReferenceFirmwareWritesTheBmsOutputs) {
  const fs::path scenario = write("s.json", scenario_with("")), out = dir_ / "out";
  const Result r = stacksim({"run", scenario.string(), "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  // The bus logs: the pcs bus and the packs' link line (docs/bus-logs.md).
  EXPECT_EQ(entries(out), (std::set<std::string>{"report.html", "signals.csv", "summary.json", "firmware.log", "bus-pcs.log",
                                                 "rs485-link.log"}));

  const auto rows = lines_of(read_file(out / "signals.csv"));
  ASSERT_EQ(rows.size(), 1u + 7u);  // 0 s and every 10 s to 60 s
  EXPECT_EQ(rows[0], expected_header({"pack1", "pack2"}, true));
  const std::set<std::string> states = {"off", "booting", "shutdown", "standby", "charge",
                                        "discharge", "full-charge", "protect", "fault",
                                        "over-discharged", "starting"};
  std::vector<std::int64_t> reporting(2, 0);  // rows in which each pack reported a status
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto f = split(rows[i]);
    ASSERT_EQ(f.size(), split(rows[0]).size()) << rows[i];
    for (std::size_t u = 0; u < 2; ++u) {
      const std::string p = "pack" + std::to_string(u + 1);
      const std::string state = f[column(rows[0], p + "_bms_state")];
      EXPECT_EQ(states.count(state), 1u) << rows[i];
      const std::string closed = f[column(rows[0], p + "_path_closed")];
      EXPECT_TRUE(closed == "0" || closed == "1") << rows[i];
      if (state == "off" || state == "booting") continue;
      ++reporting[u];
      // The slave pack starts once the master has coded it (docs/parallel.md).
      if (state == "starting") continue;
      for (const char* bits : {"_alarms", "_protections", "_faults"}) {
        EXPECT_TRUE(std::regex_match(f[column(rows[0], p + bits)], std::regex("0x[0-9a-f]{8}")))
            << rows[i];
      }
      // Started by the operator at 0 s; the load waits for both packs
      // (~11 s: the master's sweep, coding, the slave's sweep) and runs 30 s.
      EXPECT_EQ(closed, "1") << rows[i];
      if (i >= 3 && i <= 5) {
        EXPECT_EQ(state, "discharge") << rows[i];
      }
      // GTX5000 manual 3 (technical data): max. discharge current 75 A.
      EXPECT_EQ(f[column(rows[0], p + "_discharge_limit_A")], "75.000") << rows[i];
    }
  }
  // Nothing reports before the start button was pressed long enough.
  EXPECT_THAT(rows[1], HasSubstr(",off,,,,,,,0"));

  const nlohmann::json s = nlohmann::json::parse(read_file(out / "summary.json"));
  ASSERT_TRUE(s.contains("bms"));
  const nlohmann::json& bms = s["bms"];
  ASSERT_EQ(bms["firmware"].size(), 1u);
  EXPECT_EQ(bms["firmware"][0]["role"], "pack");
  EXPECT_EQ(bms["firmware"][0]["origin"], "built-in");
  EXPECT_FALSE(bms["firmware"][0]["name"].get<std::string>().empty());
  EXPECT_FALSE(bms["firmware"][0]["version"].get<std::string>().empty());
  EXPECT_EQ(bms["boards"], 2);
  ASSERT_EQ(bms["units"].size(), 2u);
  // The legend of the alarm / protection bits: the product's table, in order.
  const auto table = bms["protection_rows"].get<std::vector<std::string>>();
  ASSERT_GE(table.size(), 13u);
  EXPECT_EQ(table[0], "cell_over_voltage");
  EXPECT_EQ(table[1], "cell_under_voltage");
  for (std::size_t u = 0; u < 2; ++u) {
    const nlohmann::json& unit = bms["units"][u];
    EXPECT_EQ(unit["name"], "pack" + std::to_string(u + 1));
    EXPECT_EQ(unit["path_closed"], true);
    EXPECT_EQ(states.count(unit["state"].get<std::string>()), 1u);
    ASSERT_TRUE(unit.contains("cross_check"));
    // Compared at every record instant at which the pack reported.
    EXPECT_EQ(unit["cross_check"]["instants"].get<std::int64_t>(), reporting[u]);
    EXPECT_TRUE(unit["cross_check"].contains("cell_error_max_mV"));
    EXPECT_TRUE(unit["cross_check"].contains("temp_error_max_C"));
  }
  EXPECT_EQ(bms["log_lines"].get<std::size_t>(), lines_of(read_file(out / "firmware.log")).size());
  // The load waited for both paths: the button is held 3.5 s (GTX5000
  // manual: more than 3 s; the operator holds it half a second longer).
  EXPECT_GE(s["profile"][0]["ended_at_s"].get<double>(), 3.5 + 30.0);
}

TEST_F(BmsCli, WithoutFirmwareNoBmsOutputAppears) {
  const fs::path scenario = write("s.json", scenario_with(R"("bms": {"firmware": "none"},)"));
  const fs::path out = dir_ / "out";
  const Result r = stacksim({"run", scenario.string(), "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(entries(out), (std::set<std::string>{"report.html", "signals.csv", "summary.json"}));
  const auto rows = lines_of(read_file(out / "signals.csv"));
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0], expected_header({"pack1", "pack2"}, false));
  for (const char* c : {"bms", "limit", "alarms", "protections", "faults", "path_closed"}) {
    EXPECT_THAT(rows[0], ::testing::Not(HasSubstr(c)));
  }
  const nlohmann::json s = nlohmann::json::parse(read_file(out / "summary.json"));
  EXPECT_FALSE(s.contains("bms"));
  // Without a BMS nothing waits for a start: the load runs from 0 s.
  EXPECT_DOUBLE_EQ(std::stod(split(rows[2])[3]), -100.0);  // 0.5C of 2 x 100 Ah
  EXPECT_EQ(s["profile"][0]["ended_at_s"].get<double>(), 30.0);
}

TEST_F(BmsCli, ParameterOverrideReachesTheFirmware) {
  const fs::path scenario = write(
      "s.json", scenario_with(R"("bms": {"parameters": {"current.discharge_max_mA": 40000}},)"));
  const fs::path out = dir_ / "out";
  const Result r = stacksim({"run", scenario.string(), "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = lines_of(read_file(out / "signals.csv"));
  ASSERT_GT(rows.size(), 2u);
  // 40 A in place of the manual's 75 A, once both packs run (20 s row).
  ASSERT_GT(rows.size(), 3u);
  EXPECT_EQ(split(rows[3])[column(rows[0], "pack1_discharge_limit_A")], "40.000");
  EXPECT_EQ(split(rows[3])[column(rows[0], "pack2_discharge_limit_A")], "40.000");
}

// --- --firmware mistakes: exit 2, stderr says what was expected, no output ---

TEST_F(BmsCli, FirmwareForARoleTheSystemDoesNotHave) {
  const fs::path out = dir_ / "out";
  const fs::path lv = write("lv.json", scenario_with(""));
  Result r = stacksim({"run", lv.string(), "--out", out.string(), "--firmware",
                       std::string("bcu=") + MINIMAL_FW});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--firmware: expected a role of gtx5000-x2 (pack), got \"bcu\""));
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(fs::exists(out));

  const fs::path hv = write("hv.json", scenario_with("", "gtx3000-h4"));
  r = stacksim({"run", hv.string(), "--out", out.string(), "--firmware",
                std::string("pack=") + MINIMAL_FW});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--firmware: expected a role of gtx3000-h4 (bcu, module), got \"pack\""));
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(BmsCli, FirmwareTwiceForOneRole) {
  const fs::path out = dir_ / "out";
  const Result r = stacksim({"run", write("s.json", scenario_with("")).string(), "--out",
                             out.string(), "--firmware", std::string("pack=") + MINIMAL_FW,
                             "--firmware", std::string("pack=") + MINIMAL_FW});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("expected one firmware per role; \"pack\" given twice"));
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(BmsCli, FirmwareWithAScenarioThatRunsNone) {
  const fs::path out = dir_ / "out";
  const fs::path scenario = write("s.json", scenario_with(R"("bms": {"firmware": "none"},)"));
  const Result r = stacksim({"run", scenario.string(), "--out", out.string(), "--firmware",
                             std::string("pack=") + MINIMAL_FW});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(scenario.string() + ": /bms/firmware: the scenario runs without "
                                                   "firmware (\"none\"); expected \"reference\""));
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(BmsCli, FirmwareOptionWithoutRoleOrPath) {
  const fs::path out = dir_ / "out";
  const std::string scenario = write("s.json", scenario_with("")).string();
  for (const std::string& option : {std::string(MINIMAL_FW), std::string("pack="), std::string("=x.so")}) {
    const Result r = stacksim({"run", scenario, "--out", out.string(), "--firmware", option});
    EXPECT_EQ(r.exit_code, 2) << option;
    EXPECT_THAT(r.err, HasSubstr("--firmware: expected ROLE=PATH.so, got \"" + option + "\""));
    EXPECT_FALSE(fs::exists(out));
  }
}

// --- bms.parameters in the scenario ---

TEST_F(BmsCli, UnknownParameterIsReportedWithItsPlace) {
  const std::string text =
      scenario_with(R"("bms": {"parameters": {"current.discharge_max_mA": 40000, "cell.ov~/x": 1}},)");
  const fs::path scenario = write("s.json", text);
  const fs::path out = dir_ / "out";
  const auto [line, col] = position_of(text, ": 1}");  // the value, as the other diagnostics point
  const std::string where = scenario.string() + ":" + std::to_string(line) + ":" +
                            std::to_string(col + 2) + ": ";
  for (const auto& args : {std::vector<std::string>{"run", scenario.string(), "--out", out.string()},
                           std::vector<std::string>{"check", scenario.string()}}) {
    SCOPED_TRACE(args[0]);
    const Result r = stacksim(args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    const auto lines = lines_of(r.err);
    ASSERT_EQ(lines.size(), 2u) << r.err;
    // RFC 6901: "~" is written "~0" and "/" "~1".
    EXPECT_EQ(lines[0], where + "/bms/parameters/cell.ov~0~1x: expected a firmware parameter of "
                                "gtx5000 (docs/firmware-parameters.md lists them), got \"cell.ov~/x\"");
    EXPECT_FALSE(fs::exists(out));
  }
}

TEST_F(BmsCli, NonIntegerParametersAreReportedAllAtOnce) {
  const std::string text = scenario_with(
      R"("bms": {"parameters": {"soc.rest_ms": 3.5, "soc.rest_mA": [100], "led.count": true}},)");
  const fs::path scenario = write("s.json", text);
  const fs::path out = dir_ / "out";
  for (const auto& args : {std::vector<std::string>{"run", scenario.string(), "--out", out.string()},
                           std::vector<std::string>{"check", scenario.string()}}) {
    SCOPED_TRACE(args[0]);
    const Result r = stacksim(args);
    EXPECT_EQ(r.exit_code, 2);
    for (const char* key : {"soc.rest_ms", "soc.rest_mA", "led.count"}) {
      EXPECT_THAT(r.err, HasSubstr(": /bms/parameters/" + std::string(key) +
                                   ": expected an integer in the parameter's unit, or the name of a "
                                   "value of an enumerated parameter"));
    }
    EXPECT_THAT(r.err, HasSubstr("stacksim: 3 problems"));
    EXPECT_FALSE(fs::exists(out));
  }
}

// Enumerated parameters take their names, as in models/firmware; a name the
// parameter does not have, or a name for a number, is refused with the names.
TEST_F(BmsCli, EnumeratedParametersAreWrittenByName) {
  const fs::path good = write("good.json", scenario_with(R"("bms": {"parameters": {"pcs.protocol": "pylon-hv"}},)"));
  EXPECT_EQ(stacksim({"check", good.string()}).exit_code, 0);
  const fs::path bad = write(
      "bad.json", scenario_with(R"("bms": {"parameters": {"pcs.protocol": "pylon-hx", "soc.rest_mA": "100"}},)"));
  const Result r = stacksim({"check", bad.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(": /bms/parameters/pcs.protocol: expected one of pylon-lv, pylon-hv, sofar-hv, "
                               "growatt-lv, got \"pylon-hx\""));
  EXPECT_THAT(r.err, HasSubstr(": /bms/parameters/soc.rest_mA: expected an integer in the parameter's unit "
                               "(soc.rest_mA has no named values), got \"100\""));
  EXPECT_THAT(r.err, HasSubstr("stacksim: 2 problems"));
}

// --- parallel wiring and bus logs ---

TEST_F(BmsCli, ASwappedLinkCableFailsTheCodingOfTheSystem) {
  const fs::path scenario = write("s.json", scenario_with(R"("bms": {"swapped_link_cables": [2]},)"));
  const fs::path out = dir_ / "out";
  const Result r = stacksim({"run", scenario.string(), "--out", out.string(), "--bus-logs", "none"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(read_file(out / "firmware.log"), HasSubstr("pack1 error parallel: coding failed after 1 packs"));
  const nlohmann::json s = nlohmann::json::parse(read_file(out / "summary.json"));
  const nlohmann::json& master = s["bms"]["units"][0];
  EXPECT_EQ(master["state"], "fault");
  // Faults are written as hex: SSIM_FAULT_ADDRESSING among them.
  EXPECT_NE(std::stoul(master["faults"].get<std::string>(), nullptr, 16) & SSIM_FAULT_ADDRESSING, 0u);
  EXPECT_EQ(s["bms"]["units"][1]["state"], "off") << "never woken: its Link In stayed open";
  // A cable no chain has is a mistake in the scenario.
  const fs::path bad = write("bad.json", scenario_with(R"("bms": {"swapped_link_cables": [3, 1]},)"));
  const Result b = stacksim({"check", bad.string()});
  EXPECT_EQ(b.exit_code, 2);
  EXPECT_THAT(b.err, HasSubstr("/bms/swapped_link_cables/1: expected an array of unit numbers"));
  const fs::path beyond = write("beyond.json", scenario_with(R"("bms": {"swapped_link_cables": [3]},)"));
  EXPECT_THAT(stacksim({"check", beyond.string()}).err,
              HasSubstr("/bms/swapped_link_cables/0: expected a unit 2..2 of a parallel gtx5000 chain"));
}

TEST_F(BmsCli, BusLogsCanBeChosen) {
  const fs::path scenario = write("s.json", scenario_with(""));
  for (const auto& [choice, files] :
       std::vector<std::pair<std::string, std::set<std::string>>>{
           {"none", {}}, {"pcs", {"bus-pcs.log"}}, {"link,pcs", {"bus-pcs.log", "rs485-link.log"}}}) {
    const fs::path out = dir_ / ("out-" + choice);
    const Result r = stacksim({"run", scenario.string(), "--out", out.string(), "--bus-logs", choice});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::set<std::string> logs;
    for (const std::string& e : entries(out)) {
      if (e.find(".log") != std::string::npos && e != "firmware.log") logs.insert(e);
    }
    EXPECT_EQ(logs, files) << choice;
  }
  const Result r = stacksim({"run", scenario.string(), "--out", (dir_ / "x").string(), "--bus-logs", "pcs,can0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--bus-logs: expected all, none or bus names of gtx5000-x2 (pcs, link), got \"can0\""));
  EXPECT_FALSE(fs::exists(dir_ / "x"));
}

TEST_F(BmsCli, ParameterBeyond32BitsIsRefused) {
  const fs::path scenario = write(
      "s.json", scenario_with(R"("bms": {"parameters": {"soc.rest_ms": 4294967296}},)"));
  const Result r = stacksim({"check", scenario.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(": /bms/parameters/soc.rest_ms: expected a 32-bit integer"));
}

TEST_F(BmsCli, CheckAcceptsAValidOverride) {
  const fs::path scenario = write(
      "s.json", scenario_with(R"("bms": {"parameters": {"current.discharge_max_mA": 40000}},)"));
  const Result r = stacksim({"check", scenario.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ok: 1 scenario valid\n");
}

}  // namespace
}  // namespace stacksim::cli_testing
