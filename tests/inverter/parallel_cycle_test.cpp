// Parallel systems at their largest size through a full charge and a full
// discharge with the virtual inverter: the master's merged limits hold every
// unit inside its own, each unit charges until full (GTX3000 manual 5.1:
// "When one subsystem is fully charged, the other subsystems will continue to
// charge"), and the units stay balanced as the manuals expect: their SOC LEDs
// differ by at most one step, and a one-step difference lasts no longer than
// 10 minutes (GTX3000 and GTX5000 manuals, troubleshooting: "If the lowest
// SOC LED indicators is only one less than the highest ... and SOC LED
// indicator will become same within 10 minutes, it is a normal running
// status").
#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "inverter_rig.hpp"

namespace stacksim::sim::testing {
namespace {

using physics::TerminalCommand;

struct CycleCase {
  const char* system;
  const char* protocol;
  bool led_window;  // the manual's 10-minute statement applies
};

// What the LED bar of each unit shows: the number of SOC LEDs lit, from the
// unit's own SOC estimate and the product's bands (models/firmware).
class LedBalance {
 public:
  explicit LedBalance(PlantRig& rig) : rig_(rig) {
    for (const char* table : {"led.soc_discharge", "led.soc_charge"}) {
      std::vector<int> bounds;
      const int n = rig.param(std::string(table) + ".count");
      for (int i = 0; i < n; ++i) bounds.push_back(rig.param(std::string(table) + "." + std::to_string(i) + ".above_permille"));
      (std::string(table) == "led.soc_charge" ? charge_ : discharge_) = bounds;
    }
  }
  void sample(std::int64_t now_ns, bool charging) {
    int lo = 1 << 20, hi = -1;
    for (std::size_t u = 0; u < rig_.config().units; ++u) {
      const auto st = rig_.status(u);
      if (!st) return;
      const std::vector<int>& b = charging ? charge_ : discharge_;
      const int level = static_cast<int>(std::count_if(b.begin(), b.end(), [&](int x) { return st->soc_permille > x; }));
      lo = std::min(lo, level);
      hi = std::max(hi, level);
    }
    max_diff = std::max(max_diff, hi - lo);
    if (hi != lo) {
      if (since_ns_ < 0) since_ns_ = now_ns;
      longest_ns = std::max(longest_ns, now_ns - since_ns_);
    } else {
      since_ns_ = -1;
    }
  }
  int max_diff = 0;
  std::int64_t longest_ns = 0;

 private:
  PlantRig& rig_;
  std::vector<int> charge_, discharge_;
  std::int64_t since_ns_ = -1;
};

bool all_closed(PlantRig& rig) {
  for (std::size_t u = 0; u < rig.config().units; ++u) {
    if (!rig.master(u).main_path_closed()) return false;
  }
  return true;
}

class ParallelCycle : public ::testing::TestWithParam<CycleCase> {};

TEST_P(ParallelCycle, AFullChargeAndDischargeThroughTheInverterStaysBalanced) {
  const CycleCase& c = GetParam();
  InverterRig r(c.system, c.protocol, 0.15);
  PlantRig& rig = r.plant_rig();
  const std::size_t n = rig.config().units;
  ASSERT_TRUE(r.connect());
  ASSERT_TRUE(r.run_until([&] { return all_closed(rig); }, r.now_ns() + s(60), TerminalCommand::current(0.0)))
      << rig.log_text();
  LedBalance leds(rig);
  const double half_c_A = 0.5 * r.one_c_A();
  std::int64_t next_sample_ns = r.now_ns();
  const auto watch = [&](bool charging) {
    for (std::size_t u = 0; u < n; ++u) {
      const auto st = rig.status(u);
      if (st && st->state == SSIM_STATE_FAULT) return true;  // stop: reported below
    }
    if (r.now_ns() >= next_sample_ns) {
      leds.sample(r.now_ns(), charging);
      next_sample_ns += s(10);
    }
    return false;
  };

  // Charge: 0.5C asked; the inverter follows the system's CCL and CVL until
  // the battery takes no more.
  std::int64_t quiet_ns = 0;
  r.run_until([&] {
    if (watch(true)) return true;
    quiet_ns = r.view().allowed_charge_A() == 0.0 || r.last().current_A < 0.01 * r.one_c_A() ? quiet_ns + PlantRig::kStep_ns : 0;
    return quiet_ns >= s(120);
  }, r.now_ns() + s(6 * 3600), TerminalCommand::current(half_c_A));
  for (std::size_t u = 0; u < n; ++u) {
    EXPECT_NE(rig.status(u)->state, SSIM_STATE_FAULT) << "unit " << u + 1 << "\n" << rig.log_text();
    EXPECT_GE(rig.physics().branch_soc(u), 0.95) << "unit " << u + 1 << " charged until full";
  }
  // Discharge: 0.5C asked, until the battery allows no more.
  quiet_ns = 0;
  r.run_until([&] {
    if (watch(false)) return true;
    quiet_ns = r.view().allowed_discharge_A() == 0.0 || r.last().current_A > -0.01 * r.one_c_A() ? quiet_ns + PlantRig::kStep_ns : 0;
    return quiet_ns >= s(120);
  }, r.now_ns() + s(4 * 3600), TerminalCommand::current(-half_c_A));
  double lo = 1.0, hi = 0.0;
  for (std::size_t u = 0; u < n; ++u) {
    EXPECT_NE(rig.status(u)->state, SSIM_STATE_FAULT) << "unit " << u + 1 << "\n" << rig.log_text();
    lo = std::min(lo, rig.physics().branch_soc(u));
    hi = std::max(hi, rig.physics().branch_soc(u));
  }
  EXPECT_LE(hi, 0.15) << "discharged to the battery's limits";
  EXPECT_LE(hi - lo, 0.05) << "units within 5 % SOC of each other at the end";
  // The inverter kept to the system's limits, and those kept every unit
  // inside its own: no unit tripped.
  EXPECT_EQ(r.inverter().report().limit_violations, 0);
  EXPECT_LE(leds.max_diff, 1);
  if (c.led_window) {
    EXPECT_LE(leds.longest_ns, s(600));
  }
}

// Hours of simulated time each (the 8-string GTX3000: 88 boards): the
// executable is labelled "long" and runs in the release build only
// (tools/test.sh).
INSTANTIATE_TEST_SUITE_P(
    Largest, ParallelCycle, ::testing::Values(CycleCase{"gtx3000-h10-x8", "sofar-hv", true}, CycleCase{"gtx5000-x4", "pylon-lv", true},
                      CycleCase{"gtx2500-x4", "pylon-lv", true}, CycleCase{"lfp65-x2", "growatt-lv", false}),
    [](const ::testing::TestParamInfo<CycleCase>& i) {
      std::string name = i.param.system;
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

}  // namespace
}  // namespace stacksim::sim::testing
