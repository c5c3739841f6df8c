// The LED panels of the four families, configured from their real
// parameters (models/firmware/*.json), against the manuals' tables:
// GTX3000 5.3.2, GTX5000 5.2.2, GTX2500 5.2.2, 6.5 kWh 2.3 / 6.1 / 6.3.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "core/led.hpp"
#include "product_params.hpp"

namespace stacksim::fw {
namespace {

using test::product;

class Panel {
 public:
  explicit Panel(const std::string& name) {
    const auto& p = product(name);
    EXPECT_TRUE(p.problems.empty()) << p.problems;
    EXPECT_TRUE(panel_.configure(p.set()));
  }
  LedColours at(ssim_bms_state state, std::uint16_t soc, std::uint32_t now_ms, bool coding = false,
                bool alarm = false) {
    LedView v;
    v.state = state;
    v.soc_permille = soc;
    v.coding = coding;
    v.alarm = alarm;
    LedColours out{};
    panel_.render(v, now_ms, out);
    return out;
  }
  // SOC LEDs showing their colour at `now_ms` (a freshly started pattern is on).
  int lit_soc(ssim_bms_state state, std::uint16_t soc, std::uint32_t now_ms = 0) {
    const LedColours c = at(state, soc, now_ms);
    int n = 0;
    for (int i = 0; i < panel_.soc_count(); ++i) n += c[static_cast<std::size_t>(i)] != SSIM_LED_OFF;
    return n;
  }
  LedPanel& panel() { return panel_; }

 private:
  LedPanel panel_;
};

// (SOC permille, LEDs lit) at the edges of the manuals' bands.
using Bands = std::vector<std::pair<std::uint16_t, int>>;

void expect_bands(const std::string& name, ssim_bms_state state, const Bands& bands) {
  for (const auto& [soc, leds] : bands) {
    Panel p(name);  // fresh: every pattern starts "on" at time 0
    EXPECT_EQ(p.lit_soc(state, soc), leds) << name << " state " << state << " SOC " << soc << " permille";
  }
}

TEST(LedFamily, Gtx3000SocStepsOf25Percent) {
  // 5.3.2: 0~25 % L1, 26~50 % L1-L2, 51~75 % L1-L3, 75~100 % L1-L4.
  const Bands bands = {{0, 1}, {250, 1}, {251, 2}, {500, 2}, {501, 3}, {750, 3}, {751, 4}, {1000, 4}};
  expect_bands("gtx3000", SSIM_STATE_DISCHARGE, bands);
  expect_bands("gtx3000", SSIM_STATE_STANDBY, bands);
  expect_bands("gtx3000", SSIM_STATE_CHARGE, bands);
}

TEST(LedFamily, Gtx5000AndGtx2500SocStepsOfOneSixth) {
  // 5.2.2: 0~17, 18~33, 34~50, 51~66, 67~83, 84~100 %.
  const Bands bands = {{0, 1},   {170, 1}, {171, 2}, {330, 2}, {331, 3}, {500, 3},
                       {501, 4}, {660, 4}, {661, 5}, {830, 5}, {831, 6}, {1000, 6}};
  for (const char* name : {"gtx5000", "gtx2500"}) {
    expect_bands(name, SSIM_STATE_DISCHARGE, bands);
    expect_bands(name, SSIM_STATE_CHARGE, bands);
  }
}

TEST(LedFamily, Lfp65SocSteps) {
  // 2.3 / 6.1 discharging and idle: LED1 0-40 %, LED2 41-60, LED3 61-80, LED4 81-100.
  const Bands idle = {{131, 1}, {400, 1}, {401, 2}, {600, 2}, {601, 3}, {800, 3}, {801, 4}, {1000, 4}};
  expect_bands("lfp65", SSIM_STATE_DISCHARGE, idle);
  expect_bands("lfp65", SSIM_STATE_STANDBY, idle);
  // 6.1 charging: 0-25, 26-50, 51-75, 76-99 %, 100 %.
  const Bands charging = {{0, 1}, {250, 1}, {251, 2}, {500, 2}, {501, 3}, {750, 3}, {751, 4}, {1000, 4}};
  expect_bands("lfp65", SSIM_STATE_CHARGE, charging);
}

TEST(LedFamily, Gtx3000StatusLed) {
  // 5.3.2: L5 green steady while charging, flash 1 in standby, flash 3 while
  // discharging; red when protected or failed with L1-L4 off; all off in UVP.
  const std::size_t l5 = 4;
  {
    Panel p("gtx3000");
    EXPECT_EQ(p.at(SSIM_STATE_STANDBY, 600, 0)[l5], SSIM_LED_GREEN);
    EXPECT_EQ(p.at(SSIM_STATE_STANDBY, 600, 249)[l5], SSIM_LED_GREEN);
    EXPECT_EQ(p.at(SSIM_STATE_STANDBY, 600, 250)[l5], SSIM_LED_OFF);
    EXPECT_EQ(p.at(SSIM_STATE_STANDBY, 600, 3999)[l5], SSIM_LED_OFF);
    EXPECT_EQ(p.at(SSIM_STATE_STANDBY, 600, 4000)[l5], SSIM_LED_GREEN);
    EXPECT_EQ(p.at(SSIM_STATE_STANDBY, 600, 4000)[0], SSIM_LED_BLUE);  // SOC steady
  }
  {
    Panel p("gtx3000");  // discharging: flash 3 from the moment it starts
    EXPECT_EQ(p.at(SSIM_STATE_DISCHARGE, 600, 10000)[l5], SSIM_LED_GREEN);
    EXPECT_EQ(p.at(SSIM_STATE_DISCHARGE, 600, 10499)[l5], SSIM_LED_GREEN);
    EXPECT_EQ(p.at(SSIM_STATE_DISCHARGE, 600, 10500)[l5], SSIM_LED_OFF);
    EXPECT_EQ(p.at(SSIM_STATE_DISCHARGE, 600, 11999)[l5], SSIM_LED_OFF);
    EXPECT_EQ(p.at(SSIM_STATE_DISCHARGE, 600, 12000)[l5], SSIM_LED_GREEN);
  }
  Panel p("gtx3000");
  for (std::uint32_t t : {0u, 700u, 3000u}) EXPECT_EQ(p.at(SSIM_STATE_CHARGE, 600, t)[l5], SSIM_LED_GREEN);
  for (ssim_bms_state s : {SSIM_STATE_PROTECT, SSIM_STATE_FAULT}) {
    const LedColours c = p.at(s, 600, 5000);
    EXPECT_EQ(c[l5], SSIM_LED_RED);
    for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(c[i], SSIM_LED_OFF);
  }
  for (ssim_bms_state s : {SSIM_STATE_OVER_DISCHARGED, SSIM_STATE_SHUTDOWN}) {
    const LedColours c = p.at(s, 600, 6000);
    for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(c[i], SSIM_LED_OFF);
  }
  const LedColours full = p.at(SSIM_STATE_FULL_CHARGE, 1000, 7000);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(full[i], SSIM_LED_BLUE);
  EXPECT_EQ(full[l5], SSIM_LED_GREEN);
}

TEST(LedFamily, ChargingFlashesTheHighestSocLedWithFlash2) {
  // 5.3.2: "the highest capacity indicator LED flashes (flash 2), others lighting".
  Panel p("gtx3000");
  const std::uint32_t t0 = 20000;
  EXPECT_EQ(p.at(SSIM_STATE_CHARGE, 600, t0)[2], SSIM_LED_BLUE);  // L3 is the highest at 60 %
  EXPECT_EQ(p.at(SSIM_STATE_CHARGE, 600, t0 + 499)[2], SSIM_LED_BLUE);
  EXPECT_EQ(p.at(SSIM_STATE_CHARGE, 600, t0 + 500)[2], SSIM_LED_OFF);
  EXPECT_EQ(p.at(SSIM_STATE_CHARGE, 600, t0 + 500)[1], SSIM_LED_BLUE);  // L2 steady
  EXPECT_EQ(p.at(SSIM_STATE_CHARGE, 600, t0 + 999)[2], SSIM_LED_OFF);
  EXPECT_EQ(p.at(SSIM_STATE_CHARGE, 600, t0 + 1000)[2], SSIM_LED_BLUE);
  // Crossing 75 %: L4 starts flashing then (on first), L3 turns steady.
  const std::uint32_t t1 = t0 + 1700;  // L3 would be off now
  const LedColours c = p.at(SSIM_STATE_CHARGE, 751, t1);
  EXPECT_EQ(c[2], SSIM_LED_BLUE);
  EXPECT_EQ(c[3], SSIM_LED_BLUE);
  EXPECT_EQ(p.at(SSIM_STATE_CHARGE, 751, t1 + 500)[3], SSIM_LED_OFF);
  EXPECT_EQ(p.at(SSIM_STATE_CHARGE, 751, t1 + 500)[2], SSIM_LED_BLUE);
}

TEST(LedFamily, Gtx5000AndGtx2500StatusLeds) {
  {
    Panel p("gtx5000");  // 5.2.1: L7 blue running, red abnormal, purple while coding
    EXPECT_EQ(p.at(SSIM_STATE_CHARGE, 500, 0)[6], SSIM_LED_BLUE);
    EXPECT_EQ(p.at(SSIM_STATE_PROTECT, 500, 100)[6], SSIM_LED_RED);
    const LedColours coding = p.at(SSIM_STATE_STARTING, 500, 200, true);
    EXPECT_EQ(coding[6], SSIM_LED_PURPLE);
    for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(coding[i], SSIM_LED_BLUE);
    EXPECT_EQ(p.at(SSIM_STATE_STARTING, 500, 700, true)[6], SSIM_LED_OFF);  // "all LED lights flash"
  }
  Panel p("gtx2500");  // 5.2.2: L8 green run, L7 red alarm, L1-L6 green SOC
  const LedColours run = p.at(SSIM_STATE_CHARGE, 500, 0);
  EXPECT_EQ(run[7], SSIM_LED_GREEN);
  EXPECT_EQ(run[6], SSIM_LED_OFF);
  EXPECT_EQ(run[0], SSIM_LED_GREEN);
  const LedColours fault = p.at(SSIM_STATE_FAULT, 500, 100);
  EXPECT_EQ(fault[7], SSIM_LED_OFF);
  EXPECT_EQ(fault[6], SSIM_LED_RED);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(fault[i], SSIM_LED_OFF);
}

TEST(LedFamily, Gtx3000CodingLightsEverythingWithL5Purple) {
  Panel p("gtx3000");  // 5.3.3.2: "all LED lights (L5 lights as purple)"
  for (std::uint32_t t : {0u, 600u, 5000u}) {
    const LedColours c = p.at(SSIM_STATE_STARTING, 300, t, true);
    EXPECT_EQ(c[4], SSIM_LED_PURPLE);
    for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(c[i], SSIM_LED_BLUE);
  }
}

TEST(LedFamily, Gtx3000SweepsL5ToL1AtStartAndL1ToL5AtShutdown) {
  Panel p("gtx3000");
  const std::uint32_t step = static_cast<std::uint32_t>(product("gtx3000").value("led.sweep.step_ms"));
  p.panel().start_startup_sweep(1000);
  LedColours c = p.at(SSIM_STATE_STARTING, 500, 1000);
  EXPECT_EQ(c[4], SSIM_LED_GREEN);
  EXPECT_EQ(c[3], SSIM_LED_OFF);
  c = p.at(SSIM_STATE_STARTING, 500, 1000 + step);
  EXPECT_EQ(c[3], SSIM_LED_BLUE);
  EXPECT_EQ(c[0], SSIM_LED_OFF);
  c = p.at(SSIM_STATE_STARTING, 500, 1000 + 4 * step);
  EXPECT_EQ(c[0], SSIM_LED_BLUE);
  EXPECT_TRUE(p.panel().sequence_active(1000 + 5 * step - 1));
  EXPECT_FALSE(p.panel().sequence_active(1000 + 5 * step));

  p.panel().start_shutdown_sweep(20000);
  c = p.at(SSIM_STATE_STANDBY, 500, 20000);
  EXPECT_EQ(c[0], SSIM_LED_BLUE);
  EXPECT_EQ(c[4], SSIM_LED_OFF);
  c = p.at(SSIM_STATE_STANDBY, 500, 20000 + 4 * step);
  EXPECT_EQ(c[4], SSIM_LED_GREEN);
}

TEST(LedFamily, Lfp65ChargingFlickerPeriods) {
  // 6.1 charging 76-99 %: LED1 T=4s, LED2 T=3s, LED3 T=2s, LED4 T=1s.
  Panel p("lfp65");
  const std::uint32_t t0 = 50000;
  const std::uint32_t period[4] = {4000, 3000, 2000, 1000};
  for (std::size_t k = 0; k < 4; ++k) {
    for (std::uint32_t dt : {0u, period[k] / 2 - 1, period[k] / 2, period[k] - 1, period[k]}) {
      const bool on = dt % period[k] < period[k] / 2;
      EXPECT_EQ(p.at(SSIM_STATE_CHARGE, 900, t0 + dt)[k], on ? SSIM_LED_GREEN : SSIM_LED_OFF)
          << "LED" << k + 1 << " at +" << dt;
    }
  }
  EXPECT_EQ(p.at(SSIM_STATE_CHARGE, 900, t0)[4], SSIM_LED_BLUE);  // RUN on while charging
  // 100 %: all steady.
  const LedColours full = p.at(SSIM_STATE_CHARGE, 1000, t0 + 1500);
  for (std::size_t k = 0; k < 4; ++k) EXPECT_EQ(full[k], SSIM_LED_GREEN);
}

TEST(Lfp65, LowSocFlickersLed1AndTheAlarm) {
  Panel p("lfp65");
  // 6.1: 13 %-0 % LED1 flickers; 7.4: 0-15 % ALM flickers (over RUN).
  const std::uint32_t on = static_cast<std::uint32_t>(product("lfp65").value("led.flicker.on_ms"));
  LedColours c = p.at(SSIM_STATE_DISCHARGE, 130, 0);
  EXPECT_EQ(c[0], SSIM_LED_GREEN);
  EXPECT_EQ(c[4], SSIM_LED_RED);
  c = p.at(SSIM_STATE_DISCHARGE, 130, on);
  EXPECT_EQ(c[0], SSIM_LED_OFF);
  EXPECT_EQ(c[4], SSIM_LED_BLUE);  // RUN shows between the ALM flickers
  Panel q("lfp65");
  c = q.at(SSIM_STATE_DISCHARGE, 151, 0);  // 15.1 %: no alarm
  EXPECT_EQ(c[4], SSIM_LED_BLUE);
  EXPECT_EQ(q.at(SSIM_STATE_DISCHARGE, 151, on)[4], SSIM_LED_BLUE);
  EXPECT_EQ(q.at(SSIM_STATE_DISCHARGE, 151, on)[0], SSIM_LED_GREEN);
  // Protection: ALM steady red.
  EXPECT_EQ(q.at(SSIM_STATE_PROTECT, 500, 10000)[4], SSIM_LED_RED);
  EXPECT_EQ(q.at(SSIM_STATE_PROTECT, 500, 10000 + on)[4], SSIM_LED_RED);
}

TEST(Lfp65, PowerOffFlickersFiveLedsThreeTimes) {
  Panel p("lfp65");  // 6.3
  p.panel().start_power_off_flicker(1000);
  int rising = 0;
  bool previous = false;
  for (std::uint32_t t = 1000; t < 20000; t += 10) {
    const LedColours c = p.at(SSIM_STATE_STANDBY, 700, t);
    const bool all_on = c[0] != SSIM_LED_OFF && c[1] != SSIM_LED_OFF && c[2] != SSIM_LED_OFF &&
                        c[3] != SSIM_LED_OFF && c[4] != SSIM_LED_OFF;
    if (p.panel().sequence_active(t)) {
      if (all_on && !previous) ++rising;
      previous = all_on;
    }
  }
  EXPECT_EQ(rising, 3);
}

TEST(Lfp65, ParallelSuccessFlickersRunFiveTimes) {
  Panel p("lfp65");  // 6.1
  p.panel().start_parallel_ok(0);
  int rising = 0;
  bool previous = false;
  for (std::uint32_t t = 0; t < 20000; t += 10) {
    const bool on = p.at(SSIM_STATE_STANDBY, 700, t)[4] != SSIM_LED_OFF;
    if (on && !previous) ++rising;
    previous = on;
  }
  EXPECT_EQ(rising, 5 + 1);  // five flickers, then RUN steady again
}

}  // namespace
}  // namespace stacksim::fw
