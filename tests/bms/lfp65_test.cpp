// The 6.5 kWh 2P16S pack ("lfp65"): its own supply and front panel.
// 6.5 kWh manual 2.2: "battery powers off if level three under voltage, 0V
// cell or parallel connection failure happens"; 6.3: "Turn off the
// inverter. Communication will drop for 60 minutes before five LED lights
// flicker for three times and battery turns off." 2.3 / 6.1: LED1-LED4 show
// SOC (0-40, 41-60, 61-80, 81-100 % idle and discharging; 0-25, 26-50, 51-75,
// 76-99 % charging, LED k of n flickering with T = (n - k + 1) s), 0-13 %
// "LED1 flickers"; RUN/ALM: blue RUN on in operation, red ALM on for
// protection.
// The manual gives no flicker timing: the firmware's led.flicker.* (500 /
// 500 ms) is taken for the power-off flicker and LED1's low-SOC flicker.
#include <gtest/gtest.h>

#include "cross_check.hpp"
#include "led_timeline.hpp"
#include "measured.hpp"
#include "plant_fixture.hpp"
#include "rig_steps.hpp"
#include "row_drive.hpp"

namespace stacksim::sim::testing {
namespace {

constexpr std::uint16_t kSocLeds = 4;
constexpr std::uint16_t kRunAlm = 4;  // LED5: RUN (blue) / ALM (red), one light

std::vector<LedTimeline> timelines(PlantRig& rig) {
  std::vector<LedTimeline> t;
  for (std::uint16_t i = 0; i <= kRunAlm; ++i) t.emplace_back(rig.plant().led_events(rig.plant().master(0)), i);
  return t;
}

// Power-off: the five LEDs flicker `count` times, then the board lets go of
// its supply. Returns when it was off.
std::optional<std::int64_t> expect_power_off_flicker(PlantRig& rig, std::int64_t from_ns, std::int64_t limit_ns) {
  const auto off = rig.run_until_true([&] { return !rig.master().powered(); }, limit_ns);
  if (!off) return off;
  const std::int64_t on_ms = rig.param("led.flicker.on_ms"), off_ms = rig.param("led.flicker.off_ms");
  const std::int64_t flicker = rig.param("led.off_flicker.count") * ms(on_ms + off_ms);
  EXPECT_EQ(rig.param("led.off_flicker.count"), 3) << "manual: 'flicker for three times'";
  const auto led = timelines(rig);
  for (std::uint16_t i = 0; i <= kRunAlm; ++i) {
    // The flicker takes the last `flicker` before the supply goes (one
    // tick for the hold to drop, one step to see it). Each flicker ends by
    // going dark, on_ms after it lit (the first may merge with what the LED
    // showed before).
    const std::int64_t start = *off - flicker - 2 * PlantRig::kStep_ns;
    int flickers = 0;
    for (const LedSegment& seg : led[i].segments(start, *off)) {
      if (seg.colour == SSIM_LED_OFF || seg.to_ns >= *off || seg.to_ns < start + ms(on_ms) - ms(10)) continue;
      ++flickers;
      if (seg.from_ns > start) {
        // One tick short when the shutdown is decided after that tick's LEDs.
        EXPECT_NEAR(static_cast<double>(seg.to_ns - seg.from_ns), static_cast<double>(ms(on_ms)),
                    static_cast<double>(PlantRig::kStep_ns))
            << "LED" << i + 1;
      }
    }
    EXPECT_EQ(flickers, 3) << "LED" << i + 1;
  }
  EXPECT_GE(*off - from_ns, flicker);
  return off;
}

TEST(Lfp65, PowersOffAfterTheHourWithoutPcsCommunication) {
  PlantRig rig("lfp65-x1", 0.6);
  CrossCheck check(rig);
  rig.start();
  const auto closed = run_checked(rig, check, [&] { return rig.master().main_path_closed(); }, s(30));
  ASSERT_TRUE(closed) << rig.log_text();
  run_checked(rig, check, *closed + s(1));
  // One query from "the PCS" on the plant's PCS bus (growatt-lv, the pack's profile).
  bus::CanBus& pcs = rig.plant().pcs_bus();
  const std::size_t node = pcs.attach("pcs", [](const bus::CanFrame&, std::int64_t) {});
  bus::CanFrame frame;
  frame.id = 0x301;
  frame.dlc = 8;
  const std::int64_t sent = rig.now_ns();
  ASSERT_EQ(pcs.send(node, frame, sent), bus::CanBus::SendResult::kQueued);
  const std::int64_t power_off = ms(rig.param("pcs.power_off_ms"));
  EXPECT_EQ(power_off, s(3600)) << "manual 6.3: 60 minutes";
  run_checked(rig, check, sent + power_off);
  EXPECT_EQ(check.failures(), 0u) << check.first_failure();
  EXPECT_TRUE(rig.master().powered()) << "off before the hour";
  EXPECT_TRUE(rig.master().main_path_closed());
  const auto off = expect_power_off_flicker(rig, sent + power_off, sent + power_off + s(10));
  ASSERT_TRUE(off) << rig.log_text();
  EXPECT_LE(*off, sent + power_off + s(3) + ms(100));
  EXPECT_FALSE(rig.master().main_path_closed());
}

TEST(Lfp65, StaysOnWithoutAnyPcs) {
  // The hour counts from the PCS's last frame: a pack that never heard one
  // (no inverter connected yet) stays on. A shorter hour keeps this fast.
  PlantRig rig("lfp65-x1", 0.6, 1, {}, {{"pcs.power_off_ms", 60000}});
  const std::int64_t closed = start_and_close(rig);
  rig.run_until(closed + s(150));
  EXPECT_TRUE(rig.master().powered());
  EXPECT_TRUE(rig.master().main_path_closed());
}

TEST(Lfp65, PowersOffAtLevelThreeUnderVoltage) {
  PlantRig rig("lfp65-x1", 0.5);
  const std::int64_t closed = start_and_close(rig);
  rig.run_until(closed + s(1));
  // Both cells of the lowest group nearly empty: 2P, so the group (one AFE
  // channel) goes below the 2.8 V protection by the physics alone.
  const physics::GroupInfo& g = rig.physics().group(rig.physics().branch(0).first_group);
  for (std::size_t c = g.first_cell; c < g.first_cell + g.cells; ++c) rig.physics().set_cell_soc(c, 0.002);
  const RowSpec uv = find_row("lfp65", "cell_under_voltage");
  MeasuredQuantities measured(rig.plant(), 0);
  const RowLimits lim = row_limits(uv, rig);
  RunWatch below([&](std::int32_t v) { return lim.out(v); }, ms(uv.debounce_ms));
  const auto tripped = rig.run_until_true(
      [&] {
        below.observe(rig.now_ns(), measured.value(fw::Quantity::kCellMin_mV));
        return rig.status()->state == SSIM_STATE_OVER_DISCHARGED;
      },
      rig.now_ns() + s(10));
  ASSERT_TRUE(tripped) << rig.log_text();
  ASSERT_TRUE(below.held_at());
  EXPECT_GE(*tripped, *below.held_at());
  EXPECT_LE(*tripped, *below.held_at() + measured.evaluation_latency_ns(fw::Quantity::kCellMin_mV) +
                          MeasuredQuantities::kStatusLatency_ns);
  const auto off = expect_power_off_flicker(rig, *tripped - MeasuredQuantities::kStatusLatency_ns, *tripped + s(10));
  ASSERT_TRUE(off) << rig.log_text();
  EXPECT_FALSE(rig.master().main_path_closed());
}

TEST(Lfp65, PowersOffOnAZeroVoltCell) {
  PlantRig rig("lfp65-x1", 0.5);
  const std::int64_t closed = start_and_close(rig);
  rig.run_until(closed + s(1));
  // An internally shorted cell reads 0 V: the front end's channel shows it.
  rig.master().afe()->set_channel_fault(7, hw::ChannelFault::kStuck, 0.0);
  const std::int64_t t0 = rig.now_ns();
  MeasuredQuantities measured(rig.plant(), 0);
  const auto seen = rig.run_until_true([&] { return (rig.status()->faults & SSIM_FAULT_ZERO_VOLT_CELL) != 0; },
                                       t0 + s(2));
  ASSERT_TRUE(seen) << rig.log_text();
  EXPECT_LE(*seen - t0, rig.master().afe()->spec().scan_period_ns +
                            measured.evaluation_latency_ns(fw::Quantity::kCellMin_mV) +
                            MeasuredQuantities::kStatusLatency_ns);
  const auto off = expect_power_off_flicker(rig, t0, *seen + s(10));
  ASSERT_TRUE(off) << rig.log_text();
}

// Idle (standby) SOC bar by the manual's idle/discharging rows.
struct IdleLevel {
  double soc;
  int lit;
};
class Lfp65IdleBar : public ::testing::TestWithParam<IdleLevel> {};

TEST_P(Lfp65IdleBar, ShowsTheManualsRow) {
  PlantRig rig("lfp65-x1", GetParam().soc);
  const std::int64_t closed = start_and_close(rig);
  rig.run_until(closed + s(6));
  const auto led = timelines(rig);
  const std::int64_t from = closed + s(1), to = closed + s(6);
  const auto soc = static_cast<ssim_led_colour>(rig.param("led.soc.colour"));
  EXPECT_TRUE(steady(led[kRunAlm], from, to, SSIM_LED_BLUE)) << "RUN on";
  for (std::uint16_t k = 0; k < kSocLeds; ++k) {
    EXPECT_TRUE(steady(led[k], from, to, k < GetParam().lit ? soc : SSIM_LED_OFF)) << "LED" << k + 1;
  }
}

INSTANTIATE_TEST_SUITE_P(Rows, Lfp65IdleBar,
                         ::testing::Values(IdleLevel{0.25, 1}, IdleLevel{0.5, 2}, IdleLevel{0.7, 3},
                                           IdleLevel{0.9, 4}));

TEST(Lfp65Leds, LowSocFlickersLed1AndAlm) {
  // 0-13 %: "LED1 flickers"; 0-15 %: low SOC, "ALM light flickers" (7.4),
  // alternating with RUN on the shared light.
  PlantRig rig("lfp65-x1", 0.07);
  const std::int64_t closed = start_and_close(rig);
  rig.run_until(closed + s(6));
  ASSERT_LE(rig.status()->soc_permille, 130);
  const auto led = timelines(rig);
  const std::int64_t from = closed + s(1), to = closed + s(6);
  const std::int64_t on = rig.param("led.flicker.on_ms"), off = rig.param("led.flicker.off_ms");
  // The manual names no colour for the SOC LEDs: the firmware's led.soc.colour.
  const auto soc = static_cast<ssim_led_colour>(rig.param("led.soc.colour"));
  EXPECT_TRUE(blinks(led[0], from, to, soc, on, off));
  EXPECT_TRUE(blinks(led[kRunAlm], from, to, SSIM_LED_RED, on, off, SSIM_LED_BLUE));
  for (std::uint16_t k = 1; k < kSocLeds; ++k) {
    EXPECT_TRUE(steady(led[k], from, to, SSIM_LED_OFF));
  }
}

struct ChargeLevel {
  double soc;
  int lit;
};
class Lfp65ChargeBar : public ::testing::TestWithParam<ChargeLevel> {};

TEST_P(Lfp65ChargeBar, FlickersWithTheManualsPeriods) {
  PlantRig rig("lfp65-x1", GetParam().soc);
  const std::int64_t closed = start_and_close(rig);
  rig.run_until(closed + s(1));
  const auto charging = rig.run_until_true([&] { return rig.state() == SSIM_STATE_CHARGE; }, rig.now_ns() + s(2),
                                           physics::TerminalCommand::current(20.0));
  ASSERT_TRUE(charging);
  rig.run_until(*charging + s(12), physics::TerminalCommand::current(20.0));
  const auto led = timelines(rig);
  const std::int64_t from = *charging + ms(100), to = *charging + s(12);
  const int n = GetParam().lit;
  EXPECT_TRUE(steady(led[kRunAlm], from, to, SSIM_LED_BLUE)) << "RUN on";
  const auto soc = static_cast<ssim_led_colour>(rig.param("led.soc.colour"));
  for (int k = 0; k < kSocLeds; ++k) {
    SCOPED_TRACE(k + 1);
    if (k >= n) {
      EXPECT_TRUE(steady(led[static_cast<std::size_t>(k)], from, to, SSIM_LED_OFF));
      continue;
    }
    // LED k+1 of n: T = (n - k) s, half on.
    const std::int64_t period_ms = 1000 * (n - k);
    EXPECT_TRUE(blinks(led[static_cast<std::size_t>(k)], from, to, soc, period_ms / 2, period_ms / 2));
  }
}

INSTANTIATE_TEST_SUITE_P(Rows, Lfp65ChargeBar,
                         ::testing::Values(ChargeLevel{0.2, 1}, ChargeLevel{0.37, 2}, ChargeLevel{0.62, 3},
                                           ChargeLevel{0.87, 4}));

TEST(Lfp65Leds, ProtectionLightsAlmRed) {
  PlantRig rig("lfp65-x1", 0.6);
  RowDrive ov(rig, find_row("lfp65", "cell_over_voltage"));
  const std::int64_t closed = start_and_close(rig);
  rig.run_until(closed + s(1), ov.command());
  ov.set_phase(RowDrive::Phase::kBeyond);
  const auto prot = rig.run_until_true([&] { return rig.state() == SSIM_STATE_PROTECT; }, rig.now_ns() + s(5),
                                       ov.command());
  ASSERT_TRUE(prot);
  rig.run_until(*prot + s(3), ov.command());
  const auto led = timelines(rig);
  EXPECT_TRUE(steady(led[kRunAlm], *prot, *prot + s(3), SSIM_LED_RED));
}

}  // namespace
}  // namespace stacksim::sim::testing
