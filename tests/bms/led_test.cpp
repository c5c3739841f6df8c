// The front panels of the SOFAR families, time-resolved from the plant's LED
// events, against the manuals' tables (GTX3000 manual 5.3.2 and 5.3.3.2,
// GTX5000 manual 5.2.1 and 5.2.2, GTX2500 manual 5.2.1 and 5.2.2):
//   start-up sweep from the highest LED down to L1, automatic coding, standby
//   (RUN flash 1), charging (RUN steady, the highest SOC LED flash 2),
//   discharging (RUN flash 3), the SOC bar, protection (ALM red, the rest
//   off), under-voltage protection (all off) and the shutdown sweep.
// The manuals' flash timings are written out here, not read from the
// firmware's parameters: flash 1 - light 0.25 s / off 3.75 s; flash 2 -
// 0.5 s / 0.5 s; flash 3 - 0.5 s / 1.5 s (the note under each LED table).
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "cross_check.hpp"
#include "led_timeline.hpp"
#include "plant_fixture.hpp"
#include "rig_steps.hpp"
#include "row_drive.hpp"

namespace stacksim::sim::testing {
namespace {

constexpr std::int64_t kFlash1On = 250, kFlash1Off = 3750;
constexpr std::int64_t kFlash2On = 500, kFlash2Off = 500;
constexpr std::int64_t kFlash3On = 500, kFlash3Off = 1500;

struct Panel {
  std::string product, config;
  std::uint16_t leds = 0, soc_leds = 0, run = 0, alm = 0;  // 0-based: L1 is 0
  ssim_led_colour soc = SSIM_LED_OFF, run_colour = SSIM_LED_OFF, alm_colour = SSIM_LED_OFF;
  std::optional<ssim_led_colour> coding_run;  // RUN's colour while coding, if the manual names one
  std::vector<int> band_top_pct;              // SOC band k lights k+1 LEDs up to this percentage
};

void PrintTo(const Panel& p, std::ostream* os) { *os << p.product; }

const std::vector<Panel>& panels() {
  static const std::vector<Panel> p = {
      // GTX3000 5.3.2: "L1 to L4: Blue", "L5: Green ... Red"; 5.3.3.2: coding
      // "all LED lights (L5 lights as purple)"; levels 0~25, 26~50, 51~75, 75~100 %.
      {"gtx3000", "gtx3000-h4", 5, 4, 4, 4, SSIM_LED_BLUE, SSIM_LED_GREEN, SSIM_LED_RED, SSIM_LED_PURPLE,
       {25, 50, 75, 100}},
      // GTX5000 5.2.2: "L1 to L6: Blue ... each light indicate 16.67% SOC", "L7:
      // Blue or Red"; 5.2.1: coding "L7 is shown as purple".
      {"gtx5000", "gtx5000-x1", 7, 6, 6, 6, SSIM_LED_BLUE, SSIM_LED_BLUE, SSIM_LED_RED, SSIM_LED_PURPLE,
       {17, 33, 50, 66, 83, 100}},
      // GTX2500 5.2.2: "L1 to L6: Green", "L8: Green" (RUN), "L7: Red" (ALM);
      // 5.2.1: coding "all LED lights flash" (no colour named).
      {"gtx2500", "gtx2500-x1", 8, 6, 7, 6, SSIM_LED_GREEN, SSIM_LED_GREEN, SSIM_LED_RED, std::nullopt,
       {17, 33, 50, 66, 83, 100}},
  };
  return p;
}

// The manual's battery-level row for an SOC estimate: how many SOC LEDs.
int lit_for(const Panel& p, std::uint16_t soc_permille) {
  for (std::size_t k = 0; k < p.band_top_pct.size(); ++k) {
    if (soc_permille <= p.band_top_pct[k] * 10) return static_cast<int>(k) + 1;
  }
  return static_cast<int>(p.band_top_pct.size());
}

// "L3" for index 2 (two appends: "x" + string trips a false -Wrestrict in
// GCC 12 at -O3).
std::string label(std::size_t i) {
  std::string l = "L";
  l += std::to_string(i + 1);
  return l;
}

std::vector<LedTimeline> timelines(PlantRig& rig) {
  std::vector<LedTimeline> t;
  for (std::uint16_t i = 0; i < rig.master().spec().leds; ++i) {
    t.emplace_back(rig.plant().led_events(rig.plant().master(0)), i);
  }
  return t;
}

// The SOC bar over [from, to): the first `lit` LEDs steady, the rest off,
// except `flashing` (the charging display's highest LED).
void expect_bar(const Panel& p, const std::vector<LedTimeline>& led, std::int64_t from, std::int64_t to, int lit,
                int flashing = -1) {
  for (int k = 0; k < p.soc_leds; ++k) {
    SCOPED_TRACE(label(static_cast<std::size_t>(k)));
    if (k == flashing) {
      EXPECT_TRUE(blinks(led[static_cast<std::size_t>(k)], from, to, p.soc, kFlash2On, kFlash2Off));
    } else {
      EXPECT_TRUE(steady(led[static_cast<std::size_t>(k)], from, to, k < lit ? p.soc : SSIM_LED_OFF));
    }
  }
}

class SofarPanel : public ::testing::TestWithParam<Panel> {};

TEST_P(SofarPanel, SweepsDownCodesThenShowsStandby) {
  const Panel& p = GetParam();
  PlantRig rig(p.config, 0.6);
  ASSERT_EQ(rig.master().spec().leds, p.leds);
  CrossCheck check(rig);
  rig.start();
  const auto started = run_checked(rig, check, [&] { return rig.master().main_path_closed(); }, s(30));
  ASSERT_TRUE(started) << rig.log_text();
  const std::int64_t closed = *started;
  run_checked(rig, check, closed + s(10));
  EXPECT_EQ(check.failures(), 0u) << check.first_failure();
  const auto led = timelines(rig);

  // The long press acts at its (debounced) release.
  const std::int64_t release = rig.setup().start_hold_ns;
  const auto t0 = led[p.leds - 1u].first(p.leds - 1u == p.run ? p.run_colour : p.alm_colour, 0);
  ASSERT_TRUE(t0);
  EXPECT_GE(*t0, release);
  EXPECT_LE(*t0, release + ms(100));
  // The manuals give the order, L(n) down to L1, but no timing: the step is
  // the firmware's default led.sweep.step_ms.
  const std::int64_t step = ms(rig.param("led.sweep.step_ms"));
  ASSERT_GT(step, 0);
  const std::int64_t end = *t0 + p.leds * step;
  for (int k = 0; k < p.leds; ++k) {
    const auto i = static_cast<std::size_t>(p.leds - 1 - k);
    SCOPED_TRACE(label(i));
    const std::int64_t lit = *t0 + k * step;
    EXPECT_EQ(led[i].at(lit - ms(10)), SSIM_LED_OFF);
    EXPECT_NE(led[i].at(lit), SSIM_LED_OFF);
    EXPECT_TRUE(steady(led[i], lit, end - ms(10), led[i].at(lit)));
  }
  // Automatic coding: every LED lit, RUN in the coding colour.
  if (p.coding_run) {
    const auto coding = led[p.run].first(*p.coding_run, end - ms(10));
    ASSERT_TRUE(coding) << "RUN never showed the coding colour";
    EXPECT_LE(*coding, closed);
    for (std::size_t i = 0; i < p.soc_leds; ++i) EXPECT_EQ(led[i].at(*coding), p.soc) << "L" << i + 1;
  }
  // Standby (manual: "Standby: Flash 1", SOC "according to the battery level").
  const std::int64_t from = closed + s(1), to = closed + s(10);
  ASSERT_EQ(rig.state(), SSIM_STATE_STANDBY);
  EXPECT_TRUE(blinks(led[p.run], from, to, p.run_colour, kFlash1On, kFlash1Off));
  if (p.alm != p.run) {
    EXPECT_TRUE(steady(led[p.alm], from, to, SSIM_LED_OFF));
  }
  expect_bar(p, led, from, to, lit_for(p, rig.status()->soc_permille));
}

TEST_P(SofarPanel, DischargingFlashes3AndChargingFlashesTheHighestSocLed) {
  const Panel& p = GetParam();
  PlantRig rig(p.config, 0.6);
  CrossCheck check(rig);
  rig.start();
  const auto closed = run_checked(rig, check, [&] { return rig.master().main_path_closed(); }, s(30));
  ASSERT_TRUE(closed) << rig.log_text();
  run_checked(rig, check, *closed + s(1));
  const double fifth_C_A = rig.param("capacity.nominal_mAh") / 5000.0;
  const auto discharge = physics::TerminalCommand::current(-fifth_C_A);
  const auto charge = physics::TerminalCommand::current(fifth_C_A);

  const auto discharging = run_checked(
      rig, check, [&] { return rig.state() == SSIM_STATE_DISCHARGE; }, rig.now_ns() + s(2), discharge);
  ASSERT_TRUE(discharging);
  run_checked(rig, check, *discharging + s(9), discharge);
  auto led = timelines(rig);
  const std::int64_t dfrom = *discharging + ms(200), dto = *discharging + s(9);
  EXPECT_TRUE(blinks(led[p.run], dfrom, dto, p.run_colour, kFlash3On, kFlash3Off));
  expect_bar(p, led, dfrom, dto, lit_for(p, rig.status()->soc_permille));

  const auto charging =
      run_checked(rig, check, [&] { return rig.state() == SSIM_STATE_CHARGE; }, rig.now_ns() + s(2), charge);
  ASSERT_TRUE(charging);
  run_checked(rig, check, *charging + s(6), charge);
  led = timelines(rig);
  const std::int64_t cfrom = *charging + ms(200), cto = *charging + s(6);
  // "Charging: Light", "the highest capacity indicator LED flashes (flash 2),
  // others lighting".
  EXPECT_TRUE(steady(led[p.run], cfrom, cto, p.run_colour));
  const int lit = lit_for(p, rig.status()->soc_permille);
  expect_bar(p, led, cfrom, cto, lit, lit - 1);
  EXPECT_EQ(check.failures(), 0u) << check.first_failure();
}

TEST_P(SofarPanel, ProtectionShowsAlmRedAndUnderVoltageShowsNothing) {
  const Panel& p = GetParam();
  {
    PlantRig rig(p.config, 0.6);
    RowDrive drive(rig, find_row(p.product, "cell_over_voltage"));
    const std::int64_t closed = start_and_close(rig);
    rig.run_until(closed + s(1), drive.command());
    drive.set_phase(RowDrive::Phase::kBeyond);
    const auto prot = rig.run_until_true([&] { return rig.state() == SSIM_STATE_PROTECT; }, rig.now_ns() + s(5),
                                         drive.command());
    ASSERT_TRUE(prot) << rig.log_text();
    rig.run_until(*prot + s(3), drive.command());
    const auto led = timelines(rig);
    // "Protection: RUN OFF, ALM Light, battery level all OFF".
    const std::int64_t from = *prot, to = *prot + s(3);
    EXPECT_TRUE(steady(led[p.alm], from, to, p.alm_colour));
    if (p.run != p.alm) {
      EXPECT_TRUE(steady(led[p.run], from, to, SSIM_LED_OFF));
    }
    expect_bar(p, led, from, to, 0);
  }
  {
    PlantRig rig(p.config, 0.6);
    RowDrive drive(rig, find_row(p.product, "cell_under_voltage"));
    const std::int64_t closed = start_and_close(rig);
    rig.run_until(closed + s(1), drive.command());
    drive.set_phase(RowDrive::Phase::kBeyond);
    const auto uvp = rig.run_until_true([&] { return rig.state() == SSIM_STATE_OVER_DISCHARGED; },
                                        rig.now_ns() + s(5), drive.command());
    ASSERT_TRUE(uvp) << rig.log_text();
    rig.run_until(*uvp + s(3), drive.command());
    const auto led = timelines(rig);
    // "Discharging UVP: all OFF".
    for (std::size_t i = 0; i < p.leds; ++i) {
      EXPECT_TRUE(steady(led[i], *uvp, *uvp + s(3), SSIM_LED_OFF)) << "L" << i + 1;
    }
  }
}

TEST_P(SofarPanel, LongPressSweepsUpAndShutsDown) {
  const Panel& p = GetParam();
  PlantRig rig(p.config, 0.6);
  const std::int64_t closed = start_and_close(rig);
  rig.run_until(closed + s(2));
  const std::int64_t release = rig.now_ns() + rig.setup().start_hold_ns;
  rig.master().press_button(rig.now_ns(), release);
  rig.run_until(release + s(8));
  const auto led = timelines(rig);
  // Manual: "LED will lights from L1 to L(n) to shut down the battery". The
  // sweep replaces the display at the long press (the first change after
  // the release).
  std::optional<std::int64_t> t0;
  for (const LedEvent& e : rig.plant().led_events(rig.plant().master(0))) {
    if (e.t_ns >= release) {
      t0 = e.t_ns;
      break;
    }
  }
  ASSERT_TRUE(t0);
  EXPECT_LE(*t0, release + ms(100));
  const std::int64_t step = ms(rig.param("led.sweep.step_ms"));
  for (std::size_t i = 0; i < p.leds; ++i) {
    SCOPED_TRACE(label(i));
    const std::int64_t lit = *t0 + static_cast<std::int64_t>(i) * step;
    if (i > 0) {
      EXPECT_EQ(led[i].at(lit - ms(10)), SSIM_LED_OFF);
    }
    EXPECT_NE(led[i].at(lit), SSIM_LED_OFF);
    EXPECT_TRUE(steady(led[i], *t0 + p.leds * step, release + s(8), SSIM_LED_OFF));
  }
  EXPECT_EQ(rig.state(), SSIM_STATE_SHUTDOWN);
  EXPECT_FALSE(rig.master().main_path_closed());
}

std::string panel_name(const ::testing::TestParamInfo<Panel>& i) { return i.param.product; }

INSTANTIATE_TEST_SUITE_P(Families, SofarPanel, ::testing::ValuesIn(panels()), panel_name);

// Every battery-level row of each manual's table: the unit started at the
// middle of the band shows that many SOC LEDs in standby.
struct Level {
  Panel panel;
  int band = 0;
};
void PrintTo(const Level& l, std::ostream* os) { *os << l.panel.product << " band " << l.band; }

std::vector<Level> levels() {
  std::vector<Level> out;
  for (const Panel& p : panels()) {
    for (std::size_t k = 0; k < p.band_top_pct.size(); ++k) out.push_back({p, static_cast<int>(k)});
  }
  return out;
}

class SofarSocBar : public ::testing::TestWithParam<Level> {};

TEST_P(SofarSocBar, StandbyShowsTheManualsBatteryLevel) {
  const Panel& p = GetParam().panel;
  const auto k = static_cast<std::size_t>(GetParam().band);
  const int lo = k == 0 ? 0 : p.band_top_pct[k - 1];
  const int hi = p.band_top_pct[k];
  PlantRig rig(p.config, (lo + hi) / 200.0);
  const std::int64_t closed = start_and_close(rig);
  rig.run_until(closed + s(5));
  const std::uint16_t soc = rig.status()->soc_permille;
  // The estimate must sit inside the band for the row to be the one tested.
  ASSERT_GT(soc, lo * 10 + 10);
  ASSERT_LT(soc, hi * 10 - 10);
  const auto led = timelines(rig);
  expect_bar(p, led, closed + s(1), closed + s(5), static_cast<int>(k) + 1);
}

std::string level_name(const ::testing::TestParamInfo<Level>& i) {
  std::ostringstream name;
  name << i.param.panel.product << "_band" << i.param.band + 1;
  return name.str();
}

INSTANTIATE_TEST_SUITE_P(EveryBand, SofarSocBar, ::testing::ValuesIn(levels()), level_name);

}  // namespace
}  // namespace stacksim::sim::testing
