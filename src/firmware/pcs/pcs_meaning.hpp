// Which PCS alarm meaning each row of the protection table stands for, and
// which the firmware's diagnoses (SSIM_FAULT_*) stand for. Protocols name
// meanings ("cell over-voltage", "charge over-temperature"); the table names
// a quantity, a direction and when it applies (core/protection_codes.hpp).
#pragma once

#include <array>
#include <cstdint>

#include "core/protection.hpp"
#include "pcs/pcs_report.hpp"

namespace stacksim::fw {

// The meanings of one row: a temperature row that applies always covers
// both the charge and the discharge meaning.
PcsFlags row_meanings(const ProtectionRow& row);

// Internal communication loss is kInternalCommFail; every other diagnosis but
// the PCS link's own is kSystemError.
PcsFlags fault_meanings(std::uint32_t faults);

class PcsMeaningMap {
 public:
  void configure(const ProtectionEngine& engine);
  // The meanings of the rows set in `rows` (bit i = row i).
  PcsFlags flags(std::uint32_t rows) const;
  // Every tier from the engine's tier bit sets and the diagnoses; a
  // diagnosis counts in every tier.
  std::array<PcsFlags, 3> tiers(std::uint32_t warnings, std::uint32_t alarms, std::uint32_t protections,
                                std::uint32_t faults) const;

 private:
  std::array<PcsFlags, kMaxProtectionRows> rows_{};
  int count_ = 0;
};

}  // namespace stacksim::fw
