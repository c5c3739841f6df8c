#include "pcs/pcs_meaning.hpp"

namespace stacksim::fw {
namespace {

// A direction-dependent meaning pair, chosen by the direction the row is
// about (row_concerns_charge/discharge).
PcsFlags by_direction(const ProtectionRow& row, PcsMeaning charge, PcsMeaning discharge) {
  PcsFlags f = 0;
  if (row_concerns_charge(row)) f |= pcs_flag(charge);
  if (row_concerns_discharge(row)) f |= pcs_flag(discharge);
  return f;
}

}  // namespace

PcsFlags row_meanings(const ProtectionRow& row) {
  switch (row.quantity) {
    case Quantity::kCellMax_mV: return pcs_flag(PcsMeaning::kCellHighVoltage);
    case Quantity::kCellMin_mV: return pcs_flag(PcsMeaning::kCellLowVoltage);
    case Quantity::kPackMax_mV: return pcs_flag(PcsMeaning::kPackHighVoltage);
    case Quantity::kPackMin_mV: return pcs_flag(PcsMeaning::kPackLowVoltage);
    case Quantity::kChargeCurrent_mA: return pcs_flag(PcsMeaning::kChargeOverCurrent);
    case Quantity::kDischargeCurrent_mA: return pcs_flag(PcsMeaning::kDischargeOverCurrent);
    case Quantity::kCellTempMax_dC:
      return by_direction(row, PcsMeaning::kChargeOverTemperature, PcsMeaning::kDischargeOverTemperature);
    case Quantity::kCellTempMin_dC:
      return by_direction(row, PcsMeaning::kChargeUnderTemperature, PcsMeaning::kDischargeUnderTemperature);
    case Quantity::kCellDiff_mV: return pcs_flag(PcsMeaning::kCellImbalance);
    case Quantity::kBoardTempMax_dC: return pcs_flag(PcsMeaning::kBoardOverTemperature);
  }
  return 0;
}

PcsFlags fault_meanings(std::uint32_t faults) {
  PcsFlags f = 0;
  if (faults & SSIM_FAULT_INTERNAL_COMM) f |= pcs_flag(PcsMeaning::kInternalCommFail);
  if (faults & ~(SSIM_FAULT_INTERNAL_COMM | SSIM_FAULT_PCS_COMM)) f |= pcs_flag(PcsMeaning::kSystemError);
  return f;
}

void PcsMeaningMap::configure(const ProtectionEngine& engine) {
  count_ = engine.row_count();
  for (int i = 0; i < count_; ++i) rows_[static_cast<std::size_t>(i)] = row_meanings(engine.row(i));
}

PcsFlags PcsMeaningMap::flags(std::uint32_t rows) const {
  PcsFlags f = 0;
  for (int i = 0; i < count_ && rows != 0; ++i) {
    if (rows & (1u << i)) f |= rows_[static_cast<std::size_t>(i)];
  }
  return f;
}

std::array<PcsFlags, 3> PcsMeaningMap::tiers(std::uint32_t warnings, std::uint32_t alarms,
                                             std::uint32_t protections, std::uint32_t faults) const {
  const PcsFlags diag = fault_meanings(faults);
  return {static_cast<PcsFlags>(flags(warnings) | diag), static_cast<PcsFlags>(flags(alarms) | diag),
          static_cast<PcsFlags>(flags(protections) | diag)};
}

}  // namespace stacksim::fw
