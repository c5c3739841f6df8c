// Contactor timing and faults, with the GTX3000 BCU's contactor times.
#include "hw/contactor.hpp"

#include <gtest/gtest.h>

#include "hw_fixture.hpp"

namespace stacksim::hw {
namespace {

ContactorSpec main_contactor() {
  auto rig = testing::make_rig("gtx3000-h4");
  return *rig.hardware.board(SSIM_ROLE_BCU)->main_contactors;
}

TEST(Contactor, ClosesExactlyAfterItsCloseTimeAndOpensAfterItsOpenTime) {
  const ContactorSpec spec = main_contactor();
  ASSERT_GT(spec.close_ns, 0);
  ASSERT_GT(spec.open_ns, 0);
  Contactor c(spec);
  const std::int64_t t0 = 1'000'000'000;
  c.command(t0, true);
  EXPECT_TRUE(c.commanded());
  EXPECT_EQ(c.next_change_ns(), t0 + spec.close_ns);
  EXPECT_FALSE(c.advance(t0 + spec.close_ns - 1, 0.0));
  EXPECT_FALSE(c.closed());
  EXPECT_FALSE(c.feedback());
  EXPECT_TRUE(c.advance(t0 + spec.close_ns, 0.0));
  EXPECT_TRUE(c.closed());
  EXPECT_TRUE(c.feedback());
  const std::int64_t t1 = t0 + 5'000'000'000;
  c.command(t1, false);
  EXPECT_FALSE(c.advance(t1 + spec.open_ns - 1, 20.0));
  EXPECT_TRUE(c.closed());
  EXPECT_TRUE(c.advance(t1 + spec.open_ns, 20.0));
  EXPECT_FALSE(c.closed());
  EXPECT_EQ(c.operations(), 2u);
  EXPECT_EQ(c.operations_under_load(), 1u);  // opened with 20 A flowing
}

TEST(Contactor, ReleasingBeforeTheContactsMoveCancelsTheClosing) {
  Contactor c(main_contactor());
  c.command(0, true);
  c.command(1'000'000, false);
  EXPECT_EQ(c.next_change_ns(), kNever);
  EXPECT_FALSE(c.advance(1'000'000'000, 0.0));
  EXPECT_FALSE(c.closed());
  EXPECT_EQ(c.operations(), 0u);
}

TEST(Contactor, WeldedContactsStayClosedAndFeedbackShowsIt) {
  const ContactorSpec spec = main_contactor();
  Contactor c(spec);
  c.command(0, true);
  c.advance(spec.close_ns, 0.0);
  c.set_welded(spec.close_ns, true);
  c.command(100'000'000, false);
  EXPECT_FALSE(c.advance(10'000'000'000, 30.0));
  EXPECT_TRUE(c.closed());
  EXPECT_TRUE(c.feedback());
  EXPECT_FALSE(c.commanded());
  // Freed, the released coil opens the contacts after the open time.
  c.set_welded(20'000'000'000, false);
  EXPECT_FALSE(c.advance(20'000'000'000 + spec.open_ns - 1, 0.0));
  EXPECT_TRUE(c.advance(20'000'000'000 + spec.open_ns, 0.0));
  EXPECT_FALSE(c.closed());
}

TEST(Contactor, StuckOpenNeverCloses) {
  const ContactorSpec spec = main_contactor();
  Contactor c(spec);
  c.set_stuck_open(0, true);
  c.command(0, true);
  EXPECT_FALSE(c.advance(10'000'000'000, 0.0));
  EXPECT_FALSE(c.closed());
  EXPECT_FALSE(c.feedback());
  EXPECT_TRUE(c.commanded());
  c.set_stuck_open(10'000'000'000, false);
  EXPECT_TRUE(c.advance(10'000'000'000 + spec.close_ns, 0.0));
  EXPECT_TRUE(c.closed());
}

TEST(Contactor, MosfetPathsOfLvPacksSwitchAtOnce) {
  auto rig = testing::make_rig("gtx5000-x1");
  const ContactorSpec spec = *rig.hardware.board(SSIM_ROLE_PACK)->main_contactors;
  EXPECT_EQ(spec.close_ns, 0);
  EXPECT_FALSE(spec.auxiliary_contact);
  Contactor c(spec);
  c.command(500, true);
  EXPECT_TRUE(c.advance(500, 0.0));
  EXPECT_TRUE(c.closed());
}

}  // namespace
}  // namespace stacksim::hw
