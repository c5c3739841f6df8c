// Start button and power-on sequence of each family, through the real boards,
// buses and reference firmware.
#include <gtest/gtest.h>

#include "plant_fixture.hpp"

namespace stacksim::sim::testing {
namespace {

TEST(BmsStart, Gtx3000StartsCodesModulesAndClosesThePath) {
  PlantRig rig("gtx3000-h4", 0.5);
  rig.start();
  const auto closed = rig.run_until_true([&] { return rig.master().main_path_closed(); }, s(30));
  ASSERT_TRUE(closed) << rig.log_text() << " state " << rig.state() << " faults "
                      << (rig.status() ? rig.status()->faults : 0);
  EXPECT_EQ(rig.state(), SSIM_STATE_STANDBY);
}

}  // namespace
}  // namespace stacksim::sim::testing
