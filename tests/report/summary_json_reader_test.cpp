// summary.json read back (src/report/summary_json_reader.cpp): the header
// facts, the faults, expectations and verdict when present, and type errors
// with file, line and column.
#include "report/summary_json_reader.hpp"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "run_fixture.hpp"

namespace stacksim::report {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class SummaryJsonReader : public fixture::RunDirTest {
 protected:
  std::optional<RunSummary> read(std::string_view text, std::string& error) {
    fixture::write_text(dir_ / "summary.json", text);
    return read_summary_json(dir_ / "summary.json", "run/summary.json", error);
  }
};

TEST_F(SummaryJsonReader, ReadsHeaderFactsFaultsAndExpectations) {
  std::string error;
  const auto s = read(fixture::kSummaryJson, error);
  ASSERT_TRUE(s) << error;
  EXPECT_EQ(s->scenario_name, "fixture-run");
  EXPECT_EQ(s->scenario_sha256, "abc123");
  EXPECT_EQ(s->seed, "7");
  EXPECT_EQ(s->system_name, "gtx3000-h4");
  EXPECT_EQ(s->units, 1);
  EXPECT_EQ(s->simulated, "40s");
  EXPECT_THAT(s->protection_rows, ElementsAre("cell_over_voltage", "cell_under_voltage",
                                              "pack_over_voltage", "pack_under_voltage"));
  ASSERT_EQ(s->faults.size(), 1u);
  EXPECT_EQ(s->faults[0].kind, "cell_voltage_sensor open_wire");
  EXPECT_EQ(s->faults[0].target, "unit 1 module 2 cell 3");
  EXPECT_EQ(s->faults[0].detected_by, "unit 1 alarm cell_under_voltage");
  EXPECT_DOUBLE_EQ(s->faults[0].at_s, 15.0);
  EXPECT_FALSE(s->faults[0].until_s);
  EXPECT_EQ(s->faults[0].detected_s, 21.5);
  ASSERT_EQ(s->expectations.size(), 2u);
  EXPECT_TRUE(s->expectations[0].met);
  EXPECT_EQ(s->expectations[0].rule, "state is protect within 20s after cell3-open");
  EXPECT_FALSE(s->expectations[1].met);
  EXPECT_FALSE(s->expectations[1].at_s);
  EXPECT_EQ(s->verdict, "failed");
}

TEST_F(SummaryJsonReader, ToleratesASummaryWithoutFaultsExpectationsOrVerdict) {
  std::string error;
  const auto s = read(R"({"scenario": {"name": "old"}, "seed": 18446744073709551615})", error);
  ASSERT_TRUE(s) << error;
  EXPECT_EQ(s->seed, "18446744073709551615");
  EXPECT_TRUE(s->faults.empty());
  EXPECT_TRUE(s->expectations.empty());
  EXPECT_FALSE(s->verdict);
}

TEST_F(SummaryJsonReader, AFaultMayNameItsKindDirectly) {
  std::string error;
  const auto s = read(R"({"faults": [{"name": "x", "kind": "afe_open_wire", "at_s": 1, "detected_by": null}]})", error);
  ASSERT_TRUE(s) << error;
  EXPECT_EQ(s->faults[0].kind, "afe_open_wire");
  EXPECT_EQ(s->faults[0].detected_by, "");
}

TEST_F(SummaryJsonReader, WrongTypesNameFileLineAndPointer) {
  std::string error;
  EXPECT_FALSE(read("{\n  \"verdict\": \"maybe\",\n  \"faults\": [{\"name\": \"x\", \"at_s\": \"15s\"}]\n}\n", error));
  EXPECT_THAT(error, HasSubstr("run/summary.json:2:14: /verdict: expected one of: passed, failed"));
  EXPECT_THAT(error, HasSubstr("run/summary.json:3:36: /faults/0/at_s: expected a number"));
}

TEST_F(SummaryJsonReader, SyntaxErrorsNameFileAndLine) {
  std::string error;
  EXPECT_FALSE(read("{\n  \"seed\": 1,\n  oops\n}\n", error));
  EXPECT_THAT(error, HasSubstr("run/summary.json:3:"));
}

}  // namespace
}  // namespace stacksim::report
