// The output dry contacts of each family (SSIM_OUT_DRY1 / DRY2 as the board
// drives them) against the manuals' pin tables:
//   GTX3000 5.3.3.5: pins 1/2 "Prohibit Discharging", 3/4 "Prohibit Charging"
//   GTX5000 5.3.5:   NO1/COM1 "Prohibit Charging", NO2/COM2 "Prohibit Discharging"
//   GTX2500 5.2.6:   pins 1/2 "Prohibit Charging", 3/4 "Prohibit Discharging"
//   6.5 kWh pack:    no dry contacts.
// A contact closes while its direction is prohibited: throughout a run it
// agrees with the limit the debug status reports for that direction, it is
// open in standby, and a cell over-voltage (stop charging) or under-voltage
// (stop discharging) protection closes exactly the contact of the blocked
// direction.
#include <gtest/gtest.h>

#include "plant_fixture.hpp"
#include "rig_steps.hpp"
#include "row_drive.hpp"

namespace stacksim::sim::testing {
namespace {

struct Contacts {
  std::string product, config;
  ssim_output prohibit_charge, prohibit_discharge;
};
void PrintTo(const Contacts& c, std::ostream* os) { *os << c.product; }

const Contacts kFamilies[] = {
    {"gtx3000", "gtx3000-h4", SSIM_OUT_DRY2, SSIM_OUT_DRY1},
    {"gtx5000", "gtx5000-x1", SSIM_OUT_DRY1, SSIM_OUT_DRY2},
    {"gtx2500", "gtx2500-x1", SSIM_OUT_DRY1, SSIM_OUT_DRY2},
};

// Runs with `drive` and checks at every step that both contacts agree with
// the status' limits (both are set by the same 100 ms task).
void run_checked(PlantRig& rig, const Contacts& c, std::int64_t until_ns, const physics::TerminalCommand& cmd) {
  while (rig.now_ns() < until_ns) {
    rig.step(cmd);
    const auto st = rig.status();
    if (!st) continue;
    ASSERT_EQ(rig.master().output(c.prohibit_charge), st->charge_limit_mA == 0) << "at " << rig.now_ns();
    ASSERT_EQ(rig.master().output(c.prohibit_discharge), st->discharge_limit_mA == 0) << "at " << rig.now_ns();
  }
}

class DryContacts : public ::testing::TestWithParam<Contacts> {};

TEST_P(DryContacts, CloseForTheBlockedDirectionOnly) {
  const Contacts& c = GetParam();
  {
    PlantRig rig(c.config, 0.6);
    RowDrive ov(rig, find_row(c.product, "cell_over_voltage"));
    rig.start();
    run_checked(rig, c, s(15), physics::TerminalCommand::current(0.0));
    ASSERT_TRUE(rig.master().main_path_closed()) << rig.log_text();
    ASSERT_EQ(rig.state(), SSIM_STATE_STANDBY);
    EXPECT_FALSE(rig.master().output(c.prohibit_charge));
    EXPECT_FALSE(rig.master().output(c.prohibit_discharge));

    ov.set_phase(RowDrive::Phase::kBeyond);
    run_checked(rig, c, rig.now_ns() + s(4), ov.command());
    ASSERT_NE(rig.status()->protections, 0u);
    EXPECT_TRUE(rig.master().output(c.prohibit_charge));
    EXPECT_FALSE(rig.master().output(c.prohibit_discharge));
  }
  {
    PlantRig rig(c.config, 0.6);
    RowDrive uv(rig, find_row(c.product, "cell_under_voltage"));
    rig.start();
    run_checked(rig, c, s(15), physics::TerminalCommand::current(0.0));
    uv.set_phase(RowDrive::Phase::kBeyond);
    run_checked(rig, c, rig.now_ns() + s(4), uv.command());
    ASSERT_EQ(rig.state(), SSIM_STATE_OVER_DISCHARGED);
    EXPECT_FALSE(rig.master().output(c.prohibit_charge));
    EXPECT_TRUE(rig.master().output(c.prohibit_discharge));
  }
}

INSTANTIATE_TEST_SUITE_P(Families, DryContacts, ::testing::ValuesIn(kFamilies),
                         [](const ::testing::TestParamInfo<Contacts>& i) { return i.param.product; });

TEST(DryContacts, Lfp65HasNone) {
  PlantRig rig("lfp65-x1", 0.6);
  RowDrive ov(rig, find_row("lfp65", "cell_over_voltage"));
  start_and_close(rig);
  ov.set_phase(RowDrive::Phase::kBeyond);
  rig.run_until(rig.now_ns() + s(4), ov.command());
  ASSERT_NE(rig.status()->protections, 0u);
  EXPECT_EQ(rig.master().spec().dry_contacts, 0);
  EXPECT_FALSE(rig.master().output(SSIM_OUT_DRY1));
  EXPECT_FALSE(rig.master().output(SSIM_OUT_DRY2));
}

}  // namespace
}  // namespace stacksim::sim::testing
