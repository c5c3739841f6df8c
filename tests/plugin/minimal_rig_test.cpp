// The minimal C firmware (examples/minimal_firmware), loaded through the ABI
// from its shared library and run in process on a real 6.5 kWh pack: the
// boards, the simulated front end and the physics of the plant rig.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "plant_fixture.hpp"
#include "sim/firmware_plugin.hpp"

namespace stacksim::sim::testing {
namespace {

// minimal_firmware.c's window and hysteresis.
constexpr double kOverVoltage_mV = 3650.0, kUnderVoltage_mV = 2500.0, kHysteresis_mV = 100.0;
// Its tick and how often it samples (10 ticks).
constexpr std::int64_t kTick_ns = ms(10), kSample_ns = ms(100);

// The plugin on every pack board; nothing else has the pack role.
FirmwareChoice minimal_on_packs() {
  std::string error;
  FirmwareChoice choice;
  choice.pack = load_firmware_plugin(MINIMAL_FW, error);
  if (!choice.pack) {
    ADD_FAILURE() << error;
    throw std::runtime_error(error);
  }
  return choice;
}

// Worst error of one front-end reading (docs/hardware.md, "Cell front end"):
// 3 sigma of gain and offset (calibration errors are clipped there), 5 sigma
// of conversion noise, half an LSB of rounding.
double afe_tolerance_mV(const hw::CellFrontEndSpec& afe, double cell_mV) {
  return 3.0 * afe.gain_sigma * cell_mV + 3.0 * afe.offset_sigma_mV + 5.0 * afe.noise_sigma_mV +
         0.5 * afe.lsb_mV;
}

struct Extremes {
  double min_mV = 1e9, max_mV = -1e9;
};

Extremes group_extremes_mV(const physics::PhysicsSystem& p, std::size_t branch) {
  Extremes e;
  const auto& b = p.branch(branch);
  for (std::size_t g = b.first_group; g < b.first_group + b.groups; ++g) {
    e.min_mV = std::min(e.min_mV, p.group_voltage_V(g) * 1000.0);
    e.max_mV = std::max(e.max_mV, p.group_voltage_V(g) * 1000.0);
  }
  return e;
}

class MinimalFirmware : public ::testing::Test {
 protected:
  MinimalFirmware() : rig_("lfp65-x1", 0.5, 1, minimal_on_packs()) {}

  const hw::BoardSpec& pack_spec() const { return *rig_.setup().hardware.board(SSIM_ROLE_PACK); }

  // Operator's start; returns when the path closed.
  std::int64_t start() {
    rig_.start();
    const auto closed = rig_.run_until_true([&] { return rig_.master().main_path_closed(); }, s(5));
    EXPECT_TRUE(closed) << rig_.log_text();
    return closed.value_or(0);
  }

  PlantRig rig_;
};

TEST_F(MinimalFirmware, RunsOnThePackBoardAsThePlugin) {
  const FirmwareNode& node = rig_.plant().node(rig_.plant().master(0));
  EXPECT_EQ(node.image().origin, MINIMAL_FW);
  EXPECT_STREQ(node.image().descriptor->name, "minimal-c-example");
  EXPECT_EQ(node.tick_period_ns(), kTick_ns);
  EXPECT_FALSE(node.running());  // nobody pressed POWER yet

  start();
  EXPECT_TRUE(node.running());
  EXPECT_THAT(rig_.log_text(), ::testing::HasSubstr("pack1: minimal firmware: started"));
  // Ticks at its own period from power-on: the first one a period after it.
  rig_.run_until(rig_.now_ns() + s(3));
  const std::int64_t powered_ns = rig_.now_ns() - rig_.master().powered_since_ns();
  EXPECT_EQ(static_cast<std::int64_t>(node.ticks()), powered_ns / kTick_ns);
  // It holds its own supply: the POWER press has ended and the board is on.
  EXPECT_TRUE(rig_.master().output(SSIM_OUT_POWER_HOLD));
  EXPECT_TRUE(rig_.master().powered());
}

TEST_F(MinimalFirmware, ClosesThePathAndReportsWhatTheFrontEndMeasures) {
  const std::int64_t closed_ns = start();
  EXPECT_LE(closed_ns, ms(100));  // closes at power-on, no pre-charge of its own
  rig_.run_until(closed_ns + s(2));
  EXPECT_EQ(rig_.master().led(0), SSIM_LED_GREEN);
  const auto status = rig_.status();
  ASSERT_TRUE(status);
  EXPECT_EQ(status->state, SSIM_STATE_STANDBY);  // no current
  EXPECT_EQ(status->protections, 0u);
  // Min and max cell as the pack's front end converts the physics' groups.
  const Extremes truth = group_extremes_mV(rig_.physics(), 0);
  const auto& afe = *pack_spec().afe;
  EXPECT_NEAR(status->cell_min_mV, truth.min_mV, afe_tolerance_mV(afe, truth.min_mV));
  EXPECT_NEAR(status->cell_max_mV, truth.max_mV, afe_tolerance_mV(afe, truth.max_mV));
  // NTCs on cells at 25 C (models/hardware/lfp65.json): R25 +-1 % is 0.26 C
  // (B/T^2 = 3435/298.15^2 = 3.86 %/K); the B tolerance does not act at 25 C.
  // A 12-bit code is 0.025 C at R = R_pullup: half of it for rounding, 5 x
  // 0.5 LSB of noise; and half of the 0.1 C the firmware reports in.
  const double code_C = 0.025;
  const double ntc_tolerance_C =
      0.01 / (3435.0 / (298.15 * 298.15)) + 0.5 * code_C + 5 * 0.5 * code_C + 0.05;
  EXPECT_NEAR(status->temp_min_dC / 10.0, 25.0, ntc_tolerance_C);
  EXPECT_NEAR(status->temp_max_dC / 10.0, 25.0, ntc_tolerance_C);
}

TEST_F(MinimalFirmware, OpensThePathWhenACellLeavesItsWindowAndClosesItWhenBack) {
  const std::int64_t closed_ns = start();
  rig_.run_until(closed_ns + s(1));
  physics::PhysicsSystem& p = rig_.physics();
  // One parallel group of the 2P16S pack nearly empty, the others at 50 %.
  const std::size_t group = p.branch(0).first_group + 5;
  const auto set_group_soc = [&](double soc) {
    const auto& g = p.group(group);
    for (std::size_t c = g.first_cell; c < g.first_cell + g.cells; ++c) p.set_cell_soc(c, soc);
  };
  set_group_soc(0.02);
  rig_.step(physics::TerminalCommand::current(0.0));
  ASSERT_GT(p.group_voltage_V(group) * 1000.0, kUnderVoltage_mV + 100.0) << "starts inside";

  // Discharge at 0.5C (64 A of 128 Ah) until the group falls out.
  const auto& afe = *pack_spec().afe;
  const double band_mV = afe_tolerance_mV(afe, kUnderVoltage_mV);
  const auto load = physics::TerminalCommand::current(-64.0);
  double lowest_seen_mV = 1e9;
  std::int64_t reported_below_ns = -1;  // first debug status with a cell below 2500 mV
  std::int64_t surely_below_ns = -1;    // first time physics was below it by more than the band
  const auto opened = rig_.run_until_true(
      [&] {
        const double v_mV = p.group_voltage_V(group) * 1000.0;
        if (rig_.master().main_path_closed()) lowest_seen_mV = std::min(lowest_seen_mV, v_mV);
        if (surely_below_ns < 0 && v_mV < kUnderVoltage_mV - band_mV) surely_below_ns = rig_.now_ns();
        const auto st = rig_.status();
        if (reported_below_ns < 0 && st && st->cell_min_mV < kUnderVoltage_mV) {
          reported_below_ns = rig_.now_ns();
        }
        return !rig_.master().main_path_closed();
      },
      rig_.now_ns() + s(600), load);
  ASSERT_TRUE(opened) << rig_.log_text();
  // Not before the front end could have read below 2500 mV...
  EXPECT_LT(lowest_seen_mV, kUnderVoltage_mV + band_mV);
  EXPECT_GT(lowest_seen_mV, kUnderVoltage_mV - band_mV);
  // ...acting in the tick that saw it: the outputs apply at the next step,
  // the relays release within open_ns, physics sees it from the step after.
  ASSERT_GE(reported_below_ns, 0);
  EXPECT_LE(*opened - reported_below_ns,
            pack_spec().main_contactors->open_ns + 2 * PlantRig::kStep_ns);
  // And never later than a front-end scan plus a 100 ms sample beyond the
  // moment no reading could be inside any more.
  if (surely_below_ns >= 0) {
    EXPECT_LE(*opened - surely_below_ns, afe.scan_period_ns + kSample_ns +
                                             pack_spec().main_contactors->open_ns +
                                             2 * PlantRig::kStep_ns);
  }
  rig_.run_until(rig_.now_ns() + ms(200));
  ASSERT_TRUE(rig_.status());
  EXPECT_EQ(rig_.status()->state, SSIM_STATE_PROTECT);
  EXPECT_EQ(rig_.status()->protections, 1u);
  // Unloaded, the group relaxes back above 2500 mV but not by the hysteresis:
  // the path stays open.
  EXPECT_GT(p.group_voltage_V(group) * 1000.0, kUnderVoltage_mV);
  EXPECT_LT(rig_.status()->cell_min_mV, kUnderVoltage_mV + kHysteresis_mV);
  EXPECT_FALSE(rig_.master().main_path_closed());
  EXPECT_EQ(rig_.master().led(0), SSIM_LED_RED);
  EXPECT_THAT(rig_.log_text(),
              ::testing::HasSubstr("pack1: minimal firmware: cell voltage out of range, path open"));
  EXPECT_DOUBLE_EQ(p.branch_current_A(0), 0.0);  // the open path carries nothing

  // Charged back (by hand) well inside the window: the path closes again.
  set_group_soc(0.5);
  const auto reclosed = rig_.run_until_true([&] { return rig_.master().main_path_closed(); },
                                            rig_.now_ns() + s(1));
  ASSERT_TRUE(reclosed);
  EXPECT_GT(p.group_voltage_V(group) * 1000.0, kUnderVoltage_mV + kHysteresis_mV);
  rig_.run_until(rig_.now_ns() + ms(200));
  EXPECT_EQ(rig_.status()->state, SSIM_STATE_STANDBY);
  EXPECT_EQ(rig_.status()->protections, 0u);
  EXPECT_EQ(rig_.master().led(0), SSIM_LED_GREEN);
  EXPECT_LT(rig_.status()->cell_max_mV, kOverVoltage_mV - kHysteresis_mV);
}

}  // namespace
}  // namespace stacksim::sim::testing
