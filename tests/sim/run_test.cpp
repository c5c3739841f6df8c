// Running scenarios in process (src/sim/run.cpp): sim::resolve_system and
// sim::run_scenario on short scenarios written to a fresh directory, checked
// through the files a run writes (signals.csv, summary.json).
#include "sim/run.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "scenario/scenario.hpp"

namespace stacksim::sim {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path kData = STACKSIM_DATA_DIR;

class RunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("stacksim-run-test-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::optional<scenario::Scenario> load(const std::string& text, Diagnostics& diags) const {
    const fs::path p = dir_ / "scenario.json";
    std::ofstream(p, std::ios::binary) << text;
    return scenario::load_scenario(p, diags);
  }

  // Loads, resolves and runs; the test fails (and returns nullopt) on any problem.
  std::optional<RunSummary> run(const std::string& text) {
    Diagnostics diags;
    const auto sc = load(text, diags);
    if (!sc) {
      ADD_FAILURE() << diags.format();
      return std::nullopt;
    }
    const auto system = resolve_system(*sc, kData, diags);
    if (!system) {
      ADD_FAILURE() << diags.format();
      return std::nullopt;
    }
    RunOutcome outcome = run_scenario(*sc, *system, {kData, out(), std::nullopt});
    if (!outcome.summary) ADD_FAILURE() << outcome.error;
    return outcome.summary;
  }

  fs::path out() const { return dir_ / "out"; }

  nlohmann::json summary_json() const {
    std::ifstream in(out() / "summary.json");
    return nlohmann::json::parse(in);
  }

  fs::path dir_;
};

// signals.csv as columns by name.
struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<double>> rows;
  std::size_t col(const std::string& name) const {
    const auto it = std::find(header.begin(), header.end(), name);
    EXPECT_NE(it, header.end()) << "no column " << name;
    return static_cast<std::size_t>(it - header.begin());
  }
  double at(std::size_t row, const std::string& name) const { return rows.at(row).at(col(name)); }
};

Csv read_csv(const fs::path& p) {
  Csv csv;
  std::ifstream in(p);
  std::string line;
  if (std::getline(in, line)) {
    std::stringstream h(line);
    for (std::string f; std::getline(h, f, ',');) csv.header.push_back(f);
  }
  while (std::getline(in, line)) {
    std::stringstream r(line);
    std::vector<double> row;
    for (std::string f; std::getline(r, f, ',');) row.push_back(std::stod(f));
    EXPECT_EQ(row.size(), csv.header.size()) << line;
    csv.rows.push_back(row);
  }
  return csv;
}

std::set<std::string> entries(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

TEST_F(RunTest, HalfCDischargeStopsWithinOneStepOfTheVoltageLimit) {
  // GTX2500 (50 Ah; 0.5C = 25 A, the manual's nominal discharge current) from
  // 3 % SOC down to the manual's minimum discharge voltage, 45.6 V.
  const auto summary = run(R"({"format": "stacksim-scenario", "version": 1, "name": "to-empty",
    "system": "gtx2500-x1", "duration": "1h", "step": "1s", "record_every": "1s",
    "stop_after_profile": true, "initial": {"soc": "3%"},
    "profile": [{"current": "-0.5C", "until": {"voltage_below": "45.6V"}}]})");
  ASSERT_TRUE(summary.has_value());
  ASSERT_EQ(summary->profile.size(), 1u);
  EXPECT_EQ(summary->profile[0].reason, "voltage_below");

  const nlohmann::json s = summary_json();
  ASSERT_EQ(s["profile"].size(), 1u);
  EXPECT_EQ(s["profile"][0]["ended_by"], "voltage_below");
  const double ended_s = s["profile"][0]["ended_at_s"].get<double>();
  EXPECT_LT(ended_s, 3600.0);                          // ended by the condition, not the duration
  EXPECT_EQ(s["simulated_s"].get<double>(), ended_s);  // and the run stopped there

  const Csv csv = read_csv(out() / "signals.csv");
  ASSERT_GE(csv.rows.size(), 3u);
  const std::size_t last = csv.rows.size() - 1;
  EXPECT_EQ(csv.at(last, "time_s"), ended_s);
  EXPECT_LE(csv.at(last, "voltage_V"), 45.6);
  EXPECT_GT(csv.at(last - 1, "voltage_V"), 45.6);  // one step earlier it was still above
  for (std::size_t i = 1; i < last; ++i) {
    EXPECT_GT(csv.at(i, "voltage_V"), 45.6) << "t = " << csv.at(i, "time_s");
    EXPECT_EQ(csv.at(i, "current_A"), -25.0) << "t = " << csv.at(i, "time_s");
  }
  EXPECT_EQ(csv.at(last, "step"), 1.0);
  EXPECT_EQ(static_cast<double>(summary->steps), ended_s);  // 1 s steps
}

TEST_F(RunTest, TotalsAgreeWithTheRecordedSignals) {
  // Two GTX5000 packs (100 Ah each: 1C = 200 A): 0.5C out for 5 min, rest,
  // 0.25C in for 4 min, every step recorded.
  const auto summary = run(R"({"format": "stacksim-scenario", "version": 1, "name": "totals",
    "system": "gtx5000-x2", "duration": "10m", "step": "1s", "record_every": "1s",
    "initial": {"soc": "50%"},
    "profile": [{"current": "-0.5C", "for": "5m"}, {"rest": "1m"}, {"current": "0.25C", "for": "4m"}]})");
  ASSERT_TRUE(summary.has_value());
  const Csv csv = read_csv(out() / "signals.csv");
  ASSERT_EQ(csv.rows.size(), 601u);
  const nlohmann::json s = summary_json();

  // Rectangles over each recorded step (the row at t holds the step ending at t).
  struct Totals {
    double in_Ah = 0, out_Ah = 0, in_Wh = 0, out_Wh = 0;
  };
  const auto integrate = [&](const std::string& prefix) {
    Totals t;
    for (std::size_t i = 1; i < csv.rows.size(); ++i) {
      const double dt_h = (csv.at(i, "time_s") - csv.at(i - 1, "time_s")) / 3600.0;
      const double amps = csv.at(i, prefix + "current_A");
      const double volts = csv.at(i, prefix + "voltage_V");
      (amps > 0 ? t.in_Ah : t.out_Ah) += std::abs(amps) * dt_h;
      (amps > 0 ? t.in_Wh : t.out_Wh) += std::abs(amps * volts) * dt_h;
    }
    return t;
  };
  const auto expect_close = [](double recorded, double summarised, const std::string& what) {
    EXPECT_NEAR(recorded, summarised, 1e-3 * std::abs(summarised)) << what;  // 0.1 %
  };
  const Totals terminals = integrate("");
  expect_close(terminals.in_Ah, s["terminals"]["charge_in_Ah"], "charge in");
  expect_close(terminals.out_Ah, s["terminals"]["charge_out_Ah"], "charge out");
  expect_close(terminals.in_Wh, s["terminals"]["energy_in_Wh"], "energy in");
  expect_close(terminals.out_Wh, s["terminals"]["energy_out_Wh"], "energy out");
  // And with the commanded currents: 100 A for 300 s out, 50 A for 240 s in.
  expect_close(100.0 * 300.0 / 3600.0, s["terminals"]["charge_out_Ah"], "charge out, commanded");
  expect_close(50.0 * 240.0 / 3600.0, s["terminals"]["charge_in_Ah"], "charge in, commanded");

  ASSERT_EQ(s["units"].size(), 2u);
  for (std::size_t b = 0; b < 2; ++b) {
    const std::string name = "pack" + std::to_string(b + 1);
    EXPECT_EQ(s["units"][b]["name"], name);
    const Totals u = integrate(name + "_");
    expect_close(u.in_Ah, s["units"][b]["charge_in_Ah"], name + " charge in");
    expect_close(u.out_Ah, s["units"][b]["charge_out_Ah"], name + " charge out");
    expect_close(u.in_Wh, s["units"][b]["energy_in_Wh"], name + " energy in");
    expect_close(u.out_Wh, s["units"][b]["energy_out_Wh"], name + " energy out");
  }
  EXPECT_EQ(entries(out()), (std::set<std::string>{"report.html", "signals.csv", "summary.json"}));
}

TEST_F(RunTest, UnitsArrayMustHaveOneEntryPerUnit) {
  const std::string text = R"({"format": "stacksim-scenario", "version": 1, "name": "units",
    "system": "gtx5000-x2", "duration": "10s", "step": "1s",
    "initial": {"units": [{"soc": "40%"}, {"soc": "60%"}, {"soc": "50%"}]},
    "profile": [{"rest": "10s"}]})";
  Diagnostics diags;
  const auto sc = load(text, diags);
  ASSERT_TRUE(sc.has_value()) << diags.format();  // the file alone cannot know
  EXPECT_FALSE(resolve_system(*sc, kData, diags).has_value());
  ASSERT_EQ(diags.size(), 1u) << diags.format();
  const Diagnostic& d = diags.items()[0];
  EXPECT_EQ(d.pointer, "/initial/units");
  EXPECT_EQ(d.file, (dir_ / "scenario.json").string());
  EXPECT_EQ(d.location.line, 3);
  EXPECT_EQ(d.location.column,
            static_cast<int>(std::string_view(R"(    "initial": {"units": )").size()) + 1);
  EXPECT_THAT(d.message, HasSubstr("expected 2 entries"));
  EXPECT_THAT(d.message, HasSubstr("got 3"));
}

TEST_F(RunTest, UnitsArrayOfTheRightLengthSetsEachUnitInOrder) {
  const auto summary = run(R"({"format": "stacksim-scenario", "version": 1, "name": "units",
    "system": "gtx5000-x2", "duration": "2s", "step": "1s",
    "initial": {"soc": "90%", "units": [{"soc": "40%"}, {"soc": "60%"}]},
    "profile": [{"rest": "2s"}]})");
  ASSERT_TRUE(summary.has_value());
  const nlohmann::json s = summary_json();
  EXPECT_NEAR(s["units"][0]["soc_start_pct"].get<double>(), 40.0, 1e-9);
  EXPECT_NEAR(s["units"][1]["soc_start_pct"].get<double>(), 60.0, 1e-9);
}

TEST_F(RunTest, StepColumnFollowsTheProfile) {
  const auto summary = run(R"({"format": "stacksim-scenario", "version": 1, "name": "steps",
    "system": "gtx2500-x1", "duration": "15s", "step": "1s", "record_every": "1s",
    "profile": [{"rest": "3s"}, {"current": "-10A", "for": "4s"}, {"rest": "3s"}]})");
  ASSERT_TRUE(summary.has_value());
  const Csv csv = read_csv(out() / "signals.csv");
  ASSERT_EQ(csv.rows.size(), 16u);
  // A row shows the step under way during the physics step ending at its time
  // (the first row, the step about to start); 0 after the profile.
  for (std::size_t i = 0; i < csv.rows.size(); ++i) {
    const double t = static_cast<double>(i);
    EXPECT_EQ(csv.at(i, "time_s"), t);
    const double step = t <= 3 ? 1 : t <= 7 ? 2 : t <= 10 ? 3 : 0;
    EXPECT_EQ(csv.at(i, "step"), step) << "t = " << t;
    EXPECT_EQ(csv.at(i, "current_A"), step == 2 ? -10.0 : 0.0) << "t = " << t;
  }
  const nlohmann::json s = summary_json();
  ASSERT_EQ(s["profile"].size(), 3u);
  EXPECT_EQ(s["profile"][0]["ended_at_s"].get<double>(), 3.0);
  EXPECT_EQ(s["profile"][1]["ended_at_s"].get<double>(), 7.0);
  EXPECT_EQ(s["profile"][2]["ended_at_s"].get<double>(), 10.0);
  EXPECT_EQ(s["profile"][1]["pointer"], "/profile/1");
  EXPECT_EQ(s["simulated_s"].get<double>(), 15.0);
}

TEST_F(RunTest, LastRowOffTheRecordGridShowsTheStepThatEndedTheRun) {
  // Rows every 5 s, but the profile (and so the run) ends at 7 s.
  const auto summary = run(R"({"format": "stacksim-scenario", "version": 1, "name": "tail",
    "system": "gtx2500-x1", "duration": "30s", "step": "1s", "record_every": "5s",
    "stop_after_profile": true, "profile": [{"current": "-10A", "for": "7s"}]})");
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->simulated_ns, 7'000'000'000);
  EXPECT_EQ(summary->steps, 7);
  const Csv csv = read_csv(out() / "signals.csv");
  ASSERT_EQ(csv.rows.size(), 3u);
  const double times[] = {0.0, 5.0, 7.0};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(csv.at(i, "time_s"), times[i]);
    EXPECT_EQ(csv.at(i, "step"), 1.0) << "t = " << times[i];
  }
  EXPECT_EQ(csv.at(2, "current_A"), -10.0);
}

}  // namespace
}  // namespace stacksim::sim
