// The cell front end against physics: error bounds from the data file's
// sigmas, quantisation, determinism per seed, open sense wires.
#include "hw/cell_front_end.hpp"

#include <cmath>
#include <cstdlib>

#include <gtest/gtest.h>

#include "hw_fixture.hpp"

namespace stacksim::hw {
namespace {

using testing::make_rig;

CellFrontEndSpec module_afe(const testing::Rig& rig) {
  const BoardSpec* module = rig.hardware.board(SSIM_ROLE_MODULE);
  EXPECT_TRUE(module && module->afe);
  return *module->afe;
}

double true_mV(const physics::PhysicsSystem& p, std::size_t group) { return 1000.0 * p.group_voltage_V(group); }

TEST(CellFrontEnd, ReadingsStayWithinTheDataFileErrorBounds) {
  auto rig = make_rig("gtx3000-h4");
  const CellFrontEndSpec spec = module_afe(rig);
  // Static errors are screened at 3 sigma; noise is bounded here at 6 sigma
  // (the draw is fixed by the seed, so this is not a flaky bound); half an
  // LSB of rounding.
  const std::size_t first = rig.physics->module(2).first_group;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    CellFrontEnd afe(spec, seed, "string1/module3");
    for (int scan = 0; scan < 10; ++scan) {
      afe.scan(*rig.physics, first);
      for (std::uint16_t c = 0; c < spec.channels; ++c) {
        const double v = true_mV(*rig.physics, first + c);
        const double bound = std::fabs(v) * 3.0 * spec.gain_sigma + 3.0 * spec.offset_sigma_mV +
                             6.0 * spec.noise_sigma_mV + 0.5 * spec.lsb_mV;
        ASSERT_LE(std::fabs(afe.reading_mV(c) - v), bound) << "seed " << seed << " channel " << c;
      }
    }
  }
}

TEST(CellFrontEnd, ErrorFreeChannelsReadTheCellRoundedToTheLsb) {
  auto rig = make_rig("gtx5000-x1");
  CellFrontEndSpec spec = *rig.hardware.board(SSIM_ROLE_PACK)->afe;
  spec.gain_sigma = spec.offset_sigma_mV = spec.noise_sigma_mV = 0.0;
  CellFrontEnd afe(spec, 1, "pack1");
  EXPECT_FALSE(afe.ready());
  afe.scan(*rig.physics, 0);
  EXPECT_TRUE(afe.ready());
  for (std::uint16_t c = 0; c < 16; ++c) {
    EXPECT_EQ(afe.reading_mV(c), std::lround(true_mV(*rig.physics, c))) << c;
  }
  // A coarser LSB rounds to its own multiples: 3300.4 mV with 5 mV -> 3300.
  spec.lsb_mV = 5.0;
  CellFrontEnd coarse(spec, 1, "pack1");
  coarse.scan(*rig.physics, 0);
  for (std::uint16_t c = 0; c < 16; ++c) {
    EXPECT_EQ(coarse.reading_mV(c) % 5, 0);
    EXPECT_LE(std::fabs(coarse.reading_mV(c) - true_mV(*rig.physics, c)), 2.5 + 1e-9);
  }
}

TEST(CellFrontEnd, SameSeedSameReadingsOtherSeedOtherCalibration) {
  auto rig = make_rig("gtx5000-x1");
  const CellFrontEndSpec spec = *rig.hardware.board(SSIM_ROLE_PACK)->afe;
  CellFrontEnd a(spec, 42, "pack1"), b(spec, 42, "pack1"), c(spec, 43, "pack1"), d(spec, 42, "pack2");
  int differs_seed = 0, differs_name = 0;
  for (int scan = 0; scan < 5; ++scan) {
    a.scan(*rig.physics, 0);
    b.scan(*rig.physics, 0);
    for (std::uint16_t ch = 0; ch < 16; ++ch) ASSERT_EQ(a.reading_mV(ch), b.reading_mV(ch));
  }
  for (std::uint16_t ch = 0; ch < 16; ++ch) {
    EXPECT_EQ(a.gain_error(ch), b.gain_error(ch));
    differs_seed += a.gain_error(ch) != c.gain_error(ch);
    differs_name += a.offset_mV(ch) != d.offset_mV(ch);
  }
  EXPECT_EQ(differs_seed, 16);
  EXPECT_EQ(differs_name, 16);
}

// Wire w is the node between channel w-1 and channel w. Open, it takes the
// potential of the node below: channel w-1 reads ~0, channel w the sum.
TEST(CellFrontEnd, OpenSenseWireReadsZeroBelowAndTheSumAbove) {
  auto rig = make_rig("gtx2500-x1");
  CellFrontEndSpec spec = *rig.hardware.board(SSIM_ROLE_PACK)->afe;
  spec.gain_sigma = spec.offset_sigma_mV = spec.noise_sigma_mV = 0.0;
  spec.max_mV = 8000.0;  // room for the sum of two cells (saturation: next test)
  CellFrontEnd afe(spec, 1, "pack1");
  const auto& p = *rig.physics;
  afe.set_open_wire(6, true);
  afe.scan(p, 0);
  EXPECT_EQ(afe.reading_mV(5), 0);
  EXPECT_EQ(afe.reading_mV(6), std::lround(true_mV(p, 5) + true_mV(p, 6)));
  for (std::uint16_t c : {std::uint16_t{0}, std::uint16_t{4}, std::uint16_t{7}, std::uint16_t{15}}) EXPECT_EQ(afe.reading_mV(c), std::lround(true_mV(p, c))) << c;
  afe.set_open_wire(6, false);
  afe.set_open_wire(16, true);  // top wire: the top channel reads 0
  afe.set_open_wire(0, true);   // bottom wire: pulled up to wire 1, channel 0 reads 0
  afe.scan(p, 0);
  EXPECT_EQ(afe.reading_mV(15), 0);
  EXPECT_EQ(afe.reading_mV(0), 0);
  EXPECT_EQ(afe.reading_mV(1), std::lround(true_mV(p, 1)));
  afe.set_open_wire(16, false);
  afe.set_open_wire(0, false);
  afe.scan(p, 0);
  for (std::uint16_t c = 0; c < 16; ++c) EXPECT_EQ(afe.reading_mV(c), std::lround(true_mV(p, c))) << c;
}

TEST(CellFrontEnd, OpenWireSumSaturatesAtTheInputRange) {
  auto rig = make_rig("gtx2500-x1", 0, 1.0);
  CellFrontEndSpec spec = *rig.hardware.board(SSIM_ROLE_PACK)->afe;
  spec.gain_sigma = spec.offset_sigma_mV = spec.noise_sigma_mV = 0.0;
  spec.max_mV = 6000.0;  // the sum of two full cells (~6.7 V) is above it
  CellFrontEnd afe(spec, 1, "pack1");
  afe.set_open_wire(3, true);
  afe.scan(*rig.physics, 0);
  ASSERT_GT(true_mV(*rig.physics, 2) + true_mV(*rig.physics, 3), 6000.0);
  EXPECT_EQ(afe.reading_mV(3), 6000);
}

TEST(CellFrontEnd, ChannelFaultsStuckAndOffset) {
  auto rig = make_rig("gtx5000-x1");
  CellFrontEndSpec spec = *rig.hardware.board(SSIM_ROLE_PACK)->afe;
  spec.gain_sigma = spec.offset_sigma_mV = spec.noise_sigma_mV = 0.0;
  CellFrontEnd afe(spec, 1, "pack1");
  afe.set_channel_fault(2, ChannelFault::kStuck, 2500.0);
  afe.set_channel_fault(3, ChannelFault::kOffset, -100.0);
  afe.set_channel_fault(4, ChannelFault::kStuck, 9000.0);
  afe.scan(*rig.physics, 0);
  EXPECT_EQ(afe.reading_mV(2), 2500);
  EXPECT_EQ(afe.reading_mV(3), std::lround(true_mV(*rig.physics, 3) - 100.0));
  EXPECT_EQ(afe.reading_mV(4), 5000);  // clamped to the ADC range of the data file
  afe.set_channel_fault(2, ChannelFault::kNone, 0.0);
  afe.scan(*rig.physics, 0);
  EXPECT_EQ(afe.reading_mV(2), std::lround(true_mV(*rig.physics, 2)));
}

}  // namespace
}  // namespace stacksim::hw
