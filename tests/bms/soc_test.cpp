// The firmware's state of charge over a full cycle against the physics'
// true SOC (PhysicsSystem::branch_soc: charge-weighted over the cells), with
// every converter's default errors (models/hardware): charged to full with
// CC-CV, emptied until the BMS warns of under-voltage, and charged to full
// again, at about 1 C to keep it short. Throughout, the
// estimate stays within 3 % of the truth and the cross-check holds; at each
// full charge the firmware recalibrates to 100 % (GTX3000 manual 7.2.3.2:
// charge at 56.16 V per module, "cut off when current less than 2.5A").
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "cross_check.hpp"
#include "led_timeline.hpp"
#include "plant_fixture.hpp"
#include "rig_steps.hpp"

namespace stacksim::sim::testing {
namespace {

constexpr double kSocTolerance = 0.03;

struct Cycle {
  std::string config;
  std::string product;
};
void PrintTo(const Cycle& c, std::ostream* os) { *os << c.config; }

class SocCycle : public ::testing::TestWithParam<Cycle> {
 protected:
  // Steps with the command until done() or the limit, checking the SOC and
  // the cross-check once per second of simulated time.
  template <typename Done>
  std::optional<std::int64_t> run(PlantRig& rig, CrossCheck& check, const physics::TerminalCommand& cmd, Done done,
                                  std::int64_t limit_ns) {
    while (rig.now_ns() < limit_ns) {
      rig.step(cmd);
      check.after_step();
      if (rig.now_ns() % s(1) == 0) check_soc(rig);
      if (done()) return rig.now_ns();
    }
    return std::nullopt;
  }
  void check_soc(PlantRig& rig) {
    const auto st = rig.status();
    if (!st || st->state == SSIM_STATE_STARTING || st->state == SSIM_STATE_SHUTDOWN) return;
    const double fw = st->soc_permille / 1000.0;
    const double truth = rig.physics().branch_soc(0);
    worst_ = std::max(worst_, std::fabs(fw - truth));
    if (std::fabs(fw - truth) > kSocTolerance && ++misses_ <= 3) {
      ADD_FAILURE() << "at " << rig.now_ns() / 1'000'000'000 << " s the firmware says " << fw << ", the cells hold "
                    << truth;
    }
  }
  double worst_ = 0.0;
  int misses_ = 0;
};

TEST_P(SocCycle, FollowsTheTruthAndRecalibratesAtFullCharge) {
  const Cycle& c = GetParam();
  PlantRig rig(c.config, 0.9);
  CrossCheck check(rig);
  const double modules = rig.param("pack.per_module") == 1 ? static_cast<double>(rig.physics().branch(0).modules) : 1.0;
  const double charge_V = rig.param("pack.charge_mV") * modules / 1000.0;
  // About 1 C, kept 10 % under the over-current protections.
  const double one_C_A = rig.param("capacity.nominal_mAh") / 1000.0;
  const double charge_A =
      std::min(0.9 * one_C_A, 0.9 * find_row(c.product, "charge_over_current").tier[2].value_or(0) / 1000.0);
  const double discharge_A =
      std::min(0.9 * one_C_A, 0.9 * find_row(c.product, "discharge_over_current").tier[2].value_or(0) / 1000.0);
  const int uv_row = find_row(c.product, "cell_under_voltage").index;
  const auto full = [&] { return rig.status() && rig.status()->state == SSIM_STATE_FULL_CHARGE; };

  rig.start();
  ASSERT_TRUE(run(rig, check, physics::TerminalCommand::current(0.0), [&] { return rig.master().main_path_closed(); },
                  s(30)));
  const std::int64_t t0 = rig.now_ns();
  const auto cccv = physics::TerminalCommand::voltage(charge_V, charge_A);
  const auto first_full = run(rig, check, cccv, full, rig.now_ns() + s(3 * 3600));
  ASSERT_TRUE(first_full) << "no full charge; true SOC " << rig.physics().branch_soc(0);
  EXPECT_EQ(rig.status()->soc_permille, 1000);
  EXPECT_GT(rig.physics().branch_soc(0), 1.0 - kSocTolerance);

  // Empty, until the BMS warns of under-voltage.
  const auto warned = run(
      rig, check, physics::TerminalCommand::current(-discharge_A),
      [&] { return rig.status() && (rig.status()->warnings & (1u << uv_row)) != 0; }, rig.now_ns() + s(3 * 3600));
  ASSERT_TRUE(warned) << "never emptied; true SOC " << rig.physics().branch_soc(0);
  EXPECT_LT(rig.physics().branch_soc(0), 0.1) << "a full discharge";
  EXPECT_LT(rig.status()->soc_permille, 100);
  run(rig, check, physics::TerminalCommand::current(0.0), [] { return false; }, rig.now_ns() + s(60));

  // And full again.
  const auto second_full = run(rig, check, cccv, full, rig.now_ns() + s(4 * 3600));
  ASSERT_TRUE(second_full) << "no full charge; true SOC " << rig.physics().branch_soc(0);
  EXPECT_EQ(rig.status()->soc_permille, 1000);
  EXPECT_GT(rig.physics().branch_soc(0), 1.0 - kSocTolerance);
  EXPECT_EQ(rig.status()->requests & SSIM_REQ_FULL_CHARGE, 0u) << "the recalibration request stays after a full charge";

  // GTX3000 5.3.2 "Full Charged: L5 Light, L1-L4 Light"; 6.5 kWh 6.1
  // charging "100%": every SOC light on, RUN on.
  const std::int64_t shown = rig.now_ns() + ms(200);
  run(rig, check, cccv, [] { return false; }, shown + s(3));
  EXPECT_EQ(rig.state(), SSIM_STATE_FULL_CHARGE);
  for (std::uint16_t i = 0; i < 5; ++i) {
    const LedTimeline led(rig.plant().led_events(rig.plant().master(0)), i);
    EXPECT_NE(led.at(shown), SSIM_LED_OFF) << "LED " << i + 1;
    EXPECT_TRUE(steady(led, shown, shown + s(3), led.at(shown))) << "LED " << i + 1;
  }

  RecordProperty("first_full_s", static_cast<int>((*first_full - t0) / s(1)));
  RecordProperty("discharge_s", static_cast<int>((*warned - *first_full) / s(1)));
  RecordProperty("second_full_s", static_cast<int>((*second_full - *warned) / s(1)));
  EXPECT_GT(check.compared(), 1000u);
  EXPECT_EQ(check.failures(), 0u) << check.first_failure();
  RecordProperty("worst_soc_error_permille", static_cast<int>(1000 * worst_));
  RecordProperty("cross_check_worst_cell_percent_of_bound", static_cast<int>(100 * check.worst_cell_fraction()));
  RecordProperty("cross_check_worst_temp_percent_of_bound", static_cast<int>(100 * check.worst_temp_fraction()));
}

INSTANTIATE_TEST_SUITE_P(Families, SocCycle,
                         ::testing::Values(Cycle{"gtx3000-h4", "gtx3000"}, Cycle{"lfp65-x1", "lfp65"}),
                         [](const ::testing::TestParamInfo<Cycle>& i) { return i.param.product; });

}  // namespace
}  // namespace stacksim::sim::testing
