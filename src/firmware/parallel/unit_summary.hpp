// What a pack of a parallel system tells the master about itself, and how it
// travels on the link (32 bytes, little-endian; docs/parallel.md).
#pragma once

#include <cstddef>
#include <cstdint>

namespace stacksim::fw::plink {

// UnitSummary::flags
inline constexpr std::uint8_t kCanCharge = 0x01;
inline constexpr std::uint8_t kCanDischarge = 0x02;
inline constexpr std::uint8_t kForceCharge = 0x04;
inline constexpr std::uint8_t kFullChargeRequest = 0x08;
inline constexpr std::uint8_t kPathClosed = 0x10;
inline constexpr std::uint8_t kFull = 0x20;
inline constexpr std::uint8_t kCellsValid = 0x40;
inline constexpr std::uint8_t kTempsValid = 0x80;

struct UnitSummary {
  std::uint32_t charge_limit_mA = 0;
  std::uint32_t discharge_limit_mA = 0;  // positive
  std::uint16_t soc_permille = 0;
  std::uint16_t soh_permille = 0;
  std::int32_t pack_mV = 0;
  std::int32_t current_mA = 0;           // + charge
  std::uint16_t cell_min_mV = 0, cell_max_mV = 0;
  std::int16_t temp_min_dC = 0, temp_max_dC = 0;
  std::uint32_t warnings = 0, alarms = 0, protections = 0;  // protection rows by tier
  std::uint32_t faults = 0;              // SSIM_FAULT_*
  std::uint8_t state = 0;                // ssim_bms_state
  std::uint8_t flags = 0;
};

inline constexpr std::size_t kSummaryBytes = 44;

void pack_summary(const UnitSummary& s, std::uint8_t* out);   // kSummaryBytes
UnitSummary unpack_summary(const std::uint8_t* in);

}  // namespace stacksim::fw::plink
