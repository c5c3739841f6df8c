// The table-driven protection engine (foxBMS style). Each row of the table in
// the parameter flash (prot.N.*, see protection_codes.hpp and
// docs/firmware-parameters.md) watches one measured quantity against up to
// three tiers: warning, alarm, protection. The code only decides "out of
// limit" and "back in limit"; the numbers and the reactions are data.
//
// Rules, per row and tier:
//   - A tier is out of limit at or beyond its threshold (>= for "above",
//     <= for "below"). It is raised at the first evaluation at which it has
//     been out of limit, with the row applying (always / while charging /
//     while discharging), continuously for debounce_ms. Debounce 0 raises at
//     the first evaluation out of limit.
//   - A raised tier clears at the first evaluation at which the value has
//     been back past the hysteresis band (below threshold - hysteresis for
//     "above", above threshold + hysteresis for "below") continuously for the
//     same debounce_ms. Whether the row applies no longer matters then: a
//     charge-temperature protection stays raised after the current stops.
//   - A quantity whose measurement is not valid freezes its row: nothing is
//     raised or cleared and the debounce timers restart once it is valid.
//   - When the protection tier is raised, the reaction sets the blocked
//     current limit(s) to zero at once (charge_allowed / discharge_allowed).
//     stop_charge / stop_discharge / stop_both then request the contactors to
//     open only if current keeps flowing in a blocked direction (beyond
//     prot.current_deadband_mA, or the current is not valid) continuously for
//     delay_ms counted from the trip. open_contactors and fault_latch request
//     the opening as soon as the current has stopped, and at the latest
//     delay_ms after the trip (the delay lets the PCS ramp down so the
//     contactors do not break load current). A fault_latch row stays tripped,
//     with both directions blocked and the opening requested, until power
//     cycle (a new engine) or service_reset().
//   - Charging means current > +deadband, discharging current < -deadband.
// Integer arithmetic only; time is the caller's millisecond counter and may
// wrap (intervals are compared by unsigned difference).
#pragma once

#include <array>
#include <cstdint>

#include "core/params.hpp"
#include "core/protection_codes.hpp"

namespace stacksim::fw {

struct Measurements {
  std::int32_t cell_max_mV = 0;
  std::int32_t cell_min_mV = 0;
  std::int32_t pack_mV = 0;
  std::int32_t current_mA = 0;  // + into the battery (charge)
  std::int16_t temp_max_dC = 0;
  std::int16_t temp_min_dC = 0;
  std::int16_t board_temp_dC = 0;
  bool cells_valid = false;   // cell_max_mV, cell_min_mV (and their difference)
  bool pack_valid = false;
  bool current_valid = false;
  bool temps_valid = false;   // temp_max_dC, temp_min_dC
  bool board_temp_valid = false;
};

struct ProtectionRow {
  Quantity quantity = Quantity::kCellMax_mV;
  Trip trip = Trip::kAbove;
  Applies applies = Applies::kAlways;
  std::array<bool, kTierCount> has_tier{};
  std::array<std::int32_t, kTierCount> threshold{};
  std::int32_t hysteresis = 0;
  std::uint32_t debounce_ms = 0;
  std::uint32_t delay_ms = 0;
  Reaction reaction = Reaction::kStopBoth;
};

class ProtectionEngine {
 public:
  // Reads pack.per_module, prot.current_deadband_mA, prot.count and
  // prot.N.* (mandatory keys except the tiers). With pack.per_module = 1 (a
  // GTX3000 BCU's table) the pack-voltage rows' thresholds and hysteresis are
  // per module and are multiplied by modules_in_series.
  // False (and an empty table) if the table is inconsistent: more than 32
  // rows, an unknown code, no tier, tiers out of order, negative hysteresis
  // or time, or missing keys.
  bool configure(const ParamSet& params, std::int32_t modules_in_series = 1);

  void evaluate(const Measurements& m, std::uint32_t now_ms);

  // Bit i: row i at warning tier or above / alarm or above / protection.
  std::uint32_t warnings() const { return warnings_; }
  std::uint32_t alarms() const { return alarms_; }
  std::uint32_t protections() const { return protections_; }
  bool charge_allowed() const { return charge_allowed_; }
  bool discharge_allowed() const { return discharge_allowed_; }
  bool open_request() const { return open_request_; }
  bool fault_latched() const { return fault_latched_; }

  int row_count() const { return count_; }
  const ProtectionRow& row(int i) const { return rows_[static_cast<std::size_t>(i)]; }
  bool raised(int row, Tier tier) const;
  std::uint32_t raised_at_ms(int row, Tier tier) const;  // valid while raised
  int level(int row) const;  // 0 none, 1 warning, 2 alarm, 3 protection
  bool row_open_requested(int row) const;
  // First row watching `quantity` with trip direction `trip`, or -1.
  int find(Quantity quantity, Trip trip) const;

  // Service: lets latched fault rows clear once their values are back.
  void service_reset();
  // After the contactors opened on a stop_* row and stayed open a while, the
  // BMS closes them again so the allowed direction works (an over-discharged
  // string must be able to charge): the stop_* rows' opening requests are
  // withdrawn and re-armed, so current in the blocked direction opens the
  // path again after delay_ms. open_contactors / fault_latch rows keep theirs.
  void rearm_stop_requests();

 private:
  struct TierState {
    bool raised = false;
    bool timing = false;  // debounce timer running (toward raise or toward clear)
    std::uint32_t since_ms = 0;
    std::uint32_t raised_at_ms = 0;
  };
  struct RowState {
    std::array<TierState, kTierCount> tier{};
    bool tripped = false;
    std::uint32_t trip_ms = 0;
    bool flow_timing = false;
    std::uint32_t flow_since_ms = 0;
    bool open_requested = false;
    bool latched = false;
  };

  static bool quiet(const ProtectionRow& row, const RowState& s, std::int32_t value);
  bool read_row(const ParamSet& params, int i, std::int32_t pack_multiplier, ProtectionRow& row) const;
  void update_tiers(const ProtectionRow& row, RowState& s, std::int32_t value, bool applies,
                    std::uint32_t now_ms) const;
  void update_reaction(const ProtectionRow& row, RowState& s, const Measurements& m,
                       std::uint32_t now_ms) const;

  std::array<ProtectionRow, kMaxProtectionRows> rows_{};
  std::array<RowState, kMaxProtectionRows> state_{};
  int count_ = 0;
  std::int32_t deadband_mA_ = 0;

  std::uint32_t warnings_ = 0, alarms_ = 0, protections_ = 0;
  bool charge_allowed_ = true, discharge_allowed_ = true;
  bool open_request_ = false, fault_latched_ = false;
};

bool reaction_blocks_charge(Reaction r);
bool reaction_blocks_discharge(Reaction r);

// Whether a row is about charging, discharging or both, for what the PCS is
// told: the direction it applies in, or, for a row that applies always (the
// temperature windows, docs/firmware-parameters.md), the direction its
// reaction stops. So "charge_over_temp" (stop_charge) is the charge window
// however it is timed.
bool row_concerns_charge(const ProtectionRow& row);
bool row_concerns_discharge(const ProtectionRow& row);

}  // namespace stacksim::fw
