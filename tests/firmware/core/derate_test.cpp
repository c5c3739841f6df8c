#include <cstdint>

#include <gtest/gtest.h>

#include "core/derate.hpp"
#include "param_builder.hpp"

namespace stacksim::fw {
namespace {

using test::ParamBuilder;

// The GTX3000 tables of models/firmware/gtx3000.json.
ParamBuilder gtx3000_like() {
  ParamBuilder b;
  b.set("current.charge_max_mA", 30000).set("current.discharge_max_mA", 30000);
  b.table("derate.charge_temp", "dC", {-101, -100, 0, 100, 150, 450, 500, 550, 551}, "permille",
          {0, 100, 300, 600, 1000, 1000, 500, 200, 0});
  b.table("derate.discharge_temp", "dC", {-201, -200, -100, 0, 100, 500, 550, 600, 601}, "permille",
          {0, 200, 500, 800, 1000, 1000, 600, 300, 0});
  b.table("derate.charge_cell", "mV", {3350, 3450, 3510, 3600}, "permille", {1000, 500, 100, 0});
  b.table("derate.discharge_cell", "mV", {2850, 2950, 3050}, "permille", {0, 200, 1000});
  return b;
}

DerateInput at(std::int16_t tmin, std::int16_t tmax, std::int32_t vmin = 3250, std::int32_t vmax = 3300) {
  DerateInput in;
  in.temp_min_dC = tmin;
  in.temp_max_dC = tmax;
  in.temps_valid = true;
  in.cell_min_mV = vmin;
  in.cell_max_mV = vmax;
  in.cells_valid = true;
  return in;
}

class Derate : public ::testing::Test {
 protected:
  void SetUp() override {
    b_ = gtx3000_like();
    const ParamSet p = b_.params();
    ASSERT_TRUE(d_.configure(p));
    ASSERT_EQ(p.missing_count(), 0u);
  }
  ParamBuilder b_;
  Derating d_;
};

TEST_F(Derate, FullCurrentInsideTheComfortZone) {
  const CurrentLimits l = d_.limits(at(250, 300));
  EXPECT_EQ(l.charge_mA, 30000);
  EXPECT_EQ(l.discharge_mA, 30000);
}

TEST_F(Derate, ChargeIsZeroOutsideMinus10To55C) {
  EXPECT_EQ(d_.limits(at(-101, 200)).charge_mA, 0);
  EXPECT_EQ(d_.limits(at(-100, 200)).charge_mA, 3000);  // 10 % at -10.0 C
  EXPECT_EQ(d_.limits(at(200, 550)).charge_mA, 6000);   // 20 % at 55.0 C
  EXPECT_EQ(d_.limits(at(200, 551)).charge_mA, 0);
  // Discharge still allowed there (-20 ... 60 C).
  EXPECT_EQ(d_.limits(at(-101, 200)).discharge_mA, 30000 * (200 + (500 - 200) * 99 / 100) / 1000);
}

TEST_F(Derate, DischargeIsZeroOutsideMinus20To60C) {
  EXPECT_EQ(d_.limits(at(-201, 200)).discharge_mA, 0);
  EXPECT_EQ(d_.limits(at(-200, 200)).discharge_mA, 6000);
  EXPECT_EQ(d_.limits(at(200, 600)).discharge_mA, 9000);
  EXPECT_EQ(d_.limits(at(200, 601)).discharge_mA, 0);
}

TEST_F(Derate, LinearBetweenPoints) {
  // 5 C: half-way between 300 permille at 0 C and 600 at 10 C = 450.
  EXPECT_EQ(d_.charge_factor(at(50, 250)), 450);
  EXPECT_EQ(d_.limits(at(50, 250)).charge_mA, 13500);
  // 52.5 C on the way down: 500 + (200 - 500) * 25 / 50 = 350.
  EXPECT_EQ(d_.charge_factor(at(250, 525)), 350);
}

TEST_F(Derate, ChargeTapersTowardTheChargeVoltage) {
  EXPECT_EQ(d_.limits(at(250, 250, 3300, 3350)).charge_mA, 30000);
  EXPECT_EQ(d_.limits(at(250, 250, 3300, 3450)).charge_mA, 15000);
  EXPECT_EQ(d_.limits(at(250, 250, 3300, 3510)).charge_mA, 3000);
  EXPECT_EQ(d_.limits(at(250, 250, 3300, 3600)).charge_mA, 0);
  EXPECT_EQ(d_.limits(at(250, 250, 3300, 3480)).charge_mA, 30000 * (500 + (100 - 500) * 30 / 60) / 1000);
}

TEST_F(Derate, DischargeTapersTowardCutOff) {
  EXPECT_EQ(d_.limits(at(250, 250, 3050, 3300)).discharge_mA, 30000);
  EXPECT_EQ(d_.limits(at(250, 250, 2950, 3300)).discharge_mA, 6000);
  EXPECT_EQ(d_.limits(at(250, 250, 2850, 3300)).discharge_mA, 0);
  EXPECT_EQ(d_.limits(at(250, 250, 2700, 3300)).discharge_mA, 0);
}

TEST_F(Derate, SmallestFactorWins) {
  // 5 C (450 permille) and a high cell (3450 mV, 500): 450.
  EXPECT_EQ(d_.limits(at(50, 250, 3300, 3450)).charge_mA, 13500);
  // 2 C (360) against 3480 mV (300): 300.
  EXPECT_EQ(d_.limits(at(20, 250, 3300, 3480)).charge_mA, 9000);
}

TEST_F(Derate, NothingWithoutValidSensors) {
  DerateInput in = at(250, 250);
  in.temps_valid = false;
  EXPECT_EQ(d_.limits(in).charge_mA, 0);
  EXPECT_EQ(d_.limits(in).discharge_mA, 0);
  in = at(250, 250);
  in.cells_valid = false;
  EXPECT_EQ(d_.limits(in).discharge_mA, 0);
}

TEST(DerateConfigure, RejectsDecreasingBreakpoints) {
  ParamBuilder b = gtx3000_like();
  b.set("derate.charge_temp.3.dC", -50);  // before 0 C at index 2
  Derating d;
  EXPECT_FALSE(d.configure(b.params()));
}

}  // namespace
}  // namespace stacksim::fw
