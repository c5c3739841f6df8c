// `stacksim test` through the real binary: a suite's verdicts and exit code,
// JUnit XML, results independent of -j, shards that partition the suite, and
// --compare finding a changed frame.
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace {

using stacksim::cli_testing::Result;
using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A GTX3000-H4 behind the virtual inverter (so the PCS bus carries frames)
// discharging at `current` for 2 min with a loose thermistor at 1 min;
// `expect` judges it.
std::string scenario(const std::string& name, const std::string& current, const std::string& expect) {
  return R"({"format": "stacksim-scenario", "version": 1, "name": ")" + name +
         R"(", "system": "gtx3000-h4", "duration": "2m", "inverter": {}, "profile": [{"current": ")" + current +
         R"(", "for": "2m"}], "timeline": [{"name": "loose", "at": "1m", "fault": "temperature_sensor", "unit": 1, "module": 1, "sensor": 1, "mode": "open"}], "expect": [)" +
         expect + "]}";
}

constexpr const char* kDiagnosed =
    R"({"name": "diagnosed", "probe": "fault", "diagnosis": "temp_sensor", "is": "raised", "within": "10s", "after": "loose"})";
constexpr const char* kTooEarly =
    R"({"name": "too early", "probe": "fault", "diagnosis": "temp_sensor", "is": "raised", "by": "30s"})";

class TestCommand : public stacksim::cli_testing::CliTest {
 protected:
  // suite/a.json passes, suite/b/c.json misses one expectation, suite/b/d.json passes.
  fs::path make_suite() {
    const fs::path suite = dir_ / "suite";
    fs::create_directories(suite / "b");
    std::ofstream(suite / "a.json") << scenario("a", "-10A", kDiagnosed);
    std::ofstream(suite / "b" / "c.json") << scenario("c", "-10A", kTooEarly);
    std::ofstream(suite / "b" / "d.json") << scenario("d", "-20A", kDiagnosed);
    return suite;
  }
};

TEST_F(TestCommand, RunsEverySuiteMemberAndWritesJUnit) {
  const fs::path suite = make_suite();
  const fs::path out = dir_ / "out", junit = dir_ / "junit.xml";
  const Result r = stacksim({"test", suite.string(), "--out", out.string(), "--junit", junit.string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  // Sorted order, whatever finished first.
  EXPECT_THAT(r.out, HasSubstr("PASS  a\nFAIL  b/c\n      missed at 30.000 s: too early (not at 30s; it read clear)\nPASS  b/d\n"));
  EXPECT_THAT(r.out, HasSubstr("3 scenarios: 2 passed, 1 failed, 0 errors"));
  const std::string xml = read(junit);
  EXPECT_THAT(xml, HasSubstr("<testsuites tests=\"3\" failures=\"1\" errors=\"0\">"));
  EXPECT_THAT(xml, HasSubstr("<testcase classname=\"b\" name=\"c\""));
  EXPECT_THAT(xml, HasSubstr("<failure message=\"missed at 30.000 s: too early (not at 30s; it read clear)\">"));
  // The firmware's log lines up to the miss come with it.
  EXPECT_THAT(xml, HasSubstr("firmware.log before the first miss:\n  "));
  EXPECT_THAT(xml, HasSubstr("string1/bcu info state shutdown -&gt; starting"));
  EXPECT_TRUE(fs::exists(out / "b" / "d" / "summary.json"));
}

TEST_F(TestCommand, ResultsDoNotDependOnJobs) {
  const fs::path suite = make_suite();
  const Result one = stacksim({"test", suite.string(), "-j", "1", "--out", (dir_ / "j1").string(), "--junit",
                               (dir_ / "j1.xml").string()});
  const Result two = stacksim({"test", suite.string(), "-j", "2", "--out", (dir_ / "j2").string(), "--junit",
                               (dir_ / "j2.xml").string()});
  EXPECT_EQ(one.exit_code, two.exit_code);
  for (const char* name : {"a", "b/c", "b/d"}) {
    for (const char* file : {"summary.json", "signals.csv", "firmware.log", "bus-pcs.log", "rs485-string1-internal.log"}) {
      const std::string a = read(dir_ / "j1" / name / file);
      EXPECT_FALSE(a.empty()) << name << "/" << file;
      EXPECT_EQ(a, read(dir_ / "j2" / name / file)) << name << "/" << file;
    }
  }
  // The JUnit files differ only in the output folder each run was told.
  const std::string x1 = std::regex_replace(read(dir_ / "j1.xml"), std::regex("/j1/"), "/J/");
  const std::string x2 = std::regex_replace(read(dir_ / "j2.xml"), std::regex("/j2/"), "/J/");
  EXPECT_EQ(x1, x2);
}

TEST_F(TestCommand, ShardsPartitionTheSuite) {
  const fs::path suite = make_suite();
  const Result s1 = stacksim({"test", suite.string(), "--shard", "1/2", "--out", (dir_ / "s1").string()});
  const Result s2 = stacksim({"test", suite.string(), "--shard", "2/2", "--out", (dir_ / "s2").string()});
  // Sorted a, b/c, b/d: shard 1 takes the 1st and 3rd, shard 2 the 2nd.
  EXPECT_THAT(s1.out, HasSubstr("PASS  a\nPASS  b/d\n2 scenarios"));
  EXPECT_THAT(s2.out, HasSubstr("FAIL  b/c\n"));
  EXPECT_THAT(s2.out, HasSubstr("1 scenario: 0 passed, 1 failed"));
  EXPECT_EQ(s1.exit_code, 0);
  EXPECT_EQ(s2.exit_code, 1);
  const Result bad = stacksim({"test", suite.string(), "--shard", "3/2"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--shard: expected K/N with 1 <= K <= N (e.g. 2/4), got \"3/2\""));
}

TEST_F(TestCommand, CompareFindsAChangedFrame) {
  const fs::path suite = make_suite();
  const fs::path ref = dir_ / "ref";
  ASSERT_EQ(stacksim({"test", suite.string(), "--out", ref.string()}).exit_code, 1);
  // Unchanged: every run agrees with the reference.
  const Result same = stacksim({"test", suite.string(), "--out", (dir_ / "same").string(), "--compare", ref.string()});
  EXPECT_THAT(same.out, HasSubstr("PASS  a\n"));
  EXPECT_THAT(same.out, Not(HasSubstr("differs")));
  // a.json now discharges at 11 A: the BCU reports another current to the PCS.
  std::ofstream(suite / "a.json") << scenario("a", "-11A", kDiagnosed);
  const Result changed = stacksim({"test", suite.string(), "--out", (dir_ / "new").string(), "--compare", ref.string()});
  EXPECT_EQ(changed.exit_code, 1);
  EXPECT_THAT(changed.out, HasSubstr("FAIL  a\n      differs: bus-pcs.log line "));
  EXPECT_THAT(changed.out, HasSubstr(": first difference at "));
  EXPECT_THAT(changed.out, HasSubstr("differs: rs485-string1-internal.log line "));
  EXPECT_THAT(changed.out, HasSubstr("PASS  b/d\n"));
}

TEST_F(TestCommand, MissingPathIsInvalidInput) {
  const Result r = stacksim({"test", (dir_ / "nowhere").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("nowhere: expected a scenario file or a directory of them; it does not exist"));
}

// --firmware goes to every scenario whose system has the role: the pack
// scenario runs the plugin, the GTX3000 one (bcu and module roles) the
// built-in firmware, and both are judged as usual.
TEST_F(TestCommand, FirmwareGoesToTheScenariosWithThatRole) {
  const fs::path suite = dir_ / "mixed";
  fs::create_directories(suite);
  std::ofstream(suite / "hv.json") << scenario("hv", "-10A", kDiagnosed);
  std::ofstream(suite / "lv.json") << R"({"format": "stacksim-scenario", "version": 1, "name": "lv",
    "system": "gtx5000-x1", "duration": "1m", "profile": [{"rest": "1m"}],
    "expect": [{"probe": "state", "is": "standby", "during": ["30s", "1m"]}]})";
  const fs::path out = dir_ / "out";
  const Result r = stacksim({"test", suite.string(), "--out", out.string(), "--firmware", std::string("pack=") + REFERENCE_FW});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto origin = [&](const char* name) {
    std::ifstream in(out / name / "summary.json");
    return nlohmann::json::parse(in)["bms"]["firmware"][0]["origin"].get<std::string>();
  };
  EXPECT_EQ(origin("lv"), REFERENCE_FW);
  EXPECT_EQ(origin("hv"), "built-in");
}

}  // namespace
