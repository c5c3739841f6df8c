// signals.csv read back (src/report/signals_csv_reader.cpp): columns by name,
// gaps, runs of states and bits, and every refusal naming file and line.
#include "report/signals_csv_reader.hpp"

#include <cmath>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "run_fixture.hpp"

namespace stacksim::report {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using fixture::kSignalsCsv;
using fixture::with_line;
using fixture::with_time;

std::optional<Signals> read(std::string_view text, std::string& error) {
  std::istringstream in{std::string(text)};
  return read_signals_csv(in, "run/signals.csv", error);
}

TEST(SignalsCsvReader, ReadsSystemAndUnitColumnsByName) {
  std::string error;
  const auto s = read(kSignalsCsv, error);
  ASSERT_TRUE(s) << error;
  EXPECT_THAT(s->time_s, ElementsAre(0.0, 10.0, 20.0, 30.0, 40.0));
  EXPECT_THAT(s->voltage_V, ElementsAre(213.248, 211.5075, 210.0, 208.0, 209.0));
  ASSERT_EQ(s->units.size(), 1u);
  const UnitSignals& u = s->units[0];
  EXPECT_EQ(u.name, "string1");
  EXPECT_THAT(u.cell_max_V, ElementsAre(3.332, 3.3122, 3.3, 3.28, 3.29));
  EXPECT_EQ(s->unreadable_values, 0u) << s->first_unreadable;
}

TEST(SignalsCsvReader, ColumnOrderDoesNotMatter) {
  // The same table with time_s last and the unit's columns first.
  std::istringstream in{std::string(kSignalsCsv)};
  std::string line, moved;
  while (std::getline(in, line)) {
    const auto first = line.find(',');
    moved += line.substr(first + 1) + "," + line.substr(0, first) + "\n";
  }
  std::string error;
  const auto a = read(kSignalsCsv, error);
  const auto b = read(moved, error);
  ASSERT_TRUE(a && b) << error;
  EXPECT_EQ(a->time_s, b->time_s);
  EXPECT_EQ(a->units[0].soc_pct, b->units[0].soc_pct);
  EXPECT_EQ(a->units[0].bms_state.size(), b->units[0].bms_state.size());
}

TEST(SignalsCsvReader, EmptyCellsAreGaps) {
  std::string error;
  const auto s = read(kSignalsCsv, error);
  ASSERT_TRUE(s) << error;
  const Samples& soc = s->units[0].bms_soc_pct;
  ASSERT_EQ(soc.size(), 5u);
  EXPECT_TRUE(std::isnan(soc[0]));  // the BMS reports nothing at 0 s
  EXPECT_DOUBLE_EQ(soc[1], 81.7);
}

TEST(SignalsCsvReader, StatesAndBitsBecomeRunsUntilTheNextInstant) {
  std::string error;
  const auto s = read(kSignalsCsv, error);
  ASSERT_TRUE(s) << error;
  const UnitSignals& u = s->units[0];
  ASSERT_EQ(u.bms_state.size(), 3u);
  EXPECT_EQ(u.bms_state[0].value, "off");
  EXPECT_EQ(u.bms_state[1].value, "discharge");
  EXPECT_DOUBLE_EQ(u.bms_state[1].from_s, 10.0);
  EXPECT_DOUBLE_EQ(u.bms_state[1].to_s, 30.0);
  EXPECT_EQ(u.bms_state[2].value, "protect");
  EXPECT_DOUBLE_EQ(u.bms_state[2].to_s, 40.0);
  // Alarms: 0 (empty and 0x0) until 20 s, 0x2 from 20 s, 0xa from 30 s, 0 at 40 s.
  ASSERT_EQ(u.alarms.size(), 4u);
  EXPECT_EQ(u.alarms[1].value, 0x2u);
  EXPECT_DOUBLE_EQ(u.alarms[1].from_s, 20.0);
  EXPECT_EQ(u.alarms[2].value, 0xau);
  EXPECT_EQ(u.faults.back().value, 0x4u);
  EXPECT_EQ(u.path_closed[1].value, 1u);
}

TEST(SignalsCsvReader, TextInANumberColumnIsAGapAndCounted) {
  const std::string csv = with_line(kSignalsCsv, 3,
      "10.000,1,oops,-25.0000,-5287.69,79.9648,3.3109,3.3122,24.999,24.999,"
      "211.5075,-25.0000,79.9648,3.3109,3.3122,24.999,24.999,discharge,81.7,30.000,30.000,zz,0x0,0x0,1,cv");
  std::string error;
  const auto s = read(csv, error);
  ASSERT_TRUE(s) << error;
  EXPECT_TRUE(std::isnan(s->voltage_V[1]));
  EXPECT_EQ(s->unreadable_values, 2u);
  EXPECT_EQ(s->first_unreadable, "run/signals.csv:3: voltage_V: 'oops'");
}

// The error of a file the reader must refuse ("" if it accepted it).
std::string refusal(std::string_view csv) {
  std::string error;
  return read(csv, error) ? std::string() : error;
}

TEST(SignalsCsvReader, RefusedRowsNameFileAndLine) {
  EXPECT_EQ(refusal(with_line(kSignalsCsv, 5, "30.000,2,208.0000")),
            "run/signals.csv:5: 3 fields where the header has 26");
  EXPECT_EQ(refusal(with_time(kSignalsCsv, 5, "abc")),
            "run/signals.csv:5: time_s: expected a number of seconds, got 'abc'");
  EXPECT_EQ(refusal(with_time(kSignalsCsv, 5, "")),
            "run/signals.csv:5: time_s: expected a number of seconds, got ''");
  EXPECT_EQ(refusal(with_time(kSignalsCsv, 5, "5.000")),
            "run/signals.csv:5: time_s 5.000 is earlier than the row before it");
}

TEST(SignalsCsvReader, RefusedHeadersNameFileAndLine) {
  EXPECT_EQ(refusal("step,voltage_V\n1,2\n"), "run/signals.csv:1: no 'time_s' column in the header");
  EXPECT_EQ(refusal("time_s,voltage_V,voltage_V\n1,2,3\n"),
            "run/signals.csv:1: column 'voltage_V' appears twice (columns 2 and 3)");
  EXPECT_EQ(refusal(""), "run/signals.csv:1: empty file (expected a header row)");
  EXPECT_EQ(refusal("time_s,voltage_V\n"), "run/signals.csv:2: no rows after the header");
}

TEST(SignalsCsvReader, WindowsLineEndingsAreAccepted) {
  std::string error;
  const auto s = read("time_s,voltage_V\r\n0.5,3.25\r\n", error);
  ASSERT_TRUE(s) << error;
  EXPECT_THAT(s->voltage_V, ElementsAre(3.25));
}

}  // namespace
}  // namespace stacksim::report
