// One-way branches: an ideal diode in the path (PhysicsSystem::Conduction).
#include <cmath>
#include <cstddef>
#include <vector>

#include <gtest/gtest.h>

#include "physics/system.hpp"
#include "test_cells.hpp"

namespace stacksim::physics {
namespace {

using testing::make_cell;
using testing::make_layout;
using testing::PackShape;
using testing::SyntheticCell;
using C = PhysicsSystem::Conduction;

constexpr std::int64_t kStep_ns = 1'000'000'000;

// Two 16-cell packs on one bus: a full one and an empty-ish one.
PhysicsSystem two_packs(double soc0, double soc1) {
  PackShape shape;
  shape.branches = 2;
  shape.series_groups = 16;
  SystemLayout l = make_layout(make_cell(SyntheticCell{}), shape);
  PhysicsSystem sys(l, 1);
  sys.set_branch_soc(0, soc0);
  sys.set_branch_soc(1, soc1);
  return sys;
}

// Two strings equally full: charging lifts the bus above the blocked string's
// own voltage, so its diode is reverse-biased and the other takes it all.
TEST(OneWay, ADischargeOnlyBranchTakesNoChargeCurrentAndTheOtherTakesAll) {
  PhysicsSystem sys = two_packs(0.9, 0.9);
  sys.set_branch_conduction(0, C::kDischargeOnly);
  const double soc0 = sys.branch_soc(0);
  for (int s = 0; s < 600; ++s) {
    const TerminalResult r = sys.step(kStep_ns, TerminalCommand::current(50.0));
    ASSERT_EQ(sys.branch_current_A(0), 0.0) << s;
    ASSERT_DOUBLE_EQ(sys.branch_current_A(1), 50.0) << s;
    ASSERT_DOUBLE_EQ(r.current_A, 50.0);
    ASSERT_NEAR(r.voltage_V, sys.branch_voltage_V(1), 1e-9);
    ASSERT_GT(r.voltage_V, sys.branch_voltage_V(0));  // reverse-biased
    ASSERT_FALSE(sys.branch_closed(0));
  }
  EXPECT_EQ(sys.branch_soc(0), soc0);  // not a coulomb in
}

// An ideal diode conducts whenever the bus sits below its string: a full
// string next to an empty one discharges into it even while the system
// charges, exactly as much as a closed path would have let it.
TEST(OneWay, AFullerDischargeOnlyBranchFeedsTheBusWhenItIsAboveIt) {
  PhysicsSystem sys = two_packs(0.95, 0.1);
  sys.set_branch_conduction(0, C::kDischargeOnly);
  PhysicsSystem same = two_packs(0.95, 0.1);  // both paths closed
  const TerminalResult r = sys.step(kStep_ns, TerminalCommand::current(10.0));
  same.step(kStep_ns, TerminalCommand::current(10.0));
  EXPECT_TRUE(sys.branch_closed(0));
  EXPECT_LT(sys.branch_current_A(0), 0.0);
  EXPECT_DOUBLE_EQ(sys.branch_current_A(0), same.branch_current_A(0));
  EXPECT_NEAR(sys.branch_current_A(0) + sys.branch_current_A(1), r.current_A, 1e-9);
}

TEST(OneWay, ADischargeOnlyBranchDischargesLikeAClosedOne) {
  PhysicsSystem sys = two_packs(0.9, 0.9);
  sys.set_branch_conduction(0, C::kDischargeOnly);
  PhysicsSystem same = two_packs(0.9, 0.9);
  sys.step(kStep_ns, TerminalCommand::current(-50.0));
  same.step(kStep_ns, TerminalCommand::current(-50.0));
  EXPECT_TRUE(sys.branch_closed(0));
  EXPECT_LT(sys.branch_current_A(0), 0.0);
  EXPECT_DOUBLE_EQ(sys.branch_current_A(0), same.branch_current_A(0));
  EXPECT_NEAR(sys.branch_current_A(0) + sys.branch_current_A(1), -50.0, 1e-9);
}

TEST(OneWay, AChargeOnlyBranchTakesNoDischargeCurrent) {
  PhysicsSystem sys = two_packs(0.5, 0.5);
  sys.set_branch_conduction(0, C::kChargeOnly);
  for (int s = 0; s < 300; ++s) {
    sys.step(kStep_ns, TerminalCommand::current(-40.0));
    ASSERT_EQ(sys.branch_current_A(0), 0.0) << s;
    ASSERT_DOUBLE_EQ(sys.branch_current_A(1), -40.0) << s;
  }
  // Charging: it conducts once the bus rises above it, and not before.
  const TerminalResult r = sys.step(kStep_ns, TerminalCommand::current(40.0));
  if (sys.branch_current_A(0) == 0.0) {
    EXPECT_LE(r.voltage_V, sys.branch_voltage_V(0));
  } else {
    EXPECT_GT(sys.branch_current_A(0), 0.0);
  }
  sys.step(kStep_ns, TerminalCommand::current(400.0));
  EXPECT_GT(sys.branch_current_A(0), 0.0);
}

TEST(OneWay, EveryBranchBlockedInTheAskedDirectionIsAnOpenCircuit) {
  PhysicsSystem sys = two_packs(0.9, 0.9);
  sys.set_branch_conduction(0, C::kDischargeOnly);
  sys.set_branch_conduction(1, C::kDischargeOnly);
  TerminalResult r = sys.step(kStep_ns, TerminalCommand::current(20.0));
  EXPECT_TRUE(r.open_circuit);
  EXPECT_EQ(sys.branch_current_A(0), 0.0);
  EXPECT_EQ(sys.branch_current_A(1), 0.0);
  r = sys.step(kStep_ns, TerminalCommand::current(-20.0));
  EXPECT_FALSE(r.open_circuit);
  EXPECT_NEAR(sys.branch_current_A(0) + sys.branch_current_A(1), -20.0, 1e-9);
}

// Whatever the command, no one-way branch ever carries current the wrong way,
// the branch currents add up to the terminal current, and a blocked branch is
// really reverse-biased (the bus is on its blocking side of its voltage).
TEST(OneWay, NoWrongWayCurrentForAnyCommandOverACycle) {
  PackShape shape;
  shape.branches = 4;
  shape.series_groups = 16;
  CellParams p = make_cell(SyntheticCell{});
  SystemLayout l = make_layout(p, shape);
  PhysicsSystem sys(l, 5);
  const double socs[] = {0.95, 0.6, 0.4, 0.2};
  for (std::size_t b = 0; b < 4; ++b) sys.set_branch_soc(b, socs[b]);
  sys.set_branch_conduction(0, C::kDischargeOnly);
  sys.set_branch_conduction(3, C::kChargeOnly);
  const std::vector<TerminalCommand> cmds{
      TerminalCommand::current(60.0),       TerminalCommand::current(0.0),
      TerminalCommand::current(-90.0),      TerminalCommand::power(3000.0),
      TerminalCommand::power(-4000.0),      TerminalCommand::voltage(54.0, 40.0),
      TerminalCommand::voltage(50.0, 40.0), TerminalCommand::current(5.0)};
  for (const TerminalCommand& cmd : cmds) {
    for (int s = 0; s < 120; ++s) {
      const TerminalResult r = sys.step(kStep_ns, cmd);
      double sum = 0.0;
      for (std::size_t b = 0; b < 4; ++b) sum += sys.branch_current_A(b);
      ASSERT_NEAR(sum, r.current_A, 1e-9);
      ASSERT_LE(sys.branch_current_A(0), 1e-9);
      ASSERT_GE(sys.branch_current_A(3), -1e-9);
      if (!sys.branch_closed(0)) {
        ASSERT_GE(r.voltage_V, sys.branch_voltage_V(0) - 1e-9);
      }
      if (!sys.branch_closed(3)) {
        ASSERT_LE(r.voltage_V, sys.branch_voltage_V(3) + 1e-9);
      }
    }
  }
}

}  // namespace
}  // namespace stacksim::physics
