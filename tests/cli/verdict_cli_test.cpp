// Timelines, expectations and verdicts through the real `stacksim` binary:
// exit 0 when every expectation is met, 1 when one is missed (with the time
// and what the probe read), 2 with every mistake of a broken timeline or
// expectation at once and nothing written.
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace {

using stacksim::cli_testing::Result;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

class VerdictCli : public stacksim::cli_testing::CliTest {
 public:
  const fs::path& dir() const { return dir_; }
  fs::path write_file(const std::string& name, const std::string& text) const { return write(name, text); }
  Result run(const std::vector<std::string>& args) const { return stacksim(args); }

  // A GTX3000-H4 discharging at 10 A; its timeline and expectations given.
  std::string scenario(const std::string& timeline, const std::string& expect, const std::string& system = "gtx3000-h4") {
    return R"({"format": "stacksim-scenario", "version": 1, "name": "t", "system": ")" + system +
           R"(", "duration": "3m", "profile": [{"current": "-10A", "for": "3m"}], "timeline": [)" + timeline +
           R"(], "expect": [)" + expect + "]}";
  }
  nlohmann::json summary(const fs::path& out) const {
    std::ifstream in(out / "summary.json");
    return nlohmann::json::parse(in);
  }
};

constexpr const char* kLoose =
    R"({"name": "loose NTC", "at": "2m", "fault": "temperature_sensor", "unit": 1, "module": 2, "sensor": 1, "mode": "open"})";

TEST_F(VerdictCli, MetExpectationsExitZeroWithTheirTimes) {
  const fs::path out = dir_ / "out";
  const Result r = stacksim({"run",
                             write("s.json", scenario(kLoose, R"({"probe": "fault", "diagnosis": "temp_sensor", "is": "raised", "within": "10s", "after": "loose NTC"},
                                  {"probe": "fault", "diagnosis": "temp_sensor", "is": "clear", "during": ["1m", "2m"]})"))
                                 .string(),
                             "--out", out.string(), "--bus-logs", "none"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("2 of 2 expectations met"));
  const auto s = summary(out);
  EXPECT_EQ(s["verdict"], "passed");
  const auto& within = s["expectations"][0];
  EXPECT_EQ(within["result"], "met");
  // Met after the fault at 120 s and no later than the window's end.
  EXPECT_GT(within["at_s"].get<double>(), 120.0);
  EXPECT_LE(within["at_s"].get<double>(), 130.0);
  // "during" is met at the end of its interval.
  EXPECT_DOUBLE_EQ(s["expectations"][1]["at_s"].get<double>(), 120.0);
  // The fault's detection time is the same instant the diagnosis was first seen.
  const auto& fault = s["faults"][0];
  EXPECT_EQ(fault["name"], "loose NTC");
  EXPECT_DOUBLE_EQ(fault["at_s"].get<double>(), 120.0);
  EXPECT_DOUBLE_EQ(fault["detected_s"].get<double>(), within["at_s"].get<double>());
  EXPECT_NEAR(fault["detection_time_s"].get<double>(), within["at_s"].get<double>() - 120.0, 1e-9);
}

TEST_F(VerdictCli, MissedExpectationExitsOneAndSaysWhenAndWhat) {
  const fs::path out = dir_ / "out";
  // The fault comes at 2 min: a diagnosis required by 1 min is missed at 1 min.
  const Result r = stacksim({"run",
                             write("s.json", scenario(kLoose, R"({"name": "too early", "probe": "fault", "diagnosis": "temp_sensor", "is": "raised", "by": "1m"},
                                  {"name": "never above 3.0 V", "probe": "cell_voltage_max", "at_most": "3.0V", "always": true})"))
                                 .string(),
                             "--out", out.string(), "--bus-logs", "none"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("FAILED t on gtx3000-h4"));
  EXPECT_THAT(r.out, HasSubstr("0 of 2 expectations met"));
  EXPECT_THAT(r.out, HasSubstr("missed at 1m: too early (not at 1m; it read clear)"));
  const auto s = summary(out);
  EXPECT_EQ(s["verdict"], "failed");
  EXPECT_EQ(s["expectations"][0]["result"], "missed");
  EXPECT_DOUBLE_EQ(s["expectations"][0]["at_s"].get<double>(), 60.0);
  // A 50 % LFP cell sits near 3.3 V: "always at most 3.0 V" fails at the first step.
  EXPECT_DOUBLE_EQ(s["expectations"][1]["at_s"].get<double>(), 0.01);
}

// LED flash patterns (GTX3000 manual 5.3.2: standby is L5 green, flash 1 =
// 0.25 s on / 3.75 s off): the right pattern is met, flash 2 is missed and
// the report says what the LED did.
TEST_F(VerdictCli, LedFlashPatternsAreMeasured) {
  const std::string sc = R"({"format": "stacksim-scenario", "version": 1, "name": "led", "system": "gtx3000-h4",
    "duration": "1m", "profile": [{"rest": "1m"}], "expect": [
    {"name": "flash 1", "probe": "led_flash", "led": 5, "is": "green", "on": "250ms", "off": "3750ms", "during": ["50s", "1m"]},
    {"name": "flash 2", "probe": "led_flash", "led": 5, "is": "green", "on": "500ms", "off": "500ms", "by": "1m"}]})";
  const Result r = stacksim({"run", write("s.json", sc).string(), "--out", (dir_ / "out").string(), "--bus-logs", "none"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("1 of 2 expectations met"));
  EXPECT_THAT(r.out, HasSubstr("missed at 1m: flash 2 (not at 1m; it read green 0.25 s on / 3.75 s off)"));
}

// Every time rule, met and missed, on one run whose truth is known: the
// loose thermistor at 2 min raises temp_sensor; the string discharges at 10 A
// from 50 % SOC, so no cell comes near 3.0 V or 3.65 V.
TEST_F(VerdictCli, EveryTimeRuleIsMetAndMissedAtItsInstant) {
  const fs::path out = dir_ / "out";
  const Result r = stacksim({"run", write("s.json", scenario(kLoose, R"(
      {"name": "by met", "probe": "fault", "diagnosis": "temp_sensor", "is": "raised", "by": "2m30s"},
      {"name": "by missed", "probe": "fault", "diagnosis": "temp_sensor", "is": "raised", "by": "1m30s"},
      {"name": "within met", "probe": "fault", "diagnosis": "temp_sensor", "is": "raised", "within": "10s", "after": "loose NTC"},
      {"name": "within missed", "probe": "cell_voltage_max", "above": "3.65V", "within": "10s", "after": "loose NTC"},
      {"name": "during met", "probe": "fault", "diagnosis": "temp_sensor", "is": "clear", "during": ["1m", "2m"]},
      {"name": "during missed", "probe": "fault", "diagnosis": "temp_sensor", "is": "clear", "during": ["1m", "3m"]},
      {"name": "always met", "probe": "cell_voltage_max", "below": "3.65V", "always": true},
      {"name": "always missed", "probe": "fault", "diagnosis": "temp_sensor", "is": "clear", "always": true},
      {"name": "never met", "probe": "cell_voltage_min", "below": "3.0V", "never": true},
      {"name": "never missed", "probe": "fault", "diagnosis": "temp_sensor", "is": "raised", "never": true})"))
                                                 .string(),
                             "--out", out.string(), "--bus-logs", "none"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  std::ifstream in(out / "summary.json");
  const auto s = nlohmann::json::parse(in);
  std::map<std::string, std::pair<std::string, double>> got;
  for (const auto& e : s["expectations"]) got[e["name"]] = {e["result"], e["at_s"].get<double>()};
  // The diagnosis is first seen at t_d, a little after the fault at 120 s.
  const double t_d = got["within met"].second;
  EXPECT_GT(t_d, 120.0);
  EXPECT_LT(t_d, 130.0);
  EXPECT_EQ(got["by met"], (std::pair<std::string, double>{"met", t_d}));         // holds at 2m30s, since t_d
  EXPECT_EQ(got["by missed"], (std::pair<std::string, double>{"missed", 90.0}));  // not at 1m30s
  EXPECT_EQ(got["within missed"], (std::pair<std::string, double>{"missed", 130.0}));
  EXPECT_EQ(got["during met"], (std::pair<std::string, double>{"met", 120.0}));
  EXPECT_EQ(got["during missed"], (std::pair<std::string, double>{"missed", t_d}));
  EXPECT_EQ(got["always met"], (std::pair<std::string, double>{"met", 180.0}));   // the end of the run
  EXPECT_EQ(got["always missed"], (std::pair<std::string, double>{"missed", t_d}));
  EXPECT_EQ(got["never met"], (std::pair<std::string, double>{"met", 180.0}));
  EXPECT_EQ(got["never missed"], (std::pair<std::string, double>{"missed", t_d}));
}

// Initial SOC per module of a string: the string starts at their
// charge-weighted mean (equal modules: the plain mean), and its lowest and
// highest cells are those of the emptiest and fullest module.
TEST_F(VerdictCli, ModulesOfAStringCanStartAtTheirOwnSoc) {
  const std::string sc = R"({"format": "stacksim-scenario", "version": 1, "name": "m", "system": "gtx3000-h4",
    "duration": "10s", "bms": {"firmware": "none"}, "profile": [{"rest": "10s"}],
    "initial": {"units": [{"soc": "50%", "modules": [{"soc": "60%"}, {}, {"soc": "30%"}, {}]}]}})";
  const fs::path out = dir_ / "out";
  const Result r = stacksim({"run", write("m.json", sc).string(), "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(out / "summary.json");
  const auto s = nlohmann::json::parse(in);
  EXPECT_NEAR(s["units"][0]["soc_start_pct"].get<double>(), (60.0 + 50.0 + 30.0 + 50.0) / 4.0, 0.05);
  const std::string bad = R"({"format": "stacksim-scenario", "version": 1, "name": "m", "system": "gtx3000-h4",
    "duration": "10s", "profile": [{"rest": "10s"}], "initial": {"units": [{"modules": [{}, {}]}]}})";
  const Result wrong = stacksim({"run", write("bad.json", bad).string(), "--out", (dir_ / "bad").string()});
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_THAT(wrong.err, HasSubstr("/initial/units/0/modules: expected 4 entries, one per module of a gtx3000-h4 string, got 2"));
}

struct Broken {
  const char* timeline;
  const char* expect;
  const char* message;
};

// Writes one scenario with every broken entry and checks that `run` and
// `check` report every message at once, exit 2 and write nothing.
void expect_all_reported(VerdictCli& t, const std::vector<Broken>& cases);

// Mistakes in the file itself: names, modes, units, times, keys.
TEST_F(VerdictCli, BrokenTimelinesAndExpectationsAreAllReported) {
  expect_all_reported(*this, {
      {R"({"at": "1m", "fault": "melted_busbar", "unit": 1})", "",
       "/timeline/0/fault: expected one of ambient, module_ambient, cell_soc, cell_capacity, cell_leakage, zero_volt_cell, external_short, temperature_sensor"},
      {R"({"at": "1m", "fault": "temperature_sensor", "unit": 1, "module": 2, "sensor": 1, "mode": "warm"})", "",
       "/timeline/0/mode: expected a mode of temperature_sensor: stuck, offset, drift, noise, delayed, intermittent, open, short, got \"warm\""},
      {R"({"at": "1m", "fault": "temperature_sensor", "unit": 1, "module": 1, "sensor": 1, "mode": "stuck", "value": "3.2V"})", "",
       "/timeline/0/value"},
      {R"({"at": "1m", "fault": "link", "unit": 1, "bus": "pcs", "mode": "delay", "value": "0s"})", "",
       "/timeline/0/value: expected a duration between 1ns and 10s, got \"0s\""},
      {R"({"at": "1m", "fault": "link", "unit": 1, "bus": "pcs", "mode": "delay", "value": "11s"})", "",
       "/timeline/0/value: expected a duration between 1ns and 10s, got \"11s\""},
      {R"({"at": "5m", "fault": "front_end", "unit": 1, "module": 1})", "",
       "/timeline/0/at: expected a time inside the run (0s up to before 3m)"},
      {R"({"at": "1m", "fault": "front_end", "unit": 1, "module": 1, "for": "5m"})", "",
       "/timeline/0/for: expected the fault to end by the end of the run (3m)"},
      {R"({"at": "1m", "fault": "front_end", "unit": 1, "module": 1, "colour": "red"})", "",
       "/timeline/0/colour: unknown key 'colour' (expected one of: at, fault, for, mode, module, name, unit)"},
      {"", R"({"probe": "voltage_of_the_moon", "above": "1V", "always": true})",
       "/expect/0/probe: expected one of voltage, current, soc"},
      {"", R"({"probe": "cell_voltage_max", "above": "3A", "always": true})", "/expect/0/above"},
      {"", R"({"probe": "cell_voltage_max", "above": "3V"})", "/expect/0: expected exactly one time rule"},
      {"", R"({"probe": "state", "is": "charge", "within": "5s", "after": "nothing"})",
       "/expect/0/after: expected the name of a timeline event"},
      {"", R"({"probe": "state", "is": "charge", "by": "1h"})", "/expect/0/by: expected a time inside the run"},
  });
}

// Targets that the named system does not have (checked once the file is valid).
TEST_F(VerdictCli, TargetsTheSystemDoesNotHaveAreAllReported) {
  expect_all_reported(*this, {
      {R"({"at": "1m", "fault": "temperature_sensor", "unit": 1, "module": 5, "sensor": 1, "mode": "open"})", "",
       "/timeline/0/module: expected a module from 1 to 4 of gtx3000-h4, got 5"},
      {R"({"at": "1m", "fault": "temperature_sensor", "unit": 2, "module": 1, "sensor": 1, "mode": "open"})", "",
       "/timeline/0/unit: expected a unit from 1 to 1 of gtx3000-h4, got 2"},
      {R"({"at": "1m", "fault": "cell_voltage_sensor", "unit": 1, "module": 1, "cell": 17, "mode": "open_wire"})", "",
       "/timeline/0/cell: expected a cell from 1 to 16"},
      {R"({"at": "1m", "fault": "link", "unit": 1, "bus": "link"})", "",
       "/timeline/0/bus: expected a bus the unit is on"},
      {"", R"({"probe": "protection", "row": "too_hot", "is": "raised", "always": true})",
       "/expect/0/row: expected a protection row of gtx3000: cell_over_voltage, cell_under_voltage"},
      {"", R"({"probe": "led", "led": 9, "is": "red", "always": true})", "/expect/0/led: expected an LED from 1 to 5"},
      {"", R"({"probe": "fault", "diagnosis": "gremlins", "is": "raised", "always": true})",
       "/expect/0/diagnosis: expected one of afe, temp_sensor"},
  });
}

void expect_all_reported(VerdictCli& t, const std::vector<Broken>& cases) {
  std::string timeline, expect;
  for (const Broken& b : cases) {
    // Appends one by one: "x" + string trips a false -Wrestrict in GCC 12 at -O3.
    if (*b.timeline) {
      if (!timeline.empty()) timeline += ',';
      timeline += b.timeline;
    }
    if (*b.expect) {
      if (!expect.empty()) expect += ',';
      expect += b.expect;
    }
  }
  const fs::path out = t.dir() / "out";
  const fs::path file = t.write_file("broken.json", t.scenario(timeline, expect));
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"run", file.string(), "--out", out.string()}, {"check", file.string()}}) {
    const Result r = t.run(args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << "\n" << r.out;
    EXPECT_FALSE(fs::exists(out));
    // Entries are numbered in the combined file as they were added.
    std::size_t ti = 0, ei = 0;
    for (const Broken& b : cases) {
      std::string message = b.message;
      std::string at = *b.timeline ? "/timeline/" : "/expect/";
      at += std::to_string(*b.timeline ? ti++ : ei++);
      message.replace(0, message.find('/', 1) + 2, at);
      EXPECT_THAT(r.err, HasSubstr(file.string())) << args[0];
      EXPECT_THAT(r.err, HasSubstr(message)) << args[0];
    }
  }
}

// A long run shows a progress bar on a terminal (here a pseudo-terminal from
// util-linux's `script`) and nothing when stderr is a file.
TEST_F(VerdictCli, ProgressBarOnATerminalOnly) {
  const std::string long_run = R"({"format": "stacksim-scenario", "version": 1, "name": "long", "system": "gtx3000-h10",
    "duration": "1h30m", "profile": [{"rest": "1h30m"}]})";
  const fs::path file = write_file("long.json", long_run);
  const Result quiet = run({"run", file.string(), "--out", (dir() / "q").string(), "--bus-logs", "none"});
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.err, "");
  ASSERT_EQ(std::system("command -v script >/dev/null"), 0) << "util-linux's script is needed for a pseudo-terminal";
  const fs::path typescript = dir() / "tty.out";
  const std::string command = std::string("script -qec '") + STACKSIM_BINARY + " --data " + STACKSIM_DATA_DIR + " run " +
                              file.string() + " --out " + (dir() / "t").string() + " --bus-logs none' " + typescript.string() +
                              " >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::ifstream in(typescript);
  const std::string shown((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(shown, HasSubstr("\rlong ["));
  EXPECT_THAT(shown, HasSubstr("50% 45m of 1h30m"));
  EXPECT_THAT(shown, HasSubstr("\r\033[Kok long on gtx3000-h10"));
}

}  // namespace
