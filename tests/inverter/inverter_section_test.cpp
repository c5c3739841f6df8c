// The scenario's "inverter" section (src/scenario/inverter_section.cpp): a
// full section loads as written (values converted by hand), an empty one
// takes the documented defaults, and every mistake is one diagnostic with its
// JSON pointer, all reported at once.
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "scenario/scenario.hpp"

namespace stacksim::scenario {
namespace {

namespace fs = std::filesystem;
constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kHour = 3600 * kSecond;

// The scenario around an inverter section (and, optionally, other top-level
// keys); the profile is left out with a site demand.
std::string scenario_text(const std::string& inverter, const std::string& extra = "",
                          bool profile = true) {
  return std::string(R"({"format": "stacksim-scenario", "version": 1, "name": "t", "system": "gtx5000-x1",
  "duration": "2h", )") +
         extra + (profile ? R"("profile": [{"current": "-10A", "for": "1h"}], )" : "") +
         R"("inverter": )" + inverter + "}\n";
}

struct Loaded {
  std::optional<Scenario> scenario;
  Diagnostics diags;
};

Loaded load(const std::string& text) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const fs::path file = fs::temp_directory_path() /
                        ("stacksim-inverter-section-" + std::string(info->name()) + "-" +
                         std::to_string(::getpid()) + ".json");
  {
    std::ofstream out(file, std::ios::binary);
    out << text;
  }
  Loaded l;
  l.scenario = load_scenario(file, l.diags);
  fs::remove(file);
  return l;
}

std::set<std::string> pointers(const Diagnostics& d) {
  std::set<std::string> out;
  for (const auto& item : d.items()) out.insert(item.pointer);
  return out;
}

TEST(InverterSection, EveryKeyLoadsAsWritten) {
  const Loaded l = load(scenario_text(R"({
    "protocol": "pylon-hv", "address": 3, "comm_timeout": "90s", "demand": "site",
    "site": {
      "load": {"daily": [{"at": "00:00", "power": "300W"}, {"at": "18:30", "power": "2.5kW"}]},
      "pv": {"series": [{"at": "0s", "power": "0W"}, {"at": "6h", "power": "4kW"}]},
      "grid_outages": [{"at": "1h", "for": "30m"}],
      "tariff_windows": [{"from": "23:00", "to": "05:00", "charge_power": "3kW"}],
      "export_limit": "600W"
    },
    "force_charge_power": "1kW",
    "full_charge": {"from": "02:00", "to": "04:30", "power": "2kW"},
    "ramp_per_second": "0.1C",
    "misbehaviour": [
      {"kind": "ignore_limits", "at": "10m", "for": "5m"},
      {"kind": "silent", "at": "20m"},
      {"kind": "malformed_frames", "at": "30m", "for": "1m", "every": "100ms"},
      {"kind": "out_of_range", "at": "40m", "for": "1m"},
      {"kind": "wrong_address", "at": "50m", "for": "1m", "address": 9}
    ]
  })", "", false));
  ASSERT_TRUE(l.scenario) << l.diags.format();
  ASSERT_TRUE(l.scenario->inverter);
  const InverterSetup& s = *l.scenario->inverter;
  EXPECT_EQ(s.protocol, "pylon-hv");
  EXPECT_EQ(s.pointer, "/inverter");
  EXPECT_EQ(s.address, 3);
  EXPECT_EQ(s.comm_timeout_ns, 90 * kSecond);
  EXPECT_EQ(s.demand, InverterSetup::Demand::kSite);
  EXPECT_EQ(s.site.load.kind, PowerCurve::Kind::kDaily);
  ASSERT_EQ(s.site.load.points.size(), 2u);
  EXPECT_EQ(s.site.load.points[1].at_ns, 18 * kHour + 30 * 60 * kSecond);
  EXPECT_DOUBLE_EQ(s.site.load.points[1].power_W, 2500.0);
  EXPECT_EQ(s.site.pv.kind, PowerCurve::Kind::kSeries);
  EXPECT_EQ(s.site.pv.points[1].at_ns, 6 * kHour);
  EXPECT_DOUBLE_EQ(s.site.pv.points[1].power_W, 4000.0);
  ASSERT_EQ(s.site.grid_outages.size(), 1u);
  EXPECT_EQ(s.site.grid_outages[0].from_ns, kHour);
  EXPECT_EQ(s.site.grid_outages[0].to_ns, kHour + kHour / 2);
  ASSERT_EQ(s.site.tariffs.size(), 1u);
  EXPECT_EQ(s.site.tariffs[0].window.from_ns, 23 * kHour);
  EXPECT_EQ(s.site.tariffs[0].window.to_ns, 5 * kHour);
  EXPECT_DOUBLE_EQ(s.site.tariffs[0].charge_power_W, 3000.0);
  EXPECT_DOUBLE_EQ(*s.site.export_limit_W, 600.0);
  EXPECT_DOUBLE_EQ(s.force_charge_power_W, 1000.0);
  EXPECT_EQ(s.full_charge_window.from_ns, 2 * kHour);
  EXPECT_EQ(s.full_charge_window.to_ns, 4 * kHour + kHour / 2);
  EXPECT_DOUBLE_EQ(*s.full_charge_power_W, 2000.0);
  EXPECT_DOUBLE_EQ(*s.ramp_per_s, 0.1);
  EXPECT_TRUE(s.ramp_c_rate);
  ASSERT_EQ(s.misbehaviour.size(), 5u);
  EXPECT_EQ(s.misbehaviour[0].kind, MisbehaviourKind::kIgnoreLimits);
  EXPECT_EQ(s.misbehaviour[0].window.from_ns, 600 * kSecond);
  EXPECT_EQ(s.misbehaviour[0].window.to_ns, 900 * kSecond);
  EXPECT_EQ(s.misbehaviour[1].window.to_ns, INT64_MAX);  // no "for": to the end
  EXPECT_EQ(s.misbehaviour[2].every_ns, 100'000'000);
  EXPECT_EQ(s.misbehaviour[3].every_ns, kSecond);        // default
  EXPECT_EQ(s.misbehaviour[4].address, 9);
  EXPECT_EQ(s.misbehaviour[4].pointer, "/inverter/misbehaviour/4");
  EXPECT_TRUE(l.scenario->profile.empty());
}

TEST(InverterSection, AnEmptySectionTakesTheDefaults) {
  const Loaded l = load(scenario_text("{}"));
  ASSERT_TRUE(l.scenario) << l.diags.format();
  const InverterSetup& s = *l.scenario->inverter;
  EXPECT_EQ(s.protocol, "auto");
  EXPECT_FALSE(s.address);
  EXPECT_FALSE(s.comm_timeout_ns);
  EXPECT_EQ(s.demand, InverterSetup::Demand::kProfile);
  EXPECT_DOUBLE_EQ(s.force_charge_power_W, 500.0);
  EXPECT_EQ(s.full_charge_window.from_ns, 3 * kHour);  // 03:00-06:00 [GTX5000]
  EXPECT_EQ(s.full_charge_window.to_ns, 6 * kHour);
  EXPECT_FALSE(s.full_charge_power_W);
  EXPECT_FALSE(s.ramp_per_s);
  EXPECT_TRUE(s.misbehaviour.empty());
}

TEST(InverterSection, AScenarioWithoutTheSectionHasNoInverter) {
  const std::string text = R"({"format": "stacksim-scenario", "version": 1, "name": "t", "system": "gtx5000-x1",
    "duration": "1h", "profile": [{"rest": "1h"}]})";
  const Loaded l = load(text);
  ASSERT_TRUE(l.scenario) << l.diags.format();
  EXPECT_FALSE(l.scenario->inverter);
}

TEST(InverterSection, EveryMistakeIsReportedAtOnceWithItsPointer) {
  const Loaded l = load(scenario_text(R"({
    "protocol": "canopen", "address": 16, "comm_timeout": "5ms", "colour": "blue",
    "site": {"load": "1kW"},
    "force_charge_power": "-5W",
    "full_charge": {"from": "25:00", "to": "06:00"},
    "ramp_per_second": "0A",
    "misbehaviour": [
      {"kind": "dance", "at": "1m"},
      {"kind": "wrong_address", "at": "1m"},
      {"kind": "silent", "at": "1m", "every": "1s"},
      {"kind": "out_of_range", "at": "1m", "every": "15ms"}
    ]
  })", R"("step": "10ms", )"));
  EXPECT_FALSE(l.scenario);
  const std::set<std::string> expected = {
      "/inverter/protocol", "/inverter/address", "/inverter/comm_timeout", "/inverter/colour",
      "/inverter/site", "/inverter/force_charge_power", "/inverter/full_charge/from",
      "/inverter/ramp_per_second", "/inverter/misbehaviour/0/kind", "/inverter/misbehaviour/1",
      "/inverter/misbehaviour/2/every", "/inverter/misbehaviour/3/every"};
  EXPECT_EQ(pointers(l.diags), expected) << l.diags.format();
  // One diagnostic each: the unknown key "colour", the missing address of
  // the wrong_address window, the unknown "every" of a silent window.
  EXPECT_EQ(l.diags.size(), expected.size()) << l.diags.format();
  const std::string all = l.diags.format();
  for (const char* word : {"colour", "canopen", "pylon-lv", "address", "every", "'site'"}) {
    EXPECT_NE(all.find(word), std::string::npos) << word << "\n" << all;
  }
}

TEST(InverterSection, CurvesAreCheckedPointByPoint) {
  const Loaded l = load(scenario_text(R"({"demand": "site", "site": {
      "load": {"daily": [{"at": "12:00", "power": "1kW"}, {"at": "06:00", "power": "1kW"}]},
      "pv": {"series": [{"at": "1h", "power": "-1kW"}], "daily": []},
      "grid_outages": [{"at": "1h"}],
      "tariff_windows": [{"from": "02:00", "to": "02:00", "charge_power": "1kW"}]
    }})", "", false));
  EXPECT_FALSE(l.scenario);
  const std::set<std::string> expected = {"/inverter/site/load/daily/1/at", "/inverter/site/pv",
                                          "/inverter/site/grid_outages/0",
                                          "/inverter/site/tariff_windows/0/to"};
  EXPECT_EQ(pointers(l.diags), expected) << l.diags.format();
}

TEST(InverterSection, ASiteDemandReplacesTheProfile) {
  // No profile with a site: valid. A profile too, or stop_after_profile: not.
  EXPECT_TRUE(load(scenario_text(R"({"demand": "site", "site": {}})", "", false)).scenario);
  Loaded l = load(scenario_text(R"({"demand": "site", "site": {}})"));
  EXPECT_EQ(pointers(l.diags), std::set<std::string>{"/profile"}) << l.diags.format();
  l = load(scenario_text(R"({"demand": "site", "site": {}})", R"("stop_after_profile": true, )", false));
  EXPECT_EQ(pointers(l.diags), std::set<std::string>{"/stop_after_profile"}) << l.diags.format();
  // A site demand without its site.
  l = load(scenario_text(R"({"demand": "site"})", "", false));
  EXPECT_EQ(pointers(l.diags), std::set<std::string>{"/inverter"}) << l.diags.format();
}

TEST(InverterSection, TheInverterNeedsABms) {
  const Loaded l = load(scenario_text("{}", R"("bms": {"firmware": "none"}, )"));
  EXPECT_EQ(pointers(l.diags), std::set<std::string>{"/inverter"}) << l.diags.format();
}

TEST(InverterSection, TimesOfDay) {
  EXPECT_EQ(parse_time_of_day_ns("00:00"), 0);
  EXPECT_EQ(parse_time_of_day_ns("03:00"), 3 * kHour);
  EXPECT_EQ(parse_time_of_day_ns("23:59:59"), 24 * kHour - kSecond);
  EXPECT_EQ(parse_time_of_day_ns("24:00"), 24 * kHour);
  for (const char* bad : {"24:01", "3:00", "03:60", "03:00:60", "0300", "03:00 ", "ab:cd", ""}) {
    EXPECT_FALSE(parse_time_of_day_ns(bad)) << bad;
  }
}

}  // namespace
}  // namespace stacksim::scenario
