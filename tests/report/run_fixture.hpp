// A small finished run written by hand: signals.csv of one GTX3000 string
// with its BMS and one inverter column, and a summary.json with faults,
// expectations and a verdict, in a fresh directory per test.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace stacksim::report::fixture {

namespace fs = std::filesystem;

// Line numbers matter to the tests: line 1 is the header, line 5 the row at 30 s.
constexpr std::string_view kSignalsCsv =
    "time_s,step,voltage_V,current_A,power_W,soc_pct,cell_min_V,cell_max_V,temp_min_C,temp_max_C,"
    "string1_voltage_V,string1_current_A,string1_soc_pct,string1_cell_min_V,string1_cell_max_V,"
    "string1_temp_min_C,string1_temp_max_C,string1_bms_state,string1_bms_soc_pct,string1_charge_limit_A,"
    "string1_discharge_limit_A,string1_alarms,string1_protections,string1_faults,string1_path_closed,inv_mode\n"
    "0.000,0,213.2480,0.0000,0.00,80.0000,3.3320,3.3320,25.000,25.000,"
    "213.2480,0.0000,80.0000,3.3320,3.3320,25.000,25.000,off,,,,,,,0,current\n"
    "10.000,1,211.5075,-25.0000,-5287.69,79.9648,3.3109,3.3122,24.999,24.999,"
    "211.5075,-25.0000,79.9648,3.3109,3.3122,24.999,24.999,discharge,81.7,30.000,30.000,0x00000000,0x00000000,0x00000000,1,cv\n"
    "20.000,1,210.0000,-25.0000,-5250.00,79.9000,3.2900,3.3000,25.100,25.300,"
    "210.0000,-25.0000,79.9000,3.2900,3.3000,25.100,25.300,discharge,81.5,30.000,30.000,0x00000002,0x00000000,0x00000000,1,cv\n"
    "30.000,2,208.0000,0.0000,0.00,79.8500,3.2500,3.2800,25.200,25.400,"
    "208.0000,0.0000,79.8500,3.2500,3.2800,25.200,25.400,protect,81.4,30.000,0.000,0x0000000a,0x00000002,0x00000000,0,cv\n"
    "40.000,0,209.0000,0.0000,0.00,79.8500,3.2600,3.2900,25.200,25.300,"
    "209.0000,0.0000,79.8500,3.2600,3.2900,25.200,25.300,protect,81.4,30.000,0.000,0x00000000,0x00000002,0x00000004,0,cv\n";

constexpr std::string_view kSummaryJson = R"({
  "stacksim_version": "0.1.0",
  "scenario": {"file": "scenarios/test/fixture.json", "name": "fixture-run", "sha256": "abc123"},
  "seed": 7,
  "system": {"name": "gtx3000-h4", "product": "gtx3000", "units": 1, "modules_per_unit": 4,
             "cell": "lfp-prismatic-50ah"},
  "result": "completed",
  "simulated": "40s",
  "simulated_s": 40.0,
  "bms": {"protection_rows": ["cell_over_voltage", "cell_under_voltage", "pack_over_voltage",
                              "pack_under_voltage"],
          "units": [{"name": "string1", "state": "protect"}]},
  "faults": [{"name": "cell3-open", "fault": "cell_voltage_sensor", "mode": "open_wire",
              "target": "unit 1 module 2 cell 3", "at_s": 15.0, "until_s": null, "detected_s": 21.5,
              "detection_time_s": 6.5, "detected_by": "unit 1 alarm cell_under_voltage",
              "reacted_s": null, "reaction_time_s": null}],
  "expectations": [{"name": "protect within 20s", "rule": "state is protect within 20s after cell3-open",
                    "pointer": "/expect/0", "result": "met", "at_s": 30.0, "detail": "state protect at 30s"},
                   {"name": "no fault bit", "rule": "no fault bit", "result": "missed", "at_s": null,
                    "detail": "faults 0x4 at 40s"}],
  "verdict": "failed"
}
)";

inline void write_text(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

inline std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Replaces line `number` (1-based) of `text`.
inline std::string with_line(std::string_view text, int number, const std::string& line) {
  std::istringstream in{std::string(text)};
  std::string out, current;
  for (int n = 1; std::getline(in, current); ++n) out += (n == number ? line : current) + "\n";
  return out;
}

inline std::string line_of(std::string_view text, int number) {
  std::istringstream in{std::string(text)};
  std::string line;
  for (int n = 1; n <= number; ++n) std::getline(in, line);
  return line;
}

// Line `number` with its first field (time_s) replaced.
inline std::string with_time(std::string_view text, int number, const std::string& time) {
  const std::string row = line_of(text, number);
  return with_line(text, number, time + row.substr(row.find(',')));
}

// A fresh directory named after the running test (CTest runs the cases in
// parallel processes), removed with everything in it when it goes.
class ScratchDir {
 public:
  ScratchDir() {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() / ("stacksim-report-" + std::string(test->test_suite_name()) + "-" +
                                         test->name() + "-" + std::to_string(::getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Tests on a run folder: the fixture's two files written on demand.
class RunDirTest : public ::testing::Test {
 protected:
  void write_run(std::string_view csv = kSignalsCsv, std::string_view summary = kSummaryJson) {
    write_text(dir_ / "signals.csv", csv);
    write_text(dir_ / "summary.json", summary);
  }

  ScratchDir scratch_;
  const fs::path& dir_ = scratch_.path();
};

}  // namespace stacksim::report::fixture
