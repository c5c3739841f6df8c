// Scenario files (src/scenario/scenario_file.cpp): a valid file loads with
// every field as written; every kind of problem gives exactly one diagnostic
// with file, line:column, JSON pointer and what was expected; a file with
// several problems reports all of them at once.
//
// Expected locations are found by searching the test's own text for the value
// (independently of the JSON reader); expected values are the decimal numbers
// written in the file, converted by hand.
#include "scenario/scenario.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace stacksim {
// SourceLocation has no operator== of its own; found by argument-dependent lookup.
[[maybe_unused]] static bool operator==(const SourceLocation& a, const SourceLocation& b) {
  return a.line == b.line && a.column == b.column;
}
[[maybe_unused]] static std::ostream& operator<<(std::ostream& os, const SourceLocation& l) {
  return os << l.line << ":" << l.column;
}
}  // namespace stacksim

namespace stacksim::scenario {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr std::int64_t kSecond = 1'000'000'000;

// A fresh directory per test (CTest runs tests in parallel processes).
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "." + info->name();
    std::replace(name.begin(), name.end(), '/', '_');
    path_ = fs::temp_directory_path() /
            ("stacksim-scenario-test-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  fs::path write(const std::string& name, std::string_view text) const {
    const fs::path p = path_ / name;
    std::ofstream out(p, std::ios::binary);
    out << text;
    return p;
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// 1-based line and byte column of the nth occurrence of `needle`, counted
// directly in the text; {-1, -1} if there is none.
SourceLocation where(std::string_view text, std::string_view needle, int nth = 1) {
  std::size_t pos = std::string_view::npos;
  std::size_t from = 0;
  for (int i = 0; i < nth; ++i) {
    pos = text.find(needle, from);
    if (pos == std::string_view::npos) return {-1, -1};
    from = pos + 1;
  }
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < pos; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, static_cast<int>(pos - line_start) + 1};
}

// SHA-256 of a file by the system's sha256sum, independent of src/util.
std::string sha256sum(const fs::path& file) {
  const std::string command = "sha256sum '" + file.string() + "'";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return "popen failed";
  std::array<char, 65> hex{};
  const std::size_t n = std::fread(hex.data(), 1, 64, pipe);
  ::pclose(pipe);
  return std::string(hex.data(), n);
}

const StopCondition* find_condition(const ProfileStep& step, const std::string& key) {
  for (const StopCondition& c : step.until) {
    if (c.key == key) return &c;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------
// A valid file

constexpr std::string_view kEveryField = R"({
  "format": "stacksim-scenario",
  "version": 1,
  "name": "every-field",
  "description": "A scenario that sets every key.",
  "system": "gtx5000-x2",
  "seed": 42,
  "duration": "1h30m",
  "step": "250ms",
  "record_every": "1s",
  "stop_after_profile": true,
  "ambient": "35C",
  "initial": {
    "soc": "80%",
    "temperature": "30C",
    "hysteresis": "after-discharge",
    "units": [{"soc": "70%"}, {"temperature": "20C"}]
  },
  "profile": [
    {"current": "-0.5C", "until": {"voltage_below": "46.4V", "soc_below": "10%"}},
    {"rest": "90s"},
    {"repeat": 2, "steps": [
      {"power": "-1.5kW", "for": "10m"},
      {"voltage": "56.16V", "current_limit": "25A", "until": {"current_below": "0.05C"}, "for": "20m"}
    ]},
    {"current": "2500mA", "for": "1.25s"},
    {"current": "10A", "until": {"voltage_above": "56V", "voltage_below": "45.6V",
      "cell_voltage_above": "3.65V", "cell_voltage_below": "2.5V", "current_below": "1A",
      "soc_above": "95%", "soc_below": "5%", "temperature_above": "318.15K"}},
    {"rest": "0.5s", "until": {"temperature_above": "45C"}}
  ]
}
)";

TEST(ScenarioFile, ValidFileLoadsEveryFieldAsWritten) {
  const TempDir dir;
  const fs::path file = dir.write("every.json", kEveryField);
  Diagnostics diags;
  const auto sc = load_scenario(file, diags);
  ASSERT_TRUE(sc.has_value()) << diags.format();
  EXPECT_TRUE(diags.empty());

  EXPECT_EQ(sc->file, file.string());
  EXPECT_EQ(sc->sha256, sha256sum(file));
  EXPECT_EQ(sc->name, "every-field");
  EXPECT_EQ(sc->description, "A scenario that sets every key.");
  EXPECT_EQ(sc->system, "gtx5000-x2");
  EXPECT_EQ(sc->seed, 42u);
  EXPECT_EQ(sc->duration_ns, std::int64_t{5400} * kSecond);  // 1 h 30 min
  EXPECT_EQ(sc->step_ns, 250'000'000);
  EXPECT_EQ(sc->record_ns, kSecond);
  EXPECT_TRUE(sc->stop_after_profile);
  EXPECT_DOUBLE_EQ(sc->ambient_C, 35.0);
  EXPECT_DOUBLE_EQ(sc->initial_soc, 0.8);
  EXPECT_DOUBLE_EQ(sc->initial_temperature_C, 30.0);
  EXPECT_EQ(sc->initial_hysteresis, -1.0);  // after discharge
  ASSERT_EQ(sc->units.size(), 2u);
  EXPECT_EQ(sc->units[0].soc, 0.7);
  EXPECT_FALSE(sc->units[0].temperature_C.has_value());
  EXPECT_FALSE(sc->units[1].soc.has_value());
  EXPECT_EQ(sc->units[1].temperature_C, 20.0);

  // 6 steps as written, the repeat of 2 expanded in place and in order: 9.
  using K = ProfileStep::Kind;
  const std::vector<ProfileStep>& p = sc->profile;
  ASSERT_EQ(p.size(), 9u);
  const std::vector<K> kinds = {K::kCurrent, K::kRest,    K::kPower,   K::kVoltage, K::kPower,
                                K::kVoltage, K::kCurrent, K::kCurrent, K::kRest};
  const std::vector<std::string> pointers = {
      "/profile/0",         "/profile/1",         "/profile/2/steps/0",
      "/profile/2/steps/1", "/profile/2/steps/0", "/profile/2/steps/1",
      "/profile/3",         "/profile/4",         "/profile/5"};
  for (std::size_t i = 0; i < p.size(); ++i) {
    EXPECT_EQ(p[i].kind, kinds[i]) << "step " << i;
    EXPECT_EQ(p[i].pointer, pointers[i]) << "step " << i;
  }

  // -0.5C: a C-rate, kept as the multiple; no duration; two conditions.
  EXPECT_TRUE(p[0].current.c_rate);
  EXPECT_EQ(p[0].current.value, -0.5);
  EXPECT_FALSE(p[0].duration_ns.has_value());
  ASSERT_EQ(p[0].until.size(), 2u);
  const StopCondition* vb = find_condition(p[0], "voltage_below");
  const StopCondition* sb = find_condition(p[0], "soc_below");
  ASSERT_TRUE(vb && sb);
  EXPECT_EQ(vb->kind, StopCondition::Kind::kVoltageBelow);
  EXPECT_DOUBLE_EQ(vb->value, 46.4);
  EXPECT_EQ(sb->kind, StopCondition::Kind::kSocBelow);
  EXPECT_DOUBLE_EQ(sb->value, 0.10);

  EXPECT_EQ(p[1].duration_ns, 90 * kSecond);
  EXPECT_TRUE(p[1].until.empty());

  for (const std::size_t i : {2u, 4u}) {
    EXPECT_DOUBLE_EQ(p[i].power_W, -1500.0);
    EXPECT_EQ(p[i].duration_ns, 600 * kSecond);
  }
  for (const std::size_t i : {3u, 5u}) {
    EXPECT_DOUBLE_EQ(p[i].voltage_V, 56.16);
    EXPECT_FALSE(p[i].current.c_rate);
    EXPECT_DOUBLE_EQ(p[i].current.value, 25.0);
    EXPECT_EQ(p[i].duration_ns, 1200 * kSecond);
    ASSERT_EQ(p[i].until.size(), 1u);
    EXPECT_EQ(p[i].until[0].kind, StopCondition::Kind::kCurrentBelow);
    EXPECT_TRUE(p[i].until[0].c_rate);
    EXPECT_DOUBLE_EQ(p[i].until[0].value, 0.05);
  }

  // 2500 mA = 2.5 A; 1.25 s exactly in nanoseconds.
  EXPECT_FALSE(p[6].current.c_rate);
  EXPECT_DOUBLE_EQ(p[6].current.value, 2.5);
  EXPECT_EQ(p[6].duration_ns, 1'250'000'000);

  // Every condition kind, each in its base unit.
  struct Expected {
    const char* key;
    StopCondition::Kind kind;
    double value;
  };
  const Expected all[] = {
      {"voltage_above", StopCondition::Kind::kVoltageAbove, 56.0},
      {"voltage_below", StopCondition::Kind::kVoltageBelow, 45.6},
      {"cell_voltage_above", StopCondition::Kind::kCellVoltageAbove, 3.65},
      {"cell_voltage_below", StopCondition::Kind::kCellVoltageBelow, 2.5},
      {"current_below", StopCondition::Kind::kCurrentBelow, 1.0},
      {"soc_above", StopCondition::Kind::kSocAbove, 0.95},
      {"soc_below", StopCondition::Kind::kSocBelow, 0.05},
      {"temperature_above", StopCondition::Kind::kTemperatureAbove, 45.0},  // 318.15 K
  };
  EXPECT_DOUBLE_EQ(p[7].current.value, 10.0);
  EXPECT_FALSE(p[7].duration_ns.has_value());
  ASSERT_EQ(p[7].until.size(), std::size(all));
  for (const Expected& e : all) {
    const StopCondition* c = find_condition(p[7], e.key);
    ASSERT_NE(c, nullptr) << e.key;
    EXPECT_EQ(c->kind, e.kind) << e.key;
    EXPECT_NEAR(c->value, e.value, 1e-12) << e.key;
    EXPECT_FALSE(c->c_rate) << e.key;
  }

  // A rest may also stop early.
  EXPECT_EQ(p[8].duration_ns, 500'000'000);
  ASSERT_EQ(p[8].until.size(), 1u);
  EXPECT_EQ(p[8].until[0].kind, StopCondition::Kind::kTemperatureAbove);
  EXPECT_DOUBLE_EQ(p[8].until[0].value, 45.0);

  // Locations survive for later checks (sim reports /initial/units).
  EXPECT_EQ(sc->source.locate("/initial/units").line, where(kEveryField, "[{\"soc\"").line);
  EXPECT_EQ(sc->source.locate("/initial/units").column, where(kEveryField, "[{\"soc\"").column);
}

TEST(ScenarioFile, OptionalKeysTakeTheirDocumentedDefaults) {
  const TempDir dir;
  const fs::path file = dir.write(
      "min.json",
      R"({"format": "stacksim-scenario", "version": 1, "name": "min", "system": "gtx2500-x1",
          "duration": "10s", "profile": [{"rest": "10s"}]})");
  Diagnostics diags;
  const auto sc = load_scenario(file, diags);
  ASSERT_TRUE(sc.has_value()) << diags.format();
  EXPECT_EQ(sc->description, "");
  EXPECT_EQ(sc->seed, 0u);
  EXPECT_EQ(sc->step_ns, 10'000'000);  // 10 ms
  EXPECT_EQ(sc->record_ns, kSecond);
  EXPECT_FALSE(sc->stop_after_profile);
  EXPECT_EQ(sc->ambient_C, 25.0);
  EXPECT_EQ(sc->initial_soc, 0.5);
  EXPECT_EQ(sc->initial_temperature_C, 25.0);
  EXPECT_EQ(sc->initial_hysteresis, 0.0);
  EXPECT_TRUE(sc->units.empty());
  ASSERT_EQ(sc->profile.size(), 1u);
  EXPECT_EQ(sc->profile[0].duration_ns, 10 * kSecond);
}

TEST(ScenarioFile, HysteresisAfterChargeIsPlusOneAndMeanIsZero) {
  const TempDir dir;
  for (const auto& [text, value] : {std::pair<const char*, double>{"after-charge", 1.0},
                                    std::pair<const char*, double>{"mean", 0.0}}) {
    const fs::path file = dir.write(
        "h.json", std::string(R"({"format": "stacksim-scenario", "version": 1, "name": "h",
          "system": "gtx2500-x1", "duration": "10s", "initial": {"hysteresis": ")") +
                      text + R"("}, "profile": [{"rest": "10s"}]})");
    Diagnostics diags;
    const auto sc = load_scenario(file, diags);
    ASSERT_TRUE(sc.has_value()) << diags.format();
    EXPECT_EQ(sc->initial_hysteresis, value) << text;
  }
}

TEST(ScenarioFile, NestedRepeatsExpandInOrder) {
  const TempDir dir;
  const fs::path file = dir.write("r.json", R"({"format": "stacksim-scenario", "version": 1,
    "name": "r", "system": "gtx2500-x1", "duration": "1h", "step": "1s",
    "profile": [{"repeat": 2, "steps": [
      {"current": "1A", "for": "1s"},
      {"repeat": 3, "steps": [{"current": "2A", "for": "2s"}, {"current": "3A", "for": "3s"}]}]},
      {"rest": "4s"}]})");
  Diagnostics diags;
  const auto sc = load_scenario(file, diags);
  ASSERT_TRUE(sc.has_value()) << diags.format();
  // 2 x (1, 3 x (2, 3)), then the rest (current 0).
  const std::vector<double> currents = {1, 2, 3, 2, 3, 2, 3, 1, 2, 3, 2, 3, 2, 3, 0};
  ASSERT_EQ(sc->profile.size(), currents.size());
  for (std::size_t i = 0; i < currents.size(); ++i) {
    EXPECT_EQ(sc->profile[i].current.value, currents[i]) << "step " << i;
    const double expected_s = currents[i] == 0.0 ? 4.0 : currents[i];
    EXPECT_EQ(sc->profile[i].duration_ns, static_cast<std::int64_t>(expected_s) * kSecond)
        << "step " << i;
  }
}

TEST(ScenarioFile, ExpandedProfileIsBoundedToAMillionSteps) {
  const TempDir dir;
  // 1000 x (1001 x one step) = 1,001,000 steps, one more thousand than allowed.
  const fs::path file = dir.write("big.json", R"({"format": "stacksim-scenario", "version": 1,
    "name": "big", "system": "gtx2500-x1", "duration": "1000d", "step": "1s",
    "profile": [{"repeat": 1000, "steps": [{"repeat": 1001, "steps": [{"rest": "1s"}]}]}]})");
  Diagnostics diags;
  EXPECT_FALSE(load_scenario(file, diags).has_value());
  ASSERT_EQ(diags.size(), 1u) << diags.format();
  EXPECT_EQ(diags.items()[0].pointer, "/profile/0/repeat");
  EXPECT_THAT(diags.items()[0].message, HasSubstr("expected at most 1000000 profile steps"));
}

// ---------------------------------------------------------------------------
// One problem, one diagnostic

constexpr std::string_view kBase = R"({
  "format": "stacksim-scenario",
  "version": 1,
  "name": "base",
  "system": "gtx2500-x1",
  "seed": 1,
  "duration": "2m",
  "step": "1s",
  "record_every": "10s",
  "initial": {"soc": "50%", "temperature": "25C"},
  "profile": [
    {"current": "-10A", "for": "30s"},
    {"rest": "30s"}
  ]
}
)";

TEST(ScenarioFile, BaseOfTheProblemCasesIsValid) {
  const TempDir dir;
  Diagnostics diags;
  const auto sc = load_scenario(dir.write("base.json", kBase), diags);
  ASSERT_TRUE(sc.has_value()) << diags.format();
  EXPECT_EQ(sc->profile.size(), 2u);
}

struct Problem {
  const char* name;
  const char* from;  // replaced in kBase...
  const char* to;    // ...by this
  const char* pointer;
  const char* needle;  // the diagnostic is at its first character...
  int nth;             // ...in this occurrence
  const char* message;
  bool states_expectation = true;  // message contains "expected"
};

std::ostream& operator<<(std::ostream& os, const Problem& p) { return os << p.name; }

class OneProblem : public ::testing::TestWithParam<Problem> {};

TEST_P(OneProblem, GivesOneDiagnosticWithFileLineColumnPointerAndExpectation) {
  const Problem& pr = GetParam();
  std::string text(kBase);
  const std::size_t at = text.find(pr.from);
  ASSERT_NE(at, std::string::npos) << "bad test case: " << pr.from;
  text.replace(at, std::string_view(pr.from).size(), pr.to);

  const TempDir dir;
  const fs::path file = dir.write("scenario.json", text);
  Diagnostics diags;
  EXPECT_FALSE(load_scenario(file, diags).has_value());
  ASSERT_EQ(diags.size(), 1u) << diags.format();
  const Diagnostic& d = diags.items()[0];
  EXPECT_EQ(d.file, file.string());
  EXPECT_EQ(d.pointer, pr.pointer);
  const SourceLocation expected = where(text, pr.needle, pr.nth);
  ASSERT_GT(expected.line, 0) << "bad test case: needle not found";
  EXPECT_EQ(d.location.line, expected.line) << diags.format();
  EXPECT_EQ(d.location.column, expected.column) << diags.format();
  EXPECT_THAT(d.message, HasSubstr(pr.message));
  if (pr.states_expectation) {
    EXPECT_THAT(d.message, HasSubstr("expected"));
  }
  // The one line a user sees: file:line:col: /pointer: message
  std::string prefix = file.string() + ":" + std::to_string(expected.line) + ":" +
                       std::to_string(expected.column) + ": ";
  if (!std::string_view(pr.pointer).empty()) prefix += std::string(pr.pointer) + ": ";
  EXPECT_THAT(format_diagnostic(d), StartsWith(prefix));
}

constexpr const char* kStep0 = R"({"current": "-10A", "for": "30s"})";
constexpr const char* kStep1 = R"({"rest": "30s"})";

const Problem kProblems[] = {
    // Unknown keys, at every level.
    {"UnknownTopLevelKey", R"("seed": 1,)", "\"seed\": 1,\n  \"colour\": \"red\",", "/colour",
     "\"red\"", 1, "unknown key 'colour'"},
    {"UnknownKeyInInitial", R"("temperature": "25C"})", R"("temperature": "25C", "sco": "40%"})",
     "/initial/sco", "\"40%\"", 1, "unknown key 'sco'"},
    {"UnknownKeyInUntil", kStep0,
     R"({"current": "-10A", "for": "30s", "until": {"voltage_beloww": "45V"}})",
     "/profile/0/until/voltage_beloww", "\"45V\"", 1, "unknown key 'voltage_beloww'"},
    {"UnknownKeyInStep", kStep1, R"({"rest": "30s", "for": "30s"})", "/profile/1/for", "\"30s\"", 3,
     "unknown key 'for'"},
    // Missing required keys: reported at the object that lacks them.
    {"MissingTopLevelKey", "  \"system\": \"gtx2500-x1\",\n", "", "", "{", 1,
     "missing key 'system'"},
    {"MissingCurrentLimit", kStep0, R"({"voltage": "55V", "for": "30s"})", "/profile/0",
     "{\"voltage\"", 1, "missing key 'current_limit'"},
    {"MissingRepeatSteps", kStep1, R"({"repeat": 2})", "/profile/1", "{\"repeat\"", 1,
     "missing key 'steps'"},
    // Wrong types.
    {"StringForInteger", R"("seed": 1)", R"("seed": "1")", "/seed", "\"1\"", 1,
     "expected an integer"},
    {"StringForBoolean", R"("seed": 1,)", "\"seed\": 1,\n  \"stop_after_profile\": \"yes\",",
     "/stop_after_profile", "\"yes\"", 1, "expected true or false"},
    {"NumberForString", R"("name": "base")", R"("name": 5)", "/name", "5,", 1, "expected a string"},
    {"NumberForQuantity", R"("current": "-10A")", R"("current": -10)", "/profile/0/current", "-10,",
     1, "got number -10"},
    {"ArrayForInitial", R"({"soc": "50%", "temperature": "25C"})", "[]", "/initial", "[]", 1,
     "expected an object"},
    {"StepNotAnObject", kStep1, R"("rest 30s")", "/profile/1", "\"rest 30s\"", 1,
     "expected an object"},
    // Quantities without or with the wrong unit.
    {"CurrentWithoutUnit", R"("current": "-10A")", R"("current": "25")", "/profile/0/current",
     "\"25\"", 1, "the unit is missing"},
    {"CurrentInVolts", R"("current": "-10A")", R"("current": "25V")", "/profile/0/current",
     "\"25V\"", 1, "unknown unit 'V'"},
    {"TemperatureWithoutUnit", R"("temperature": "25C")", R"("temperature": "25")",
     "/initial/temperature", "\"25\"", 1, "the unit is missing"},
    {"SocAsAFraction", R"("soc": "50%")", R"("soc": "0.5")", "/initial/soc", "\"0.5\"", 1,
     "the unit is missing"},
    {"DurationWithoutUnit", R"("duration": "2m")", R"("duration": "120")", "/duration", "\"120\"",
     1, "the unit is missing"},
    {"VoltageConditionInAmps", kStep0, R"({"current": "-10A", "until": {"voltage_below": "45A"}})",
     "/profile/0/until/voltage_below", "\"45A\"", 1, "unknown unit 'A'"},
    // Out of range.
    {"SocAbove100", R"("soc": "50%")", R"("soc": "120%")", "/initial/soc", "\"120%\"", 1,
     "between 0% and 100%"},
    {"TemperatureAbove80", R"("temperature": "25C")", R"("temperature": "95C")",
     "/initial/temperature", "\"95C\"", 1, "between -40C and 80C"},
    {"CRateAbove100", R"("current": "-10A")", R"("current": "-150C")", "/profile/0/current",
     "\"-150C\"", 1, "between -100C and 100C"},
    {"NegativeSeed", R"("seed": 1)", R"("seed": -1)", "/seed", "-1", 1, "expected an integer"},
    {"Version2", R"("version": 1)", R"("version": 2)", "/version", "2,", 1, "[1, 1]"},
    {"WrongFormat", R"("stacksim-scenario")", R"("stacksim-system")", "/format",
     "\"stacksim-system\"", 1, "one of: stacksim-scenario"},
    {"NegativeCurrentLimit", kStep0, R"({"voltage": "55V", "current_limit": "-5A", "for": "30s"})",
     "/profile/0/current_limit", "\"-5A\"", 1, "positive current limit"},
    {"NegativeCRateCondition", kStep0,
     R"({"current": "-10A", "until": {"current_below": "-0.1C"}})",
     "/profile/0/until/current_below", "\"-0.1C\"", 1, "positive C-rate"},
    {"SocConditionAbove100", kStep0, R"({"current": "-10A", "until": {"soc_above": "101%"}})",
     "/profile/0/until/soc_above", "\"101%\"", 1, "between 0% and 100%"},
    {"RepeatZero", kStep1, R"({"repeat": 0, "steps": [{"rest": "1s"}]})", "/profile/1/repeat", "0,",
     1, "[1, 1000000]"},
    {"UnknownHysteresis", R"("temperature": "25C"})",
     R"("temperature": "25C", "hysteresis": "charged"})", "/initial/hysteresis", "\"charged\"", 1,
     "one of: mean, after-charge, after-discharge"},
    {"EmptyUnits", R"("temperature": "25C"})", R"("temperature": "25C", "units": []})",
     "/initial/units", "[]", 1, "non-empty array"},
    // Profile steps.
    {"StepWithTwoKinds", kStep1, R"({"rest": "30s", "current": "1A"})", "/profile/1", "{\"rest\"",
     1, "exactly one of 'rest', 'current', 'power', 'voltage' or 'repeat'"},
    {"StepWithNoKind", kStep1, R"({"for": "30s"})", "/profile/1", "{\"for\"", 1,
     "expected one of 'rest', 'current', 'power', 'voltage' or 'repeat'"},
    {"StepWithNeitherForNorUntil", kStep0, R"({"current": "-10A"})", "/profile/0", "{\"current\"",
     1, "expected 'for' (a duration), 'until' (stop conditions) or both"},
    {"EmptyUntil", kStep0, R"({"current": "-10A", "until": {}})", "/profile/0/until", "{}", 1,
     "at least one condition"},
    {"UntilWithOnlyABadValue", kStep0, R"({"current": "-10A", "until": {"voltage_below": "45"}})",
     "/profile/0/until/voltage_below", "\"45\"", 1, "the unit is missing"},
    {"EmptyProfile",
     "[\n    {\"current\": \"-10A\", \"for\": \"30s\"},\n    {\"rest\": \"30s\"}\n  ]", "[]",
     "/profile", "[]", 1, "non-empty array of profile steps"},
    {"ZeroRest", kStep1, R"({"rest": "0s"})", "/profile/1/rest", "\"0s\"", 1, "longer than 0s"},
    {"StepDurationOffTheStepGrid", R"("for": "30s")", R"("for": "30.5s")", "/profile/0/for",
     "\"30.5s\"", 1, "whole multiple of the step (1s)"},
    // The scenario's timing.
    {"DurationNotAMultipleOfTheStep", R"("duration": "2m")", R"("duration": "90.5s")", "/duration",
     "\"90.5s\"", 1, "whole multiple of the step (1s)"},
    {"RecordEveryNotAMultipleOfTheStep", R"("record_every": "10s")", R"("record_every": "1500ms")",
     "/record_every", "\"1500ms\"", 1, "whole multiple of the step (1s)"},
    // A wrong step is reported once; nothing else is then judged against it.
    {"StepWithoutUnit", "\"step\": \"1s\",\n  \"record_every\": \"10s\"",
     "\"step\": \"1\",\n  \"record_every\": \"15ms\"", "/step", "\"1\"", 1, "the unit is missing"},
    {"ZeroStep", R"("step": "1s")", R"("step": "0s")", "/step", "\"0s\"", 1, "longer than 0s"},
    {"ProfileLongerThanTheDuration", kStep1, R"({"rest": "100s"})", "/profile/1", "{\"rest\"", 1,
     "expected the profile to fit in the duration (2m); this step ends after 2m10s"},
    // Syntax: malformed JSON and duplicate keys, with line and column.
    {"MalformedJson", R"("seed": 1,)", R"("seed": 1,,)", "", ",\n  \"duration\"", 1,
     "unexpected ','"},
    {"DuplicateTopLevelKey", R"("seed": 1,)", "\"seed\": 1,\n  \"seed\": 2,", "/seed",
     "\"seed\": 2", 1, "duplicate key 'seed' (first at line 6)", false},
    {"DuplicateNestedKey", kStep1, R"({"rest": "30s", "rest": "20s"})", "/profile/1/rest",
     "\"rest\": \"20s\"", 1, "duplicate key 'rest' (first at line 13)", false},
};

INSTANTIATE_TEST_SUITE_P(ScenarioFile, OneProblem, ::testing::ValuesIn(kProblems),
                         [](const ::testing::TestParamInfo<Problem>& p) {
                           return std::string(p.param.name);
                         });

TEST(ScenarioFile, UnreadableFileIsOneDiagnosticNamingIt) {
  const TempDir dir;
  const fs::path missing = dir.path() / "no-such-scenario.json";
  Diagnostics diags;
  EXPECT_FALSE(load_scenario(missing, diags).has_value());
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags.items()[0].file, missing.string());
  EXPECT_THAT(diags.items()[0].message, HasSubstr("expected a readable scenario file"));
}

// ---------------------------------------------------------------------------
// Several problems: all of them, at once

TEST(ScenarioFile, SeveralProblemsAreAllReportedAtOnce) {
  constexpr std::string_view kText = R"({
  "format": "stacksim-scenario",
  "version": 1,
  "name": "many",
  "system": "gtx2500-x1",
  "seed": "1",
  "colour": "red",
  "duration": "90.5s",
  "step": "1s",
  "record_every": "1500ms",
  "initial": {"soc": "50"},
  "profile": [
    {"current": "-10A", "rest": "30s", "for": "30s"},
    {"current": "1A"},
    {"rest": "10s", "until": {"sco_below": "10%"}},
    {"current": "25V", "for": "10s"}
  ]
}
)";
  const TempDir dir;
  const fs::path file = dir.write("many.json", kText);
  Diagnostics diags;
  EXPECT_FALSE(load_scenario(file, diags).has_value());
  // Each problem and where it is (the value, or the object for a step).
  const std::map<std::string, std::string> expected = {
      {"/seed", "\"1\""},
      {"/colour", "\"red\""},
      {"/duration", "\"90.5s\""},
      {"/record_every", "\"1500ms\""},
      {"/initial/soc", "\"50\""},
      {"/profile/0", "{\"current\": \"-10A\", \"rest\""},
      {"/profile/1", "{\"current\": \"1A\"}"},
      {"/profile/2/until/sco_below", "\"10%\""},
      {"/profile/3/current", "\"25V\""},
  };
  EXPECT_EQ(diags.size(), expected.size()) << diags.format();
  std::set<std::string> got;
  for (const Diagnostic& d : diags.items()) {
    EXPECT_TRUE(got.insert(d.pointer).second) << "reported twice: " << format_diagnostic(d);
    EXPECT_EQ(d.file, file.string());
    EXPECT_THAT(d.message, HasSubstr("expected")) << format_diagnostic(d);
    const auto it = expected.find(d.pointer);
    if (it == expected.end()) {
      ADD_FAILURE() << "unexpected: " << format_diagnostic(d);
      continue;
    }
    EXPECT_EQ(d.location, where(kText, it->second)) << format_diagnostic(d);
  }
  for (const auto& [pointer, needle] : expected) {
    EXPECT_EQ(got.count(pointer), 1u) << "not reported: " << pointer;
  }
}

TEST(ScenarioFile, EveryDuplicateKeyIsReportedAtOnce) {
  constexpr std::string_view kText = R"({"format": "stacksim-scenario", "version": 1,
  "name": "a", "name": "b", "system": "gtx2500-x1", "duration": "10s",
  "profile": [{"rest": "10s", "rest": "5s"}]}
)";
  const TempDir dir;
  Diagnostics diags;
  EXPECT_FALSE(load_scenario(dir.write("dup.json", kText), diags).has_value());
  ASSERT_EQ(diags.size(), 2u) << diags.format();
  EXPECT_EQ(diags.items()[0].pointer, "/name");
  EXPECT_EQ(diags.items()[0].location, where(kText, "\"name\": \"b\""));
  EXPECT_EQ(diags.items()[1].pointer, "/profile/0/rest");
  EXPECT_EQ(diags.items()[1].location, where(kText, "\"rest\": \"5s\""));
}

}  // namespace
}  // namespace stacksim::scenario
