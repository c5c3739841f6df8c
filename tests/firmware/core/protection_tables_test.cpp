// Every row of every product's real protection table (models/firmware/*.json,
// loaded through the simulator's loader) against the engine's rules:
//   - each tier is raised at the first evaluation debounce_ms after its value
//     went beyond the threshold, not one ms before, and never just inside it;
//   - at the protection tier the blocked limit(s) go to zero at once;
//   - the opening is requested only delay_ms after the trip, and (for the
//     stop_* reactions) only while current still flows in a blocked direction;
//   - a raised tier stays raised inside the hysteresis band and clears
//     debounce_ms after the value is back past it (fault_latch rows never).
// The numbers come from the file (multiplied by the module count for a
// GTX3000 string's per-module pack rows); the engine is only given them.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/protection.hpp"
#include "pcs/pcs_limits.hpp"
#include "pcs/pcs_meaning.hpp"
#include "product_params.hpp"

namespace stacksim::fw {
namespace {

using test::product;
using test::product_names;

struct RowCase {
  std::string product;
  int row = 0;
  std::string id;
};

// Test names and messages show "gtx3000/cell_over_voltage", not bytes.
void PrintTo(const RowCase& c, std::ostream* os) { *os << c.product << "/" << c.id; }

std::vector<RowCase> all_rows() {
  std::vector<RowCase> out;
  for (const std::string& name : product_names()) {
    const auto& p = product(name);
    for (std::size_t i = 0; i < p.params.protection_ids.size(); ++i) {
      out.push_back({name, static_cast<int>(i), p.params.protection_ids[i]});
    }
  }
  return out;
}

TEST(ProtectionTables, EveryProductHasRows) {
  for (const std::string& name : product_names()) {
    EXPECT_TRUE(product(name).problems.empty()) << product(name).problems;
    EXPECT_GE(product(name).params.protection_ids.size(), 13u) << name;
  }
}

// The temperature rows apply always (docs/firmware-parameters.md), so what a
// PCS is told about them follows the direction each one stops: Pylontech's
// 0x47 (charge and discharge over / under temperature) and the direction bits
// of 0x4250 and its kin. A GTX3000 at -12 C may not charge (manual 8.1 a) but
// may discharge down to -20 C (8.1 b): only the charge bit is raised.
TEST(ProtectionTables, TemperatureWindowsReachThePcsInTheDirectionTheyStop) {
  for (const std::string& name : product_names()) {
    const auto& p = product(name);
    ProtectionEngine e;
    ASSERT_TRUE(e.configure(p.set(), 1)) << name;
    const PcsLimits l = pcs_limits_from(e, 0, 0);
    for (std::size_t i = 0; i < p.params.protection_ids.size(); ++i) {
      const std::string& id = p.params.protection_ids[i];
      const ProtectionRow& row = e.row(static_cast<int>(i));
      const std::int32_t trip = row.threshold[static_cast<std::size_t>(Tier::kProtection)];
      const PcsFlags meaning = row_meanings(row);
      if (id == "charge_over_temp") {
        EXPECT_EQ(l.charge_high_dC, trip) << name;
        EXPECT_EQ(meaning, pcs_flag(PcsMeaning::kChargeOverTemperature)) << name;
      } else if (id == "charge_under_temp") {
        EXPECT_EQ(l.charge_low_dC, trip) << name;
        EXPECT_EQ(meaning, pcs_flag(PcsMeaning::kChargeUnderTemperature)) << name;
      } else if (id == "discharge_over_temp") {
        EXPECT_EQ(l.discharge_high_dC, trip) << name;
        EXPECT_EQ(meaning, pcs_flag(PcsMeaning::kDischargeOverTemperature)) << name;
      } else if (id == "discharge_under_temp") {
        EXPECT_EQ(l.discharge_low_dC, trip) << name;
        EXPECT_EQ(meaning, pcs_flag(PcsMeaning::kDischargeUnderTemperature)) << name;
      }
    }
  }
  // The manuals' numbers (products.md): first readings beyond 55 C / -10 C
  // for charging and 60 C / -20 C for discharging on the GTX family.
  ProtectionEngine gtx3000;
  ASSERT_TRUE(gtx3000.configure(product("gtx3000").set(), 1));
  const PcsLimits l = pcs_limits_from(gtx3000, 0, 0);
  EXPECT_EQ(l.charge_high_dC, 551);
  EXPECT_EQ(l.charge_low_dC, -101);
  EXPECT_EQ(l.discharge_high_dC, 601);
  EXPECT_EQ(l.discharge_low_dC, -201);
}

constexpr std::uint32_t kStep_ms = 10;
constexpr std::uint32_t kStart_ms = 1000;
// A GTX3000-H4 string: the BCU multiplies per-module pack thresholds by 4.
constexpr std::int32_t kModules = 4;

bool is_current(Quantity q) { return q == Quantity::kChargeCurrent_mA || q == Quantity::kDischargeCurrent_mA; }

class Row : public ::testing::TestWithParam<RowCase> {
 protected:
  void SetUp() override {
    const RowCase& c = GetParam();
    const auto& p = product(c.product);
    ASSERT_TRUE(p.problems.empty()) << p.problems;
    product_ = &p;
    modules_ = p.value("pack.per_module") == 1 ? kModules : 1;
    const std::string k = "prot." + std::to_string(c.row) + ".";
    quantity_ = static_cast<Quantity>(p.value(k + "quantity"));
    trip_ = static_cast<Trip>(p.value(k + "trip"));
    applies_ = static_cast<Applies>(p.value(k + "applies"));
    reaction_ = static_cast<Reaction>(p.value(k + "reaction"));
    const bool pack = quantity_ == Quantity::kPackMax_mV || quantity_ == Quantity::kPackMin_mV;
    const std::int32_t scale = pack ? modules_ : 1;
    for (int t = 0; t < kTierCount; ++t) {
      const auto v = sim::find_param(p.params, k + kTierNames[t]);
      if (v) tier_[static_cast<std::size_t>(t)] = *v * scale;
    }
    hysteresis_ = p.value(k + "hysteresis") * scale;
    debounce_ms_ = static_cast<std::uint32_t>(p.value(k + "debounce_ms"));
    delay_ms_ = static_cast<std::uint32_t>(p.value(k + "delay_ms"));
    deadband_mA_ = p.value("prot.current_deadband_mA");
  }

  ProtectionEngine fresh() const {
    ProtectionEngine e;
    EXPECT_TRUE(e.configure(product_->set(), modules_));
    for (int t = 0; t < kTierCount; ++t) {
      const auto& v = tier_[static_cast<std::size_t>(t)];
      EXPECT_EQ(e.row(row()).has_tier[static_cast<std::size_t>(t)], v.has_value());
      if (v) {
        EXPECT_EQ(e.row(row()).threshold[static_cast<std::size_t>(t)], *v);
      }
    }
    return e;
  }
  int row() const { return GetParam().row; }
  bool above() const { return trip_ == Trip::kAbove; }

  // A current that makes the row apply and, for a stop_* reaction, flows in
  // a blocked direction: 10 A, beyond every product's deadband.
  std::int32_t flow_mA() const {
    if (applies_ == Applies::kWhileCharging) return 10000;
    if (applies_ == Applies::kWhileDischarging) return -10000;
    return reaction_ == Reaction::kStopDischarge ? -10000 : 10000;
  }

  // Everything well inside every limit, with the row's quantity at `value`;
  // the quantities it is derived from move together so no other row is
  // pushed (a cell row keeps the cell spread at 10 mV).
  Measurements at(std::int32_t value, bool flowing) const {
    Measurements m;
    m.cell_max_mV = 3300;
    m.cell_min_mV = 3290;
    m.pack_mV = 51200 * modules_;
    m.temp_max_dC = 250;
    m.temp_min_dC = 240;
    m.board_temp_dC = 300;
    m.cells_valid = m.pack_valid = m.current_valid = m.temps_valid = m.board_temp_valid = true;
    m.current_mA = flowing ? flow_mA() : 0;
    switch (quantity_) {
      case Quantity::kCellMax_mV: m.cell_max_mV = value; m.cell_min_mV = value - 10; break;
      case Quantity::kCellMin_mV: m.cell_min_mV = value; m.cell_max_mV = value + 10; break;
      case Quantity::kPackMax_mV:
      case Quantity::kPackMin_mV: m.pack_mV = value; break;
      case Quantity::kChargeCurrent_mA: m.current_mA = value; break;
      case Quantity::kDischargeCurrent_mA: m.current_mA = -value; break;
      case Quantity::kCellTempMax_dC:
        m.temp_max_dC = static_cast<std::int16_t>(value);
        if (m.temp_min_dC > value) m.temp_min_dC = static_cast<std::int16_t>(value);
        break;
      case Quantity::kCellTempMin_dC:
        m.temp_min_dC = static_cast<std::int16_t>(value);
        if (m.temp_max_dC < value) m.temp_max_dC = static_cast<std::int16_t>(value);
        break;
      case Quantity::kCellDiff_mV: m.cell_max_mV = m.cell_min_mV + value; break;
      case Quantity::kBoardTempMax_dC: m.board_temp_dC = static_cast<std::int16_t>(value); break;
    }
    return m;
  }
  // A value well inside the limit, from which each test starts.
  std::int32_t normal() const {
    switch (quantity_) {
      case Quantity::kCellMax_mV: return 3300;
      case Quantity::kCellMin_mV: return 3290;
      case Quantity::kPackMax_mV:
      case Quantity::kPackMin_mV: return 51200 * modules_;
      case Quantity::kChargeCurrent_mA:
      case Quantity::kDischargeCurrent_mA: return 0;
      case Quantity::kCellTempMax_dC:
      case Quantity::kCellTempMin_dC: return 250;
      case Quantity::kCellDiff_mV: return 10;
      case Quantity::kBoardTempMax_dC: return 300;
    }
    return 0;
  }

  // Evaluates every 10 ms over [from, to).
  static void run(ProtectionEngine& e, const Measurements& m, std::uint32_t from, std::uint32_t to) {
    for (std::uint32_t t = from; t < to; t += kStep_ms) e.evaluate(m, t);
  }

  // Raises `tier` from kStart_ms on; returns the time it was raised.
  std::uint32_t raise(ProtectionEngine& e, Tier tier) const {
    run(e, at(normal(), true), 0, kStart_ms);
    const Measurements beyond = at(*tier_[static_cast<std::size_t>(tier)], true);
    run(e, beyond, kStart_ms, kStart_ms + debounce_ms_);
    e.evaluate(beyond, kStart_ms + debounce_ms_);
    EXPECT_TRUE(e.raised(row(), tier));
    return kStart_ms + debounce_ms_;
  }

  const test::LoadedProduct* product_ = nullptr;
  std::int32_t modules_ = 1;
  Quantity quantity_{};
  Trip trip_{};
  Applies applies_{};
  Reaction reaction_{};
  std::array<std::optional<std::int32_t>, kTierCount> tier_{};
  std::int32_t hysteresis_ = 0;
  std::uint32_t debounce_ms_ = 0, delay_ms_ = 0;
  std::int32_t deadband_mA_ = 0;
};

TEST_P(Row, EachTierRaisedExactlyAfterDebounce) {
  for (int t = 0; t < kTierCount; ++t) {
    const auto& threshold = tier_[static_cast<std::size_t>(t)];
    if (!threshold) continue;
    const Tier tier = static_cast<Tier>(t);
    ProtectionEngine e = fresh();
    run(e, at(normal(), true), 0, kStart_ms);
    ASSERT_EQ(e.level(row()), 0) << "the normal value must be inside every tier";
    const Measurements beyond = at(*threshold, true);
    for (std::uint32_t now = kStart_ms; now + kStep_ms < kStart_ms + debounce_ms_; now += kStep_ms) {
      e.evaluate(beyond, now);
      ASSERT_FALSE(e.raised(row(), tier)) << kTierNames[t] << " raised early at " << now;
    }
    if (debounce_ms_ > 0) {
      e.evaluate(beyond, kStart_ms + debounce_ms_ - 1);
      EXPECT_FALSE(e.raised(row(), tier)) << kTierNames[t] << " raised 1 ms early";
    }
    e.evaluate(beyond, kStart_ms + debounce_ms_);
    EXPECT_TRUE(e.raised(row(), tier)) << kTierNames[t];
    EXPECT_EQ(e.raised_at_ms(row(), tier), kStart_ms + debounce_ms_);
    EXPECT_GE(e.level(row()), t + 1);
    const std::uint32_t bit = 1u << row();
    EXPECT_TRUE(e.warnings() & bit);
    EXPECT_EQ((e.alarms() & bit) != 0, t >= 1);
    EXPECT_EQ((e.protections() & bit) != 0, t == 2);
  }
}

TEST_P(Row, NeverRaisedJustInsideTheThreshold) {
  for (int t = 0; t < kTierCount; ++t) {
    const auto& threshold = tier_[static_cast<std::size_t>(t)];
    if (!threshold) continue;
    ProtectionEngine e = fresh();
    const std::int32_t inside = above() ? *threshold - 1 : *threshold + 1;
    run(e, at(inside, true), 0, 10 * debounce_ms_ + 10000);
    EXPECT_FALSE(e.raised(row(), static_cast<Tier>(t))) << kTierNames[t] << " at " << inside;
  }
}

TEST_P(Row, ProtectionZeroesTheBlockedLimitsAndOpensAfterDelay) {
  ASSERT_TRUE(tier_[2]) << "every row of a product's table has a protection tier";
  ProtectionEngine e = fresh();
  run(e, at(normal(), true), 0, kStart_ms);
  EXPECT_TRUE(e.charge_allowed());
  EXPECT_TRUE(e.discharge_allowed());
  const std::uint32_t trip = raise(e, Tier::kProtection);
  // The blocked limits are zero; the other one only if no other row tripped
  // too (a large cell spread, for one, also trips a cell-voltage row).
  if (reaction_blocks_charge(reaction_)) {
    EXPECT_FALSE(e.charge_allowed());
  }
  if (reaction_blocks_discharge(reaction_)) {
    EXPECT_FALSE(e.discharge_allowed());
  }
  if (e.protections() == (1u << row())) {
    EXPECT_EQ(e.charge_allowed(), !reaction_blocks_charge(reaction_));
    EXPECT_EQ(e.discharge_allowed(), !reaction_blocks_discharge(reaction_));
  }
  EXPECT_EQ(e.fault_latched(), reaction_ == Reaction::kFaultLatch);
  // Current keeps flowing in a blocked direction.
  const Measurements flowing = at(*tier_[2], true);
  ASSERT_TRUE((reaction_blocks_charge(reaction_) && flowing.current_mA > deadband_mA_) ||
              (reaction_blocks_discharge(reaction_) && flowing.current_mA < -deadband_mA_));
  if (delay_ms_ > 0) {
    EXPECT_FALSE(e.row_open_requested(row())) << "opened at the trip";
    run(e, flowing, trip + kStep_ms, trip + delay_ms_ - 1);
    e.evaluate(flowing, trip + delay_ms_ - 1);
    EXPECT_FALSE(e.row_open_requested(row())) << "opened 1 ms early";
  }
  e.evaluate(flowing, trip + delay_ms_);
  EXPECT_TRUE(e.row_open_requested(row()));
  EXPECT_TRUE(e.open_request());
}

// Rows whose value is not the current itself: for those the PCS can stop the
// current while the value stays out of limit.
class ValueRow : public Row {};

TEST_P(ValueRow, StopReactionsDoNotOpenWhenTheCurrentStops) {
  ASSERT_TRUE(tier_[2]) << "every row of a product's table has a protection tier";
  ASSERT_FALSE(is_current(quantity_));
  ProtectionEngine e = fresh();
  const std::uint32_t trip = raise(e, Tier::kProtection);
  // The PCS follows the zero limit: no current, the value stays out of limit.
  const Measurements stopped = at(*tier_[2], false);
  const bool opens_anyway = reaction_ == Reaction::kOpenContactors || reaction_ == Reaction::kFaultLatch;
  e.evaluate(stopped, trip + kStep_ms);
  EXPECT_EQ(e.row_open_requested(row()), opens_anyway) << "open_contactors opens once the current stopped";
  run(e, stopped, trip + 2 * kStep_ms, trip + 3 * delay_ms_ + 10000);
  EXPECT_EQ(e.row_open_requested(row()), opens_anyway);
  EXPECT_TRUE(e.raised(row(), Tier::kProtection)) << "the value alone keeps it raised";
}

TEST_P(Row, ClearsOnlyPastTheHysteresisBand) {
  for (int t = 0; t < kTierCount; ++t) {
    const auto& threshold = tier_[static_cast<std::size_t>(t)];
    if (!threshold) continue;
    const Tier tier = static_cast<Tier>(t);
    ProtectionEngine e = fresh();
    const std::uint32_t raised = raise(e, tier);
    // At the band's edge the tier holds, with or without current.
    const std::int32_t edge = above() ? *threshold - hysteresis_ : *threshold + hysteresis_;
    const std::uint32_t back_from = raised + 10 * debounce_ms_ + 60000;
    run(e, at(edge, false), raised + kStep_ms, back_from);
    ASSERT_TRUE(e.raised(row(), tier)) << kTierNames[t] << " cleared at the band's edge " << edge;
    // One unit past the band: cleared debounce_ms later, not 1 ms before.
    const Measurements back = at(above() ? edge - 1 : edge + 1, false);
    run(e, back, back_from, back_from + debounce_ms_);
    if (debounce_ms_ > 0) {
      e.evaluate(back, back_from + debounce_ms_ - 1);
      EXPECT_TRUE(e.raised(row(), tier)) << kTierNames[t] << " cleared 1 ms early";
    }
    e.evaluate(back, back_from + debounce_ms_);
    if (reaction_ == Reaction::kFaultLatch && tier == Tier::kProtection) {
      EXPECT_TRUE(e.raised(row(), tier)) << "a fault latch stays until service";
      EXPECT_TRUE(e.fault_latched());
      e.service_reset();
      run(e, back, back_from + debounce_ms_ + kStep_ms, back_from + 2 * debounce_ms_ + 2 * kStep_ms);
      EXPECT_FALSE(e.raised(row(), tier));
    } else {
      EXPECT_FALSE(e.raised(row(), tier)) << kTierNames[t];
      if (tier == Tier::kProtection) {
        EXPECT_EQ(e.protections() & (1u << row()), 0u);
        EXPECT_FALSE(e.row_open_requested(row()));
        if (e.protections() == 0) {
          EXPECT_TRUE(e.charge_allowed());
          EXPECT_TRUE(e.discharge_allowed());
        }
      }
    }
  }
}

std::string row_name(const ::testing::TestParamInfo<RowCase>& row_case) {
  return row_case.param.product + "_" + row_case.param.id;
}

std::vector<RowCase> value_rows() {
  std::vector<RowCase> out;
  for (const RowCase& c : all_rows()) {
    const auto q = static_cast<Quantity>(
        product(c.product).value("prot." + std::to_string(c.row) + ".quantity"));
    if (!is_current(q)) out.push_back(c);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(RealTables, Row, ::testing::ValuesIn(all_rows()), row_name);
INSTANTIATE_TEST_SUITE_P(RealTables, ValueRow, ::testing::ValuesIn(value_rows()), row_name);

}  // namespace
}  // namespace stacksim::fw
