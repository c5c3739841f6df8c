#include "core/protection.hpp"

namespace stacksim::fw {
namespace {

constexpr const char* kTierKeys[kTierCount] = {".warning", ".alarm", ".protection"};

bool is_pack_voltage(Quantity q) { return q == Quantity::kPackMax_mV || q == Quantity::kPackMin_mV; }

// The value a row watches, or false if its measurement is not valid.
bool value_of(Quantity q, const Measurements& m, std::int32_t& out) {
  switch (q) {
    case Quantity::kCellMax_mV: out = m.cell_max_mV; return m.cells_valid;
    case Quantity::kCellMin_mV: out = m.cell_min_mV; return m.cells_valid;
    case Quantity::kPackMax_mV:
    case Quantity::kPackMin_mV: out = m.pack_mV; return m.pack_valid;
    case Quantity::kChargeCurrent_mA: out = m.current_mA > 0 ? m.current_mA : 0; return m.current_valid;
    case Quantity::kDischargeCurrent_mA: out = m.current_mA < 0 ? -m.current_mA : 0; return m.current_valid;
    case Quantity::kCellTempMax_dC: out = m.temp_max_dC; return m.temps_valid;
    case Quantity::kCellTempMin_dC: out = m.temp_min_dC; return m.temps_valid;
    case Quantity::kCellDiff_mV: out = m.cell_max_mV - m.cell_min_mV; return m.cells_valid;
    case Quantity::kBoardTempMax_dC: out = m.board_temp_dC; return m.board_temp_valid;
  }
  return false;
}

bool elapsed(std::uint32_t now_ms, std::uint32_t since_ms, std::uint32_t span_ms) {
  return static_cast<std::uint32_t>(now_ms - since_ms) >= span_ms;
}

}  // namespace

bool reaction_blocks_charge(Reaction r) { return r != Reaction::kStopDischarge; }
bool reaction_blocks_discharge(Reaction r) { return r != Reaction::kStopCharge; }

bool row_concerns_charge(const ProtectionRow& row) {
  if (row.applies != Applies::kAlways) return row.applies == Applies::kWhileCharging;
  return reaction_blocks_charge(row.reaction);
}

bool row_concerns_discharge(const ProtectionRow& row) {
  if (row.applies != Applies::kAlways) return row.applies == Applies::kWhileDischarging;
  return reaction_blocks_discharge(row.reaction);
}

bool ProtectionEngine::read_row(const ParamSet& params, int i, std::int32_t pack_multiplier,
                                ProtectionRow& row) const {
  const std::int32_t quantity = params.require("prot.", i, ".quantity");
  const std::int32_t trip = params.require("prot.", i, ".trip");
  const std::int32_t applies = params.require("prot.", i, ".applies");
  const std::int32_t reaction = params.require("prot.", i, ".reaction");
  const std::int32_t hysteresis = params.require("prot.", i, ".hysteresis");
  const std::int32_t debounce = params.require("prot.", i, ".debounce_ms");
  const std::int32_t delay = params.require("prot.", i, ".delay_ms");
  if (quantity < 0 || quantity >= kQuantityCount || trip < 0 || trip >= kTripCount ||
      applies < 0 || applies >= kAppliesCount || reaction < 0 || reaction >= kReactionCount ||
      hysteresis < 0 || debounce < 0 || delay < 0) {
    return false;
  }
  row.quantity = static_cast<Quantity>(quantity);
  row.trip = static_cast<Trip>(trip);
  row.applies = static_cast<Applies>(applies);
  row.reaction = static_cast<Reaction>(reaction);
  row.debounce_ms = static_cast<std::uint32_t>(debounce);
  row.delay_ms = static_cast<std::uint32_t>(delay);
  const std::int32_t scale = is_pack_voltage(row.quantity) ? pack_multiplier : 1;
  row.hysteresis = hysteresis * scale;
  bool any = false;
  bool have_previous = false;
  std::int32_t previous = 0;
  for (int t = 0; t < kTierCount; ++t) {
    const auto ti = static_cast<std::size_t>(t);
    row.has_tier[ti] = params.has("prot.", i, kTierKeys[t]);
    if (!row.has_tier[ti]) continue;
    const std::int32_t v = params.get("prot.", i, kTierKeys[t], 0) * scale;
    // Warning must be out of limit before alarm, alarm before protection.
    if (have_previous && (row.trip == Trip::kAbove ? v <= previous : v >= previous)) return false;
    row.threshold[ti] = v;
    previous = v;
    have_previous = true;
    any = true;
  }
  return any;
}

bool ProtectionEngine::configure(const ParamSet& params, std::int32_t modules_in_series) {
  *this = ProtectionEngine{};
  const std::size_t missing_before = params.missing_count();
  const std::int32_t pack_multiplier = params.require("pack.per_module") == 1 ? modules_in_series : 1;
  const std::int32_t deadband = params.require("prot.current_deadband_mA");
  const std::int32_t count = params.require("prot.count");
  if (count < 0 || count > kMaxProtectionRows || deadband < 0 || pack_multiplier < 1) return false;
  bool ok = true;
  for (int i = 0; i < count; ++i) {
    ok = read_row(params, i, pack_multiplier, rows_[static_cast<std::size_t>(i)]) && ok;
  }
  if (!ok || params.missing_count() != missing_before) {
    rows_ = {};
    return false;
  }
  count_ = count;
  deadband_mA_ = deadband;
  return true;
}

void ProtectionEngine::update_tiers(const ProtectionRow& row, RowState& s, std::int32_t value,
                                    bool applies, std::uint32_t now_ms) const {
  for (int t = 0; t < kTierCount; ++t) {
    const auto ti = static_cast<std::size_t>(t);
    if (!row.has_tier[ti]) continue;
    TierState& ts = s.tier[ti];
    const std::int32_t threshold = row.threshold[ti];
    const bool above = row.trip == Trip::kAbove;
    if (!ts.raised) {
      const bool beyond = above ? value >= threshold : value <= threshold;
      if (!(beyond && applies)) {
        ts.timing = false;
        continue;
      }
      if (!ts.timing) {
        ts.timing = true;
        ts.since_ms = now_ms;
      }
      if (elapsed(now_ms, ts.since_ms, row.debounce_ms)) {
        ts.raised = true;
        ts.raised_at_ms = now_ms;
        ts.timing = false;
      }
    } else {
      if (s.latched && static_cast<Tier>(t) == Tier::kProtection) continue;
      const bool back = above ? value < threshold - row.hysteresis : value > threshold + row.hysteresis;
      if (!back) {
        ts.timing = false;
        continue;
      }
      if (!ts.timing) {
        ts.timing = true;
        ts.since_ms = now_ms;
      }
      if (elapsed(now_ms, ts.since_ms, row.debounce_ms)) {
        ts.raised = false;
        ts.timing = false;
      }
    }
  }
}

void ProtectionEngine::update_reaction(const ProtectionRow& row, RowState& s, const Measurements& m,
                                       std::uint32_t now_ms) const {
  const bool tripped = s.tier[static_cast<std::size_t>(Tier::kProtection)].raised;
  if (!tripped) {
    s.tripped = false;
    s.flow_timing = false;
    s.open_requested = false;
    return;
  }
  if (!s.tripped) {
    s.tripped = true;
    s.trip_ms = now_ms;
    s.flow_timing = false;
    s.open_requested = false;
    if (row.reaction == Reaction::kFaultLatch) s.latched = true;
  }
  if (s.open_requested) return;
  const std::int32_t i = m.current_mA;
  if (row.reaction == Reaction::kOpenContactors || row.reaction == Reaction::kFaultLatch) {
    const bool stopped = m.current_valid && i <= deadband_mA_ && i >= -deadband_mA_;
    if (stopped || elapsed(now_ms, s.trip_ms, row.delay_ms)) s.open_requested = true;
    return;
  }
  const bool flowing = !m.current_valid ||
                       (reaction_blocks_charge(row.reaction) && i > deadband_mA_) ||
                       (reaction_blocks_discharge(row.reaction) && i < -deadband_mA_);
  if (!flowing) {
    s.flow_timing = false;
    return;
  }
  if (!s.flow_timing) {
    s.flow_timing = true;
    s.flow_since_ms = now_ms;
  }
  if (elapsed(now_ms, s.flow_since_ms, row.delay_ms)) s.open_requested = true;
}

void ProtectionEngine::rearm_stop_requests() {
  for (int r = 0; r < count_; ++r) {
    const auto ri = static_cast<std::size_t>(r);
    const Reaction reaction = rows_[ri].reaction;
    if (reaction == Reaction::kOpenContactors || reaction == Reaction::kFaultLatch) continue;
    state_[ri].open_requested = false;
    state_[ri].flow_timing = false;
  }
  open_request_ = false;
  for (int r = 0; r < count_; ++r) open_request_ = open_request_ || state_[static_cast<std::size_t>(r)].open_requested;
}

bool ProtectionEngine::quiet(const ProtectionRow& row, const RowState& s, std::int32_t value) {
  if (s.tripped || s.latched || s.open_requested) return false;
  std::int32_t first = 0;
  bool any = false;
  for (int t = 0; t < kTierCount; ++t) {
    const auto ti = static_cast<std::size_t>(t);
    if (s.tier[ti].raised || s.tier[ti].timing) return false;
    if (!row.has_tier[ti]) continue;
    // Tiers are ordered: the first present one is reached first.
    if (!any) first = row.threshold[ti];
    any = true;
  }
  return any && (row.trip == Trip::kAbove ? value < first : value > first);
}

void ProtectionEngine::evaluate(const Measurements& m, std::uint32_t now_ms) {
  const bool charging = m.current_valid && m.current_mA > deadband_mA_;
  const bool discharging = m.current_valid && m.current_mA < -deadband_mA_;
  warnings_ = alarms_ = protections_ = 0;
  charge_allowed_ = discharge_allowed_ = true;
  open_request_ = fault_latched_ = false;
  for (int r = 0; r < count_; ++r) {
    const auto ri = static_cast<std::size_t>(r);
    const ProtectionRow& row = rows_[ri];
    RowState& s = state_[ri];
    std::int32_t value = 0;
    if (value_of(row.quantity, m, value) && quiet(row, s, value)) {
      // Nothing raised, nothing timing, and the value short of the first
      // tier: the row has nothing to do this time (the common case).
      continue;
    }
    if (value_of(row.quantity, m, value)) {
      const bool applies = row.applies == Applies::kAlways ||
                           (row.applies == Applies::kWhileCharging && charging) ||
                           (row.applies == Applies::kWhileDischarging && discharging);
      update_tiers(row, s, value, applies, now_ms);
    } else {
      for (TierState& ts : s.tier) ts.timing = false;
    }
    update_reaction(row, s, m, now_ms);

    const std::uint32_t bit = 1u << r;
    const int lvl = level(r);
    if (lvl >= 1) warnings_ |= bit;
    if (lvl >= 2) alarms_ |= bit;
    if (lvl >= 3) {
      protections_ |= bit;
      if (reaction_blocks_charge(row.reaction)) charge_allowed_ = false;
      if (reaction_blocks_discharge(row.reaction)) discharge_allowed_ = false;
    }
    if (s.open_requested) open_request_ = true;
    if (s.latched) fault_latched_ = true;
  }
}

bool ProtectionEngine::raised(int row, Tier tier) const {
  if (row < 0 || row >= count_) return false;
  return state_[static_cast<std::size_t>(row)].tier[static_cast<std::size_t>(tier)].raised;
}

std::uint32_t ProtectionEngine::raised_at_ms(int row, Tier tier) const {
  if (row < 0 || row >= count_) return 0;
  return state_[static_cast<std::size_t>(row)].tier[static_cast<std::size_t>(tier)].raised_at_ms;
}

int ProtectionEngine::level(int row) const {
  for (int t = kTierCount - 1; t >= 0; --t) {
    if (raised(row, static_cast<Tier>(t))) return t + 1;
  }
  return 0;
}

bool ProtectionEngine::row_open_requested(int row) const {
  return row >= 0 && row < count_ && state_[static_cast<std::size_t>(row)].open_requested;
}

int ProtectionEngine::find(Quantity quantity, Trip trip) const {
  for (int r = 0; r < count_; ++r) {
    const ProtectionRow& row = rows_[static_cast<std::size_t>(r)];
    if (row.quantity == quantity && row.trip == trip) return r;
  }
  return -1;
}

void ProtectionEngine::service_reset() {
  for (int r = 0; r < count_; ++r) state_[static_cast<std::size_t>(r)].latched = false;
}

}  // namespace stacksim::fw
