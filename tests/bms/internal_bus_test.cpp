// The GTX3000 internal bus end to end (docs/internal-bus.md): automatic
// coding along the ADR_IN / ADR_OUT chain finds every module of the string
// (GTX3000 manual 5.3.3.2: "enters to automatic coding ... assign BCU address
// and battery pack address"); a broken address line fails the coding
// (SSIM_FAULT_ADDRESSING) and the string does not start; a module whose
// reports stop - its board unpowered, its RS485 node unplugged, or its
// answers corrupted on the line - is flagged by the BCU
// (SSIM_FAULT_INTERNAL_COMM) within comm.internal_timeout_ms and a poll
// round, and the path opens.
#include <gtest/gtest.h>

#include <vector>

#include "cross_check.hpp"
#include "measured.hpp"
#include "plant_fixture.hpp"
#include "rig_steps.hpp"

namespace stacksim::sim::testing {
namespace {

// The plant's boards of string 1: the BCU first, then module 1..n in the
// order of the ADR chain (plant.cpp); each has RS485 node = board index on
// the string's internal line (attached in that order).
std::vector<std::size_t> module_boards(PlantRig& rig) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < rig.plant().board_count(); ++i) {
    if (rig.plant().board(i).wiring().role == SSIM_ROLE_MODULE) out.push_back(i);
  }
  return out;
}

class Coding : public ::testing::TestWithParam<const char*> {};

TEST_P(Coding, FindsEveryModuleOfTheString) {
  PlantRig rig(GetParam(), 0.5);
  const auto modules = module_boards(rig);
  ASSERT_EQ(modules.size(), rig.physics().branch(0).modules);
  // One cell of the last module lower than the rest: the string's minimum
  // can only come from that module's report.
  const std::size_t last_cell = rig.physics().branch(0).first_cell + rig.physics().branch(0).cells - 1;
  rig.physics().set_cell_soc(last_cell, 0.1);
  CrossCheck check(rig);
  rig.start();
  const auto closed = run_checked(rig, check, [&] { return rig.master().main_path_closed(); }, s(30));
  ASSERT_TRUE(closed) << rig.log_text();
  run_checked(rig, check, *closed + s(2));
  EXPECT_EQ(check.failures(), 0u) << check.first_failure();
  const ssim_debug_status st = *rig.status();
  EXPECT_EQ(st.faults, 0u);
  EXPECT_EQ(st.state, SSIM_STATE_STANDBY);
  // Every module took an address and passed the chain on.
  for (std::size_t m : modules) EXPECT_TRUE(rig.plant().board(m).output(SSIM_OUT_ADDRESS)) << m;
  const double low_mV = 1000.0 * rig.physics().group_voltage_V(rig.physics().branch(0).first_group +
                                                                 rig.physics().branch(0).groups - 1);
  EXPECT_NEAR(st.cell_min_mV, low_mV, check.cell_bound_mV(low_mV));
}

INSTANTIATE_TEST_SUITE_P(Strings, Coding, ::testing::Values("gtx3000-h4", "gtx3000-h10"),
                         [](const ::testing::TestParamInfo<const char*>& i) {
                           std::string n = i.param;
                           for (char& ch : n) {
                             if (ch == '-') ch = '_';
                           }
                           return n;
                         });

class BrokenAddressLine : public ::testing::TestWithParam<int> {};

TEST_P(BrokenAddressLine, FailsTheCodingAndTheStringDoesNotStart) {
  PlantRig rig("gtx3000-h4", 0.5);
  const auto modules = module_boards(rig);
  const auto broken = static_cast<std::size_t>(GetParam());
  rig.plant().board(modules[broken]).set_address_line_broken(true);
  rig.start();
  const auto fault = rig.run_until_true(
      [&] { return rig.status() && (rig.status()->faults & SSIM_FAULT_ADDRESSING) != 0; }, s(30));
  ASSERT_TRUE(fault) << rig.log_text();
  rig.run_until(*fault + s(10));
  EXPECT_EQ(rig.state(), SSIM_STATE_FAULT);
  EXPECT_FALSE(rig.master().main_path_closed());
  EXPECT_FALSE(rig.master().precharge_path_closed());
  // The chain stops at the broken line: the modules before it are coded.
  for (std::size_t k = 0; k < modules.size(); ++k) {
    EXPECT_EQ(rig.plant().board(modules[k]).output(SSIM_OUT_ADDRESS), k < broken) << "module " << k + 1;
  }
}

INSTANTIATE_TEST_SUITE_P(Modules, BrokenAddressLine, ::testing::Values(0, 2));

enum class Silence { kUnpowered, kUnplugged, kCorrupted };

class LostModule : public ::testing::TestWithParam<Silence> {};

TEST_P(LostModule, IsFlaggedWithinTheTimeoutAndThePathOpens) {
  PlantRig rig("gtx3000-h4", 0.5);
  const auto modules = module_boards(rig);
  const std::size_t victim = 1;  // module 2
  const std::size_t board = modules[victim];
  const std::int64_t closed = start_and_close(rig);
  rig.run_until(closed + s(3));
  ASSERT_EQ(rig.status()->faults, 0u);
  bus::Rs485Line& line = rig.plant().rs485_line(0);
  const auto victim_address = static_cast<std::uint8_t>(victim + 1);

  // The corrupting node: whenever the BCU addresses the victim it drives
  // the line for 15 ms, over the whole answer (the module answers at its
  // next 10 ms tick, ~5 ms on the wire) and short of the next 20 ms slot.
  bool jamming = false;
  std::size_t jammer = 0;
  const std::vector<std::uint8_t> noise(line.baud() * 15 / 1000 / static_cast<std::uint32_t>(line.bits_per_byte()),
                                        0x55);
  jammer = line.attach("jammer", [&](const std::uint8_t* data, std::size_t len, bool corrupted, std::int64_t end_ns) {
    // A request (function codes below 0x80) to the victim.
    if (jamming && !corrupted && len >= 3 && data[0] == 0x7E && data[1] == victim_address && data[2] < 0x80) {
      line.write(jammer, noise.data(), noise.size(), end_ns);
    }
  });

  const std::int64_t t0 = rig.now_ns();
  switch (GetParam()) {
    case Silence::kUnpowered: rig.plant().board(board).set_supply_fault(true); break;
    case Silence::kUnplugged: line.set_attached(board - rig.plant().master(0), false); break;
    case Silence::kCorrupted: jamming = true; break;
  }
  const std::int64_t timeout = ms(rig.param("comm.internal_timeout_ms"));
  const std::int64_t round = MeasuredQuantities::poll_round_ns(modules.size());
  const std::int64_t status = MeasuredQuantities::kStatusLatency_ns;
  const auto flagged = rig.run_until_true(
      [&] { return (rig.status()->faults & SSIM_FAULT_INTERNAL_COMM) != 0; }, t0 + timeout + s(5));
  ASSERT_TRUE(flagged) << rig.log_text();
  // Its last report came at most a round before t0; the BCU gives up on
  // it once the time-out has passed, at its next slot.
  EXPECT_GE(*flagged, t0 + timeout - round);
  EXPECT_LE(*flagged, t0 + timeout + round + status);
  const auto open = rig.master().main_path_closed()
                        ? rig.run_until_true([&] { return !rig.master().main_path_closed(); }, *flagged + s(1))
                        : std::optional<std::int64_t>(*flagged);
  ASSERT_TRUE(open);
  EXPECT_LE(*open, *flagged + ms(100));
  EXPECT_EQ(rig.state(), SSIM_STATE_FAULT);
  if (GetParam() == Silence::kCorrupted) {
    EXPECT_GT(rig.plant().corrupted_bursts(), 0u);
    EXPECT_TRUE(rig.plant().board(board).powered());
  }
}

INSTANTIATE_TEST_SUITE_P(Ways, LostModule,
                         ::testing::Values(Silence::kUnpowered, Silence::kUnplugged, Silence::kCorrupted),
                         [](const ::testing::TestParamInfo<Silence>& i) {
                           switch (i.param) {
                             case Silence::kUnpowered: return std::string("board_unpowered");
                             case Silence::kUnplugged: return std::string("node_unplugged");
                             case Silence::kCorrupted: return std::string("answers_corrupted");
                           }
                           return std::string("?");
                         });

}  // namespace
}  // namespace stacksim::sim::testing
