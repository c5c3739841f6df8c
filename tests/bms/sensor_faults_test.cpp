// Sensor failures through the hardware's fault hooks, on a running unit of
// each family: the firmware reports the diagnosis (debug status `faults`),
// goes to FAULT and opens the path, each within its detection bound:
//   open cell sense wire (the channels beside it read ~0 and two cells,
//     docs/hardware.md) -> SSIM_FAULT_AFE: the next scan of the front end,
//     then the cell measurement path (measured.cpp), then the status;
//   open or shorted NTC (its code at a rail: SSIM_E_FAULT) ->
//     SSIM_FAULT_TEMP_SENSOR: the next conversion, the same path;
//   failed current shunt (SSIM_E_FAULT at once) -> SSIM_FAULT_CURRENT_SENSOR:
//     the master's next tick, then the status.
// The path opens within the contactor's opening time and two steps of the
// status that shows the fault (the same tick requested it).
#include <gtest/gtest.h>

#include <sstream>

#include "measured.hpp"
#include "plant_fixture.hpp"
#include "rig_steps.hpp"

namespace stacksim::sim::testing {
namespace {

enum class Fault { kOpenSenseWire, kOpenNtc, kShortedNtc, kFailedShunt };

struct Case {
  std::string config;
  Fault fault;
};

std::string case_name(const ::testing::TestParamInfo<Case>& i) {
  static const char* const kNames[] = {"open_sense_wire", "open_ntc", "shorted_ntc", "failed_shunt"};
  std::ostringstream n;
  n << i.param.config << "_" << kNames[static_cast<int>(i.param.fault)];
  std::string s = n.str();
  for (char& ch : s) {
    if (ch == '-') ch = '_';
  }
  return s;
}
void PrintTo(const Case& c, std::ostream* os) { *os << case_name({c, 0}); }

std::vector<Case> cases() {
  std::vector<Case> out;
  for (const char* config : {"gtx3000-h4", "gtx5000-x1", "gtx2500-x1", "lfp65-x1"}) {
    for (Fault f : {Fault::kOpenSenseWire, Fault::kOpenNtc, Fault::kShortedNtc, Fault::kFailedShunt}) {
      out.push_back({config, f});
    }
  }
  return out;
}

class SensorFault : public ::testing::TestWithParam<Case> {};

TEST_P(SensorFault, IsDiagnosedInTimeAndOpensThePath) {
  const Case& c = GetParam();
  PlantRig rig(c.config, 0.5);
  const std::int64_t closed = start_and_close(rig);
  rig.run_until(closed + s(2));
  ASSERT_EQ(rig.status()->faults, 0u);
  MeasuredQuantities measured(rig.plant(), 0);
  hw::Board& cells = rig.plant().board(measured.cell_boards().back());
  const std::int64_t status = MeasuredQuantities::kStatusLatency_ns;
  const std::int64_t t0 = rig.now_ns();
  std::uint32_t expected = 0;
  std::int64_t bound = 0;
  switch (c.fault) {
    case Fault::kOpenSenseWire:
      cells.afe()->set_open_wire(5, true);
      expected = SSIM_FAULT_AFE;
      bound = cells.afe()->spec().scan_period_ns + measured.evaluation_latency_ns(fw::Quantity::kCellMin_mV) + status;
      break;
    case Fault::kOpenNtc:
    case Fault::kShortedNtc:
      cells.temperatures().set_fault(1, c.fault == Fault::kOpenNtc ? hw::NtcFault::kOpen : hw::NtcFault::kShort);
      expected = SSIM_FAULT_TEMP_SENSOR;
      bound = cells.temperatures().spec().sample_period_ns +
              measured.evaluation_latency_ns(fw::Quantity::kCellTempMin_dC) + status;
      break;
    case Fault::kFailedShunt:
      rig.master().shunt()->set_failed(true);
      expected = SSIM_FAULT_CURRENT_SENSOR;
      bound = measured.evaluation_latency_ns(fw::Quantity::kChargeCurrent_mA) + status;
      break;
  }
  const auto seen = rig.run_until_true([&] { return (rig.status()->faults & expected) != 0; }, t0 + s(5));
  ASSERT_TRUE(seen) << rig.log_text();
  EXPECT_LE(*seen - t0, bound);
  EXPECT_EQ(rig.status()->state, SSIM_STATE_FAULT);
  const hw::ContactorSpec& contactor = *rig.setup().hardware.board(rig.master().wiring().role)->main_contactors;
  const auto open = rig.master().main_path_closed()
                        ? rig.run_until_true([&] { return !rig.master().main_path_closed(); }, *seen + s(1))
                        : std::optional<std::int64_t>(*seen);
  ASSERT_TRUE(open);
  EXPECT_LE(*open, *seen + contactor.open_ns + 2 * PlantRig::kStep_ns);
  // And it stays open while the sensor is broken.
  rig.run_until(rig.now_ns() + s(10));
  EXPECT_FALSE(rig.master().main_path_closed());
  EXPECT_NE(rig.status()->faults & expected, 0u);
}

INSTANTIATE_TEST_SUITE_P(EveryFamily, SensorFault, ::testing::ValuesIn(cases()), case_name);

}  // namespace
}  // namespace stacksim::sim::testing
