// merge_unit_reports (src/firmware/pcs/pcs_report.cpp) and the meaning of
// protection rows (pcs_meaning.cpp): what a parallel master tells the PCS
// about several units, worked out by hand.
#include <gtest/gtest.h>

#include "pcs/pcs_meaning.hpp"
#include "pcs/pcs_report.hpp"

namespace stacksim::fw {
namespace {

PcsReport unit(std::int32_t charge_mA, std::int32_t discharge_mA, std::uint16_t soc, std::uint32_t full_mAh) {
  PcsReport r;
  r.active = true;
  r.charge_voltage_mV = 56160;
  r.discharge_voltage_mV = 44800;
  r.charge_limit_mA = charge_mA;
  r.discharge_limit_mA = discharge_mA;
  r.pack_mV = 52000;
  r.current_mA = -10000;
  r.soc_permille = soc;
  r.soh_permille = 1000;
  r.full_mAh = full_mAh;
  r.capacity_mAh = 100000;
  r.remaining_mAh = full_mAh * soc / 1000;
  r.series_cells = 16;
  r.cell_count = 16;
  r.temp_count = 4;
  r.module_count = 1;
  r.cell_min_mV = 3300;
  r.cell_max_mV = 3310;
  r.temp_min_dC = 200;
  r.temp_max_dC = 210;
  r.temp_avg_dC = 205;
  r.module_min_mV = r.module_max_mV = 52000;
  r.state = SSIM_STATE_DISCHARGE;
  r.path_closed = true;
  r.requests = kPcsChargeEnable | kPcsDischargeEnable;
  return r;
}

TEST(MergeUnitReports, LimitsAreBoundedByTheWeakestUnit) {
  const PcsReport units[] = {unit(100000, 100000, 500, 100000), unit(100000, 40000, 500, 100000),
                             unit(80000, 100000, 500, 100000)};
  const PcsReport m = merge_unit_reports(units, 3);
  EXPECT_EQ(m.units, 3);
  EXPECT_EQ(m.charge_limit_mA, 3 * 80000) << "sum 280 A, weakest 80 A x 3";
  EXPECT_EQ(m.discharge_limit_mA, 3 * 40000);
  EXPECT_EQ(m.current_mA, -30000);
  EXPECT_EQ(m.pack_mV, 52000);
  EXPECT_EQ(m.cell_count, 48);
  EXPECT_EQ(m.module_count, 3);
  EXPECT_EQ(m.full_mAh, 300000u);
}

TEST(MergeUnitReports, SocIsWeightedByCapacity) {
  // 100 Ah at 80 % and 50 Ah at 20 %: (80 + 10) Ah of 150 Ah = 60 %.
  const PcsReport units[] = {unit(1000, 1000, 800, 100000), unit(1000, 1000, 200, 50000)};
  EXPECT_EQ(merge_unit_reports(units, 2).soc_permille, 600);
}

TEST(MergeUnitReports, ExtremesCarryGlobalPositions) {
  PcsReport a = unit(1000, 1000, 500, 100000), b = unit(1000, 1000, 500, 100000);
  b.cell_min_mV = 3100;
  b.cell_min_index = 3;   // pack 2's fourth cell: the 20th of the system
  a.cell_max_mV = 3400;
  a.cell_max_index = 15;
  b.temp_max_dC = 350;
  b.temp_max_index = 2;   // pack 2's third sensor: the 7th
  b.module_min_mV = 50000;
  const PcsReport units[] = {a, b};
  const PcsReport m = merge_unit_reports(units, 2);
  EXPECT_EQ(m.cell_min_mV, 3100);
  EXPECT_EQ(m.cell_min_index, 16 + 3);
  EXPECT_EQ(m.cell_max_mV, 3400);
  EXPECT_EQ(m.cell_max_index, 15);
  EXPECT_EQ(m.temp_max_dC, 350);
  EXPECT_EQ(m.temp_max_index, 4 + 2);
  EXPECT_EQ(m.module_min_mV, 50000);
  EXPECT_EQ(m.module_min_index, 1);
  EXPECT_EQ(m.temp_avg_dC, 205);
}

TEST(MergeUnitReports, FlagsOrEnablesAndRequests) {
  PcsReport a = unit(1000, 1000, 500, 100000), b = unit(1000, 1000, 500, 100000);
  a.requests = kPcsChargeEnable | kPcsDischargeEnable | kPcsFullCharge;
  b.requests = kPcsDischargeEnable | kPcsForceChargeI;  // b may not take charge
  b.tiers[static_cast<std::size_t>(PcsTier::kProtection)] = pcs_flag(PcsMeaning::kCellHighVoltage);
  a.tiers[static_cast<std::size_t>(PcsTier::kAlarm)] = pcs_flag(PcsMeaning::kCellImbalance);
  b.faults = SSIM_FAULT_FUSE;
  b.state = SSIM_STATE_PROTECT;
  const PcsReport units[] = {a, b};
  const PcsReport m = merge_unit_reports(units, 2);
  EXPECT_FALSE(m.request(kPcsChargeEnable)) << "AND";
  EXPECT_TRUE(m.request(kPcsDischargeEnable));
  EXPECT_TRUE(m.request(kPcsFullCharge)) << "OR";
  EXPECT_TRUE(m.request(kPcsForceChargeI));
  EXPECT_TRUE(m.has(PcsTier::kProtection, PcsMeaning::kCellHighVoltage));
  EXPECT_TRUE(m.has(PcsTier::kAlarm, PcsMeaning::kCellImbalance));
  EXPECT_EQ(m.faults, static_cast<std::uint32_t>(SSIM_FAULT_FUSE));
  EXPECT_EQ(m.faulty_unit, 2) << "the second pack raised it";
  EXPECT_EQ(m.state, SSIM_STATE_PROTECT) << "the worst unit speaks";
}

TEST(MergeUnitReports, OneUnitIsItself) {
  const PcsReport u = unit(12345, 23456, 432, 98000);
  const PcsReport m = merge_unit_reports(&u, 1);
  EXPECT_EQ(m.charge_limit_mA, u.charge_limit_mA);
  EXPECT_EQ(m.discharge_limit_mA, u.discharge_limit_mA);
  EXPECT_EQ(m.soc_permille, u.soc_permille);
  EXPECT_EQ(m.requests, u.requests);
  EXPECT_EQ(m.state, u.state);
  EXPECT_EQ(merge_unit_reports(nullptr, 0).units, 1) << "nothing to merge: a default report";
}

TEST(PcsMeanings, RowsMapByQuantityAndDirection) {
  ProtectionRow row;
  row.quantity = Quantity::kCellTempMax_dC;
  row.applies = Applies::kWhileCharging;
  EXPECT_EQ(row_meanings(row), pcs_flag(PcsMeaning::kChargeOverTemperature));
  row.applies = Applies::kWhileDischarging;
  EXPECT_EQ(row_meanings(row), pcs_flag(PcsMeaning::kDischargeOverTemperature));
  row.applies = Applies::kAlways;  // then the direction the reaction stops
  row.reaction = Reaction::kStopBoth;
  EXPECT_EQ(row_meanings(row),
            pcs_flag(PcsMeaning::kChargeOverTemperature) | pcs_flag(PcsMeaning::kDischargeOverTemperature));
  row.reaction = Reaction::kStopCharge;
  EXPECT_EQ(row_meanings(row), pcs_flag(PcsMeaning::kChargeOverTemperature));
  row.reaction = Reaction::kStopDischarge;
  EXPECT_EQ(row_meanings(row), pcs_flag(PcsMeaning::kDischargeOverTemperature));
  row.quantity = Quantity::kCellTempMin_dC;
  row.applies = Applies::kWhileDischarging;
  EXPECT_EQ(row_meanings(row), pcs_flag(PcsMeaning::kDischargeUnderTemperature));
  row.quantity = Quantity::kCellDiff_mV;
  EXPECT_EQ(row_meanings(row), pcs_flag(PcsMeaning::kCellImbalance));
  row.quantity = Quantity::kPackMin_mV;
  EXPECT_EQ(row_meanings(row), pcs_flag(PcsMeaning::kPackLowVoltage));
  EXPECT_EQ(fault_meanings(SSIM_FAULT_INTERNAL_COMM), pcs_flag(PcsMeaning::kInternalCommFail));
  EXPECT_EQ(fault_meanings(SSIM_FAULT_AFE | SSIM_FAULT_FUSE), pcs_flag(PcsMeaning::kSystemError));
  EXPECT_EQ(fault_meanings(0), 0);
}

}  // namespace
}  // namespace stacksim::fw
