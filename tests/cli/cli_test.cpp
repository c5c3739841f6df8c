// The `stacksim` command end to end: the real binary (STACKSIM_BINARY) run
// through the shell with short scenarios written to a fresh directory; exit
// codes, stdout/stderr and the files a run leaves behind.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

#ifndef STACKSIM_BINARY
#error "cli_tests needs the stacksim target (STACKSIM_BINARY)"
#endif
#ifndef STACKSIM_PROJECT_VERSION
#error "cli_tests needs STACKSIM_PROJECT_VERSION (the CMake project version)"
#endif

namespace {

namespace fs = std::filesystem;
using namespace stacksim::cli_testing;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const fs::path kData = STACKSIM_DATA_DIR;

// SHA-256 by the system's sha256sum: independent of the project's own.
std::string sha256sum(const fs::path& file) {
  const std::string command = "sha256sum " + shell_quote(file.string());
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return "popen failed";
  char hex[65] = {};
  const std::size_t n = std::fread(hex, 1, 64, pipe);
  ::pclose(pipe);
  return std::string(hex, n);
}

// The command-line fixture of tests/plugin/cli_runner.hpp under this suite's name.
class Cli : public stacksim::cli_testing::CliTest {};

// Two GTX5000 packs (100 Ah each, so 1C = 200 A): 0.5C for 30 s, 30 s rest,
// then 60 s more of rest after the profile; 2 min at 1 s steps, rows every 10 s.
const std::string kShort = R"({
  "format": "stacksim-scenario",
  "version": 1,
  "name": "short-run",
  "system": "gtx5000-x2",
  "bms": {"firmware": "none"},
  "seed": 1,
  "duration": "2m",
  "step": "1s",
  "record_every": "10s",
  "initial": {"soc": "50%", "temperature": "25C"},
  "profile": [
    {"current": "-0.5C", "for": "30s"},
    {"rest": "30s"}
  ]
}
)";

// As documented in src/sim/signals_csv.cpp: system columns, then seven per unit.
std::string expected_header(const std::vector<std::string>& units) {
  std::string h =
      "time_s,step,voltage_V,current_A,power_W,soc_pct,cell_min_V,cell_max_V,temp_min_C,temp_max_C";
  for (const std::string& u : units) {
    for (const char* c : {"voltage_V", "current_A", "soc_pct", "cell_min_V", "cell_max_V",
                          "temp_min_C", "temp_max_C"}) {
      h += "," + u + "_" + c;
    }
  }
  return h;
}


// ---------------------------------------------------------------------------

TEST_F(Cli, HelpExitsZeroAndDescribesTheCommands) {
  const Result r = raw({"--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* s : {"Usage:", "--help", "--version", "--data", "run", "check", "list"}) {
    EXPECT_THAT(r.out, HasSubstr(s));
  }
  EXPECT_THAT(r.out, StartsWith("stacksim " STACKSIM_PROJECT_VERSION ": "));
  const Result run_help = raw({"run", "--help"});
  EXPECT_EQ(run_help.exit_code, 0) << run_help.err;
  for (const char* s : {"scenario", "--out", "--seed"}) EXPECT_THAT(run_help.out, HasSubstr(s));
}

TEST_F(Cli, VersionIsTheProjectVersion) {
  const Result r = raw({"--version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "stacksim " STACKSIM_PROJECT_VERSION "\n");
  EXPECT_TRUE(std::regex_match(r.out, std::regex("stacksim [0-9]+\\.[0-9]+\\.[0-9]+\n"))) << r.out;
  EXPECT_EQ(r.err, "");
}

TEST_F(Cli, RunWritesSignalsAndSummary) {
  const fs::path scenario = write("short.json", kShort);
  const fs::path out = dir_ / "out";
  const Result r = stacksim({"run", scenario.string(), "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const auto out_lines = lines_of(r.out);
  ASSERT_EQ(out_lines.size(), 1u) << r.out;
  EXPECT_THAT(out_lines[0],
              StartsWith("ok short-run on gtx5000-x2 (seed 1): 2m simulated in 120 steps"));
  EXPECT_THAT(out_lines[0], ::testing::EndsWith(" -> " + out.string()));
  EXPECT_EQ(entries(out), (std::set<std::string>{"report.html", "signals.csv", "summary.json"}));

  // signals.csv: the documented header, one row at 0 and one per 10 s.
  const auto rows = lines_of(read_file(out / "signals.csv"));
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0], expected_header({"pack1", "pack2"}));
  ASSERT_EQ(rows.size(), 1u + (120 / 10 + 1));
  const std::size_t columns = split(rows[0]).size();
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto f = split(rows[i]);
    ASSERT_EQ(f.size(), columns) << rows[i];
    char time[32];
    std::snprintf(time, sizeof time, "%zu.000", (i - 1) * 10);
    EXPECT_EQ(f[0], time);
    // 0.5C of two 100 Ah packs (GTX5000 manual: 100 Ah each) is 100 A, during the first 30 s.
    const double t = static_cast<double>(i - 1) * 10.0;
    EXPECT_DOUBLE_EQ(std::stod(f[3]), t > 0.0 && t <= 30.0 ? -100.0 : 0.0) << rows[i];
  }

  // summary.json
  const nlohmann::json s = nlohmann::json::parse(read_file(out / "summary.json"));
  EXPECT_EQ(s["stacksim_version"], STACKSIM_PROJECT_VERSION);
  EXPECT_EQ(s["seed"], 1);
  EXPECT_EQ(s["scenario"]["file"], scenario.string());
  EXPECT_EQ(s["scenario"]["name"], "short-run");
  EXPECT_EQ(s["scenario"]["sha256"], sha256sum(scenario));
  EXPECT_EQ(s["system"]["name"], "gtx5000-x2");
  EXPECT_EQ(s["system"]["units"], 2);
  EXPECT_EQ(s["result"], "completed");
  EXPECT_EQ(s["simulated"], "2m");
  EXPECT_EQ(s["simulated_s"].get<double>(), 120.0);
  EXPECT_EQ(s["step"], "1s");
  EXPECT_EQ(s["steps"], 120);  // duration / step
  ASSERT_EQ(s["units"].size(), 2u);
  EXPECT_EQ(s["units"][0]["name"], "pack1");
  EXPECT_EQ(s["units"][1]["name"], "pack2");
  ASSERT_EQ(s["profile"].size(), 2u);
  EXPECT_EQ(s["profile"][0]["ended_by"], "for");
  EXPECT_EQ(s["profile"][0]["ended_at_s"].get<double>(), 30.0);
  EXPECT_EQ(s["profile"][1]["ended_by"], "for");
  EXPECT_EQ(s["profile"][1]["ended_at_s"].get<double>(), 60.0);
  // 100 A for 30 s = 0.8333 Ah out.
  EXPECT_NEAR(s["terminals"]["charge_out_Ah"].get<double>(), 100.0 * 30.0 / 3600.0, 1e-4);
}

TEST_F(Cli, InvalidScenarioReportsEveryProblemAndWritesNothing) {
  std::string text = kShort;
  text.replace(text.find(R"("seed": 1,)"), 10, "\"seed\": 1,\n  \"colour\": \"red\",");
  text.replace(text.find(R"("soc": "50%")"), 12, R"("soc": "50")");
  text.replace(text.find(R"({"rest": "30s"})"), 15, R"({"rest": "30s", "current": "1A"})");
  const fs::path scenario = write("bad.json", text);
  const fs::path out = dir_ / "out";
  const Result r = stacksim({"run", scenario.string(), "--out", out.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  const auto lines = lines_of(r.err);
  ASSERT_EQ(lines.size(), 4u) << r.err;
  const std::regex diagnostic("[^:]+:[0-9]+:[0-9]+: (/[^ ]+): .*expected.*");
  std::set<std::string> pointers;
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_THAT(lines[i], StartsWith(scenario.string() + ":"));
    std::smatch m;
    ASSERT_TRUE(std::regex_match(lines[i], m, diagnostic)) << lines[i];
    pointers.insert(m[1]);
  }
  EXPECT_EQ(pointers, (std::set<std::string>{"/colour", "/initial/soc", "/profile/1"}));
  EXPECT_EQ(lines[3], "stacksim: 3 problems; nothing was run");
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(Cli, InvalidScenarioLeavesAnEarlierRunUntouched) {
  const fs::path out = dir_ / "out";
  fs::create_directories(out);
  std::ofstream(out / "signals.csv") << "earlier run\n";
  std::string text = kShort;
  text.replace(text.find(R"("record_every": "10s")"), 21, R"("record_every": "1500ms")");
  const Result r = stacksim({"run", write("bad.json", text).string(), "--out", out.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("/record_every: expected"));
  EXPECT_EQ(entries(out), std::set<std::string>{"signals.csv"});
  EXPECT_EQ(read_file(out / "signals.csv"), "earlier run\n");
}

TEST_F(Cli, CheckReportsTheProblemsOfAllFilesAtOnce) {
  std::string two = kShort;  // two problems: a unit-less SOC, a step of two kinds
  two.replace(two.find(R"("soc": "50%")"), 12, R"("soc": "50")");
  two.replace(two.find(R"({"rest": "30s"})"), 15, R"({"rest": "30s", "current": "1A"})");
  std::string one = kShort;  // one problem, found against configs/: no such system
  one.replace(one.find("gtx5000-x2"), 10, "gtx9999-x1");
  const fs::path a = write("a.json", two), b = write("b.json", one), ok = write("ok.json", kShort);
  const Result r = stacksim({"check", a.string(), ok.string(), b.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  const auto lines = lines_of(r.err);
  ASSERT_EQ(lines.size(), 4u) << r.err;
  EXPECT_THAT(lines[0], StartsWith(a.string() + ":"));
  EXPECT_THAT(lines[1], StartsWith(a.string() + ":"));
  EXPECT_THAT(lines[2], StartsWith(b.string() + ":"));
  EXPECT_THAT(lines[2], HasSubstr(": /system: expected a system in"));
  EXPECT_EQ(lines[3], "stacksim: 3 problems in 3 files");
}

TEST_F(Cli, CheckAcceptsValidFiles) {
  const fs::path a = write("a.json", kShort), b = write("b.json", kShort);
  const Result r = stacksim({"check", a.string(), b.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ok: 2 scenarios valid\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(Cli, CheckAcceptsEveryExampleScenario) {
  std::vector<std::string> args = {"check"};
  for (const auto& product : fs::directory_iterator(kData / "scenarios")) {
    if (!product.is_directory()) continue;
    for (const auto& f : fs::directory_iterator(product.path())) {
      if (f.path().extension() == ".json") args.push_back(f.path().string());
    }
  }
  ASSERT_GE(args.size(), 2u);
  const Result r = stacksim(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ok: " + std::to_string(args.size() - 1) + " scenarios valid\n");
}

TEST_F(Cli, UnknownSystemIsRejectedBeforeAnythingIsWritten) {
  std::string text = kShort;
  text.replace(text.find("gtx5000-x2"), 10, "gtx9999-x1");
  const fs::path scenario = write("s.json", text);
  const fs::path out = dir_ / "out";
  const Result r = stacksim({"run", scenario.string(), "--out", out.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(scenario.string() + ":5:13: /system: expected a system in"));
  EXPECT_THAT(r.err, HasSubstr("there is no \"gtx9999-x1.json\""));
  EXPECT_FALSE(fs::exists(out));
}

// A data directory of copies, with a valid system file that only a path
// escaping configs/ could reach: data/evil.json is what "../evil" would open.
class CliData : public Cli {
 protected:
  void SetUp() override {
    Cli::SetUp();
    data_ = dir_ / "data";
    fs::create_directories(data_);
    fs::copy(kData / "configs", data_ / "configs", fs::copy_options::recursive);
    fs::copy(kData / "models", data_ / "models", fs::copy_options::recursive);
    std::string config = read_file(kData / "configs" / "gtx2500-x1.json");
    config.replace(config.find("\"gtx2500-x1\""), 12, "\"../evil\"");
    std::ofstream(data_ / "evil.json") << config;
  }
  fs::path data_;
};

TEST_F(CliData, TheEscapingSystemFileIsValidWhereItWouldBeFound) {
  // The trap works: as configs/evil.json (with its own name) it runs.
  std::string config = read_file(data_ / "evil.json");
  config.replace(config.find("\"../evil\""), 9, "\"evil\"");
  std::ofstream(data_ / "configs" / "evil.json") << config;
  std::string text = kShort;
  text.replace(text.find("gtx5000-x2"), 10, "evil");
  const Result r =
      stacksim({"run", write("s.json", text).string(), "--out", (dir_ / "out").string()}, data_);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(CliData, PathLikeSystemNamesAreRejected) {
  for (const char* name : {"../evil", "../../etc/passwd", "/etc/passwd", "configs/../../evil"}) {
    std::string text = kShort;
    text.replace(text.find("\"gtx5000-x2\""), 12, std::string("\"") + name + "\"");
    const fs::path scenario = write("s.json", text);
    const fs::path out = dir_ / "out";
    const Result r = stacksim({"run", scenario.string(), "--out", out.string()}, data_);
    EXPECT_EQ(r.exit_code, 2) << name << "\n" << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr(scenario.string() + ":5:13: /system: expected the name of a file "
                                                     "in configs/"))
        << name;
    EXPECT_EQ(r.out, "") << name;
    EXPECT_FALSE(fs::exists(out)) << name;
  }
}

TEST_F(CliData, ListPrintsEveryConfigInTheDataDirectory) {
  std::string config = read_file(kData / "configs" / "gtx2500-x1.json");
  config.replace(config.find("\"gtx2500-x1\""), 12, "\"aa-extra\"");
  std::ofstream(data_ / "configs" / "aa-extra.json") << config;
  const Result r = stacksim({"list"}, data_);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> listed;
  for (const std::string& line : lines_of(r.out)) listed.insert(line.substr(0, line.find(' ')));
  std::set<std::string> files;
  for (const auto& f : fs::directory_iterator(data_ / "configs"))
    files.insert(f.path().stem().string());
  EXPECT_EQ(listed, files);
  EXPECT_EQ(lines_of(r.out).size(), files.size());
  EXPECT_EQ(listed.count("aa-extra"), 1u);
}

TEST_F(Cli, ListPrintsEveryShippedConfig) {
  const Result r = stacksim({"list"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> files;
  for (const auto& f : fs::directory_iterator(kData / "configs")) {
    if (f.path().extension() == ".json") files.insert(f.path().stem().string());
  }
  const auto lines = lines_of(r.out);
  EXPECT_EQ(lines.size(), files.size()) << r.out;
  for (const std::string& name : files) {
    EXPECT_EQ(std::count_if(lines.begin(), lines.end(),
                            [&](const std::string& l) { return l.rfind(name + " ", 0) == 0; }),
              1)
        << name;
  }
}

TEST_F(Cli, SameScenarioAndSeedGiveTheSameBytes) {
  const fs::path scenario = write("short.json", kShort);
  const fs::path a = dir_ / "a", b = dir_ / "b", c = dir_ / "c";
  ASSERT_EQ(stacksim({"run", scenario.string(), "--out", a.string()}).exit_code, 0);
  ASSERT_EQ(stacksim({"run", scenario.string(), "--out", b.string()}).exit_code, 0);
  const std::string csv_a = read_file(a / "signals.csv");
  ASSERT_FALSE(csv_a.empty());
  EXPECT_TRUE(csv_a == read_file(b / "signals.csv"));
  EXPECT_TRUE(read_file(a / "summary.json") == read_file(b / "summary.json"));

  // Another seed draws another cell spread: same columns and times, other values.
  ASSERT_EQ(stacksim({"run", scenario.string(), "--out", c.string(), "--seed", "2"}).exit_code, 0);
  const std::string csv_c = read_file(c / "signals.csv");
  EXPECT_NE(csv_a, csv_c);
  const auto rows_a = lines_of(csv_a), rows_c = lines_of(csv_c);
  ASSERT_EQ(rows_a.size(), rows_c.size());
  EXPECT_EQ(rows_a[0], rows_c[0]);
  bool spread_differs = false;
  for (std::size_t i = 1; i < rows_a.size(); ++i) {
    const auto fa = split(rows_a[i]), fc = split(rows_c[i]);
    EXPECT_EQ(fa[0], fc[0]);  // time
    EXPECT_EQ(fa[1], fc[1]);  // profile step
    const double spread_a = std::stod(fa[7]) - std::stod(fa[6]);
    const double spread_c = std::stod(fc[7]) - std::stod(fc[6]);
    spread_differs = spread_differs || spread_a != spread_c;
  }
  EXPECT_TRUE(spread_differs);
  const nlohmann::json s = nlohmann::json::parse(read_file(c / "summary.json"));
  EXPECT_EQ(s["seed"], 2);
}

TEST_F(Cli, BadCommandLinesExitTwoAndRunNothing) {
  const std::string scenario = write("short.json", kShort).string();
  const std::string out = (dir_ / "out").string();
  const std::vector<std::vector<std::string>> cases = {
      {"run", scenario, "--out", out, "--bogus"},      // unknown option
      {"run", scenario, "--out", out, "--seed"},       // missing argument
      {"run", scenario, "--out", out, "--seed", "x"},  // not a number
      {"run", "--out", out},                           // missing scenario
      {"--out", out, "run", scenario},                 // option of the wrong command
      {"frobnicate"},                                  // unknown command
      {},                                              // no command
      {"check"},                                       // no files
      {"run", scenario, "--out"},                      // missing argument
  };
  for (const auto& args : cases) {
    std::string shown;
    for (const auto& a : args) shown += a + " ";
    const Result r = stacksim(args);
    EXPECT_EQ(r.exit_code, 2) << shown << "\n" << r.out << r.err;
    EXPECT_NE(r.err, "") << shown;
    EXPECT_FALSE(fs::exists(out)) << shown;
  }
  const Result no_data = raw({"list", "--data"});
  EXPECT_EQ(no_data.exit_code, 2);
}

// Exit code 3: the run failed inside; 1 is kept for missed expectations.
TEST_F(Cli, RunThatCannotWriteItsOutputExitsThree) {
  std::ofstream(dir_ / "plain-file") << "x";
  const fs::path out = dir_ / "plain-file" / "out";
  const Result r = stacksim({"run", write("short.json", kShort).string(), "--out", out.string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, StartsWith("stacksim: cannot create " + out.string()));
}

}  // namespace
