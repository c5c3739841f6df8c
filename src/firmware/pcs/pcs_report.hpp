// What the battery tells the PCS, independent of the protocol that carries
// it. The role firmware fills one every 100 ms from the app (bcu/bcu_pcs.cpp,
// pack/pack_pcs.cpp); the PCS link (pcs_link.hpp) encodes it in the chosen
// profile. A parallel master merges its units' reports into one system
// report first (merge_unit_reports).
//
// Units are the firmware's: mV, mA (+ = charge), 0.1 degC, permille, mAh.
// Positions (cells, temperature sensors, modules) count from 0 over every
// unit the report covers: unit 0's cells first, then unit 1's, and so on.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "stacksim/hal.h"

namespace stacksim::fw {

// Alarm / protection meanings the PCS protocols have bits for.
enum class PcsMeaning : std::uint8_t {
  kCellHighVoltage,
  kCellLowVoltage,
  kPackHighVoltage,
  kPackLowVoltage,
  kChargeOverTemperature,
  kDischargeOverTemperature,
  kChargeUnderTemperature,
  kDischargeUnderTemperature,
  kChargeOverCurrent,
  kDischargeOverCurrent,
  kCellImbalance,
  kBoardOverTemperature,
  kInternalCommFail,
  kSystemError,
};
inline constexpr int kPcsMeaningCount = 14;

using PcsFlags = std::uint16_t;  // bit = PcsMeaning
inline constexpr PcsFlags pcs_flag(PcsMeaning m) { return static_cast<PcsFlags>(1u << static_cast<unsigned>(m)); }

// Tiers, as in the protection table: a meaning's bit is set in every tier
// its rows have reached (a raised protection also sets alarm and warning).
enum class PcsTier : std::uint8_t { kWarning = 0, kAlarm = 1, kProtection = 2 };

// PcsReport::requests
inline constexpr std::uint8_t kPcsChargeEnable = 0x01;
inline constexpr std::uint8_t kPcsDischargeEnable = 0x02;
inline constexpr std::uint8_t kPcsForceChargeI = 0x04;
inline constexpr std::uint8_t kPcsForceChargeII = 0x08;
inline constexpr std::uint8_t kPcsFullCharge = 0x10;
inline constexpr std::uint8_t kPcsBalanceCharge = 0x20;
inline constexpr std::uint8_t kPcsEnableBits = kPcsChargeEnable | kPcsDischargeEnable;

struct PcsReport {
  bool active = false;  // the battery talks to the PCS (running, not a parallel slave)
  // Limits.
  std::int32_t charge_voltage_mV = 0;
  std::int32_t discharge_voltage_mV = 0;  // cut-off
  std::int32_t charge_limit_mA = 0;
  std::int32_t discharge_limit_mA = 0;    // positive
  // Measurements.
  std::int32_t pack_mV = 0;
  std::int32_t current_mA = 0;            // + charge
  std::uint16_t soc_permille = 0;
  std::uint16_t soh_permille = 0;
  std::int16_t temp_avg_dC = 0, temp_min_dC = 0, temp_max_dC = 0;
  std::uint16_t temp_min_index = 0, temp_max_index = 0;
  std::uint16_t cell_min_mV = 0, cell_max_mV = 0;
  std::uint16_t cell_min_index = 0, cell_max_index = 0;
  std::int32_t module_min_mV = 0, module_max_mV = 0;
  std::uint16_t module_min_index = 0, module_max_index = 0;
  std::int16_t board_temp_dC = 0;
  // Composition.
  std::uint16_t units = 1;                // strings or packs in parallel
  std::uint16_t series_cells = 0;         // cells in series in one unit
  std::uint16_t modules_in_series = 1;    // modules in series in one unit (1 for an LV pack)
  std::uint16_t cell_count = 0;           // cells over every unit (positions run below it)
  std::uint16_t temp_count = 0;           // temperature sensors over every unit
  std::uint16_t module_count = 0;         // modules over every unit
  std::uint32_t capacity_mAh = 0;         // nominal, all units
  std::uint32_t full_mAh = 0;             // present full capacity, all units
  std::uint32_t remaining_mAh = 0;
  std::uint32_t cycles = 0;
  // State.
  ssim_bms_state state = SSIM_STATE_SHUTDOWN;
  bool path_closed = false;
  bool balancing = false;
  std::array<PcsFlags, 3> tiers{};        // [PcsTier]
  std::uint32_t faults = 0;               // SSIM_FAULT_*
  std::uint8_t requests = 0;              // kPcs*
  std::uint8_t faulty_unit = 0;           // 1-based unit with a protection or fault, 0 none

  PcsFlags flags(PcsTier t) const { return tiers[static_cast<std::size_t>(t)]; }
  bool has(PcsTier t, PcsMeaning m) const { return (flags(t) & pcs_flag(m)) != 0; }
  bool request(std::uint8_t bit) const { return (requests & bit) != 0; }
};

// Keeps the lowest / highest value and its position; `first` takes any.
template <typename T>
void keep_min(bool first, T value, std::uint16_t at, T& out, std::uint16_t& out_at) {
  if (first || value < out) {
    out = value;
    out_at = at;
  }
}
template <typename T>
void keep_max(bool first, T value, std::uint16_t at, T& out, std::uint16_t& out_at) {
  if (first || value > out) {
    out = value;
    out_at = at;
  }
}

// One system report from `count` unit reports (count >= 1; an empty list
// gives a default report). Limits: the sum, but no more than the weakest
// unit's share times the units (a parallel system is only as strong as its
// weakest member); voltage window: the narrowest; SOC and SOH weighted by
// full capacity; extremes with their global positions; flags and faults
// OR-ed; charge/discharge enables AND-ed, other requests OR-ed; units,
// cells, sensors, modules and capacities summed.
PcsReport merge_unit_reports(const PcsReport* units, std::size_t count);

}  // namespace stacksim::fw
