#include "physics/lut.hpp"

#include <cstddef>
#include <vector>

#include <gtest/gtest.h>

namespace stacksim::physics {
namespace {

// y = 1 on [0, 1] rising to 3 at x = 2, then falling to 2 at x = 4.
const Breakpoints kBent{{0.0, 1.0, 2.0, 4.0}, {1.0, 1.0, 3.0, 2.0}};

TEST(Breakpoints, ExactOnBreakpoints) {
  for (std::size_t i = 0; i < kBent.x.size(); ++i) {
    EXPECT_EQ(kBent(kBent.x[i]), kBent.y[i]) << "breakpoint " << i;
  }
}

TEST(Breakpoints, LinearBetweenBreakpoints) {
  EXPECT_DOUBLE_EQ(kBent(0.5), 1.0);
  EXPECT_DOUBLE_EQ(kBent(1.25), 1.5);   // 1 + 2 * 0.25
  EXPECT_DOUBLE_EQ(kBent(1.5), 2.0);
  EXPECT_DOUBLE_EQ(kBent(3.0), 2.5);    // halfway from 3 to 2
  EXPECT_DOUBLE_EQ(kBent(3.5), 2.25);
}

TEST(Breakpoints, ExtrapolatesTheEndSegments) {
  // Left segment is flat; right segment falls 0.5 per unit.
  EXPECT_DOUBLE_EQ(kBent(-3.0), 1.0);
  EXPECT_DOUBLE_EQ(kBent(5.0), 1.5);
  EXPECT_DOUBLE_EQ(kBent(8.0), 0.0);
  const Breakpoints rising{{0.0, 1.0}, {2.0, 4.0}};
  EXPECT_DOUBLE_EQ(rising(-0.5), 1.0);
  EXPECT_DOUBLE_EQ(rising(1.5), 5.0);
}

TEST(UniformTable1D, SamplesTheSourceOnItsGrid) {
  // Grid 0, 0.5, ..., 4 (9 points) contains every breakpoint.
  const UniformTable1D t(0.0, 4.0, 9, kBent);
  ASSERT_EQ(t.size(), 9u);
  EXPECT_DOUBLE_EQ(t.x0(), 0.0);
  EXPECT_DOUBLE_EQ(t.dx(), 0.5);
  const std::vector<double> expected{1.0, 1.0, 1.0, 2.0, 3.0, 2.75, 2.5, 2.25, 2.0};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_DOUBLE_EQ(t.values()[i], expected[i]) << "grid point " << i;
    EXPECT_DOUBLE_EQ(t(0.5 * static_cast<double>(i)), expected[i]) << "grid point " << i;
  }
}

TEST(UniformTable1D, LinearBetweenGridPoints) {
  const UniformTable1D t(0.0, 4.0, 9, kBent);
  EXPECT_DOUBLE_EQ(t(1.25), 1.5);
  EXPECT_DOUBLE_EQ(t(1.1), 1.2);
  EXPECT_DOUBLE_EQ(t(2.2), 2.9);
  EXPECT_DOUBLE_EQ(t(3.9), 2.05);
}

TEST(UniformTable1D, CoarseGridInterpolatesBetweenItsOwnPoints) {
  // Grid 0, 2, 4 misses the breakpoint at 1: values at grid points are
  // 1, 3, 2 and the table is linear between them.
  const UniformTable1D t(0.0, 4.0, 3, kBent);
  EXPECT_DOUBLE_EQ(t(1.0), 2.0);
  EXPECT_DOUBLE_EQ(t(3.0), 2.5);
}

TEST(UniformTable1D, ExtrapolatesBeyondTheEnds) {
  const UniformTable1D t(0.0, 4.0, 9, kBent);
  // Last interval 3.5..4 goes 2.25 -> 2: slope -0.5.
  EXPECT_DOUBLE_EQ(t(5.0), 1.5);
  EXPECT_DOUBLE_EQ(t(4.5), 1.75);
  // First interval is flat at 1; use a rising table to see the slope.
  const UniformTable1D r(1.0, 3.0, 5, Breakpoints{{1.0, 3.0}, {10.0, 14.0}});
  EXPECT_DOUBLE_EQ(r(0.0), 8.0);
  EXPECT_DOUBLE_EQ(r(-1.0), 6.0);
  EXPECT_DOUBLE_EQ(r(4.0), 16.0);
}

// values[ix * ny + iy] on x = 0, 1, 2 and y = 10, 20:
//   f(0,10)=1 f(0,20)=2 f(1,10)=3 f(1,20)=5 f(2,10)=4 f(2,20)=10
UniformTable2D grid2d() {
  return UniformTable2D(0.0, 2.0, 3, 10.0, 20.0, 2, {1.0, 2.0, 3.0, 5.0, 4.0, 10.0});
}

TEST(UniformTable2D, ExactOnGridPoints) {
  const UniformTable2D t = grid2d();
  EXPECT_EQ(t.nx(), 3u);
  EXPECT_EQ(t.ny(), 2u);
  EXPECT_DOUBLE_EQ(t(0.0, 10.0), 1.0);
  EXPECT_DOUBLE_EQ(t(0.0, 20.0), 2.0);
  EXPECT_DOUBLE_EQ(t(1.0, 10.0), 3.0);
  EXPECT_DOUBLE_EQ(t(1.0, 20.0), 5.0);
  EXPECT_DOUBLE_EQ(t(2.0, 10.0), 4.0);
  EXPECT_DOUBLE_EQ(t(2.0, 20.0), 10.0);
}

TEST(UniformTable2D, BilinearInsideCells) {
  const UniformTable2D t = grid2d();
  // Cell x 0..1, y 10..20 at (0.5, 15): mean of 1, 2, 3, 5.
  EXPECT_DOUBLE_EQ(t(0.5, 15.0), 2.75);
  // (0.25, 12): along y at x=0: 1 + 0.2*1 = 1.2; at x=1: 3 + 0.2*2 = 3.4;
  // along x: 1.2 + 0.25*(3.4 - 1.2) = 1.75.
  EXPECT_DOUBLE_EQ(t(0.25, 12.0), 1.75);
  // Cell x 1..2 at (1.5, 17.5): y=10 edge 3..4 -> 3.5, y=20 edge 5..10 -> 7.5;
  // 3.5 + 0.75*(7.5 - 3.5) = 6.5.
  EXPECT_DOUBLE_EQ(t(1.5, 17.5), 6.5);
  // (1.8, 11): along x first, y=10 edge 3 + 0.8*1 = 3.8, y=20 edge
  // 5 + 0.8*5 = 9; then along y 3.8 + 0.1*(9 - 3.8) = 4.32. A plane through
  // three of the corners would not give this (the cell is twisted).
  EXPECT_DOUBLE_EQ(t(1.8, 11.0), 4.32);
}

TEST(UniformTable2D, ClampedOutside) {
  const UniformTable2D t = grid2d();
  EXPECT_DOUBLE_EQ(t(-1.0, 10.0), 1.0);
  EXPECT_DOUBLE_EQ(t(-5.0, 25.0), 2.0);
  EXPECT_DOUBLE_EQ(t(3.0, 20.0), 10.0);
  EXPECT_DOUBLE_EQ(t(9.0, 0.0), 4.0);
  EXPECT_DOUBLE_EQ(t(0.5, 5.0), 2.0);     // y clamped to 10: 1..3 halfway
  EXPECT_DOUBLE_EQ(t(0.5, 100.0), 3.5);   // y clamped to 20: 2..5 halfway
  EXPECT_DOUBLE_EQ(t(7.0, 15.0), 7.0);    // x clamped to 2: 4..10 halfway
}

TEST(UniformTable2D, WeightsAreReusableOnTablesWithTheSameGrid) {
  const UniformTable2D a = grid2d();
  const UniformTable2D b(0.0, 2.0, 3, 10.0, 20.0, 2, {0.0, 0.0, 0.0, 0.0, 2.0, 2.0});
  const UniformTable2D other(0.0, 3.0, 3, 10.0, 20.0, 2, {0.0, 0.0, 0.0, 0.0, 2.0, 2.0});
  EXPECT_TRUE(a.same_grid(b));
  EXPECT_FALSE(a.same_grid(other));
  const UniformTable2D::Weights w = a.weights(1.5, 17.5);
  EXPECT_DOUBLE_EQ(a.at(w), 6.5);
  EXPECT_DOUBLE_EQ(b.at(w), 1.0);  // 0 at x=1, 2 at x=2
}

}  // namespace
}  // namespace stacksim::physics
