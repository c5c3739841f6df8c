#include "row_drive.hpp"

#include <algorithm>
#include <cmath>

#include "util/diagnostics.hpp"

namespace stacksim::sim::testing {
namespace {

constexpr const char* kProducts[] = {"gtx3000", "gtx5000", "gtx2500", "lfp65"};
constexpr const char* kTierKeys[] = {".warning", ".alarm", ".protection"};

// A step this far beyond a limit stays beyond it whatever the converter's
// error (AFE: 4 sigma of gain, offset and noise plus the LSB is under 7 mV;
// models/hardware) and whatever the cell does meanwhile under a 0.2 C
// current (tens of seconds move a mid-SOC cell by a few mV).
constexpr std::int32_t kCellMargin_mV = 25;
constexpr std::int32_t kCurrentMargin_mA = 3000;
constexpr std::int32_t kTempStep_dC = 150;   // thermistor lag: the reading crosses in seconds
constexpr std::int32_t kBoardStep_dC = 50;   // the board sensor has no lag: a step
constexpr double kBackgroundC = 25.0;

// The steep ends of the cells' mean OCV (models/cells/lfp-prismatic-50ah,
// -64ah and -100ah share them: ocv.soc / ocv.mean_V), and the hysteresis
// half-gap there (ocv.half_gap.V at SOC 0 and 1: 18 mV). The rest voltage
// after a charge sits a half-gap above the mean, after a discharge below.
struct OcvPoint {
  double soc;
  double mV;
};
constexpr OcvPoint kOcvLow[] = {{0.0, 2500}, {0.005, 2800}, {0.01, 2950}, {0.02, 3050}, {0.03, 3100}};
constexpr OcvPoint kOcvHigh[] = {{0.98, 3355}, {0.99, 3375}, {0.995, 3415}, {1.0, 3550}};
constexpr double kHalfGap_mV = 18.0;

// `extend`: past the last point the physics extrapolates the last segment
// (physics/cell_kernel.cpp: an over-charged cell keeps rising).
template <std::size_t N>
std::optional<double> soc_at(const OcvPoint (&t)[N], double mV, bool extend) {
  for (std::size_t i = 0; i + 1 < N; ++i) {
    const bool last = i + 2 == N;
    if (mV >= t[i].mV && (mV <= t[i + 1].mV || (last && extend))) {
      return t[i].soc + (t[i + 1].soc - t[i].soc) * (mV - t[i].mV) / (t[i + 1].mV - t[i].mV);
    }
  }
  return std::nullopt;
}

// SOC at which a rested cell shows `rest_mV`, on the branch of hysteresis h.
double soc_for_rest_mV(double rest_mV, double h) {
  const double mean = rest_mV - h * kHalfGap_mV;
  if (auto s = soc_at(kOcvLow, mean, false)) return *s;
  if (auto s = soc_at(kOcvHigh, mean, true)) return *s;
  ADD_FAILURE() << "no SOC on the steep ends of the OCV for " << mean << " mV";
  return 0.5;
}

std::vector<RowSpec> load_rows(const std::string& product) {
  Diagnostics diags;
  const auto params = load_firmware_params(STACKSIM_DATA_DIR, product, diags);
  std::vector<RowSpec> rows;
  if (!params) {
    ADD_FAILURE() << diags.format();
    return rows;
  }
  const auto get = [&](const std::string& key) { return find_param(*params, key); };
  const int count = get("prot.count").value_or(0);
  for (int i = 0; i < count; ++i) {
    const std::string p = "prot." + std::to_string(i);
    RowSpec r;
    r.product = product;
    r.index = i;
    r.id = static_cast<std::size_t>(i) < params->protection_ids.size() ? params->protection_ids[static_cast<std::size_t>(i)]
                                                                         : p;
    r.quantity = static_cast<fw::Quantity>(get(p + ".quantity").value_or(0));
    r.above = get(p + ".trip").value_or(0) == static_cast<std::int32_t>(fw::Trip::kAbove);
    r.applies = static_cast<fw::Applies>(get(p + ".applies").value_or(0));
    r.reaction = static_cast<fw::Reaction>(get(p + ".reaction").value_or(0));
    for (std::size_t t = 0; t < 3; ++t) r.tier[t] = get(p + kTierKeys[t]);
    r.hysteresis = get(p + ".hysteresis").value_or(0);
    r.debounce_ms = get(p + ".debounce_ms").value_or(0);
    r.delay_ms = get(p + ".delay_ms").value_or(0);
    rows.push_back(r);
  }
  return rows;
}

}  // namespace

std::vector<RowSpec> protection_rows(const std::string& product) { return load_rows(product); }

const std::vector<RowSpec>& all_protection_rows() {
  static const std::vector<RowSpec> rows = [] {
    std::vector<RowSpec> all;
    for (const char* p : kProducts) {
      auto r = load_rows(p);
      all.insert(all.end(), r.begin(), r.end());
    }
    return all;
  }();
  return rows;
}

std::string config_for(const RowSpec& row) {
  if (row.product == "gtx3000") {
    // An H4 string at the 45.6 V-per-module cut-off (182.4 V) sits at the
    // edge of the BCU's DC/DC input (180 V, manual 5.3.1): the board would
    // lose its supply while the protection waits out its delay. An H5 string
    // trips at 228 V.
    return row.quantity == fw::Quantity::kPackMin_mV ? "gtx3000-h5" : "gtx3000-h4";
  }
  return row.product + "-x1";
}

RowLimits row_limits(const RowSpec& row, PlantRig& rig) {
  RowLimits l;
  l.above = row.above;
  const std::int32_t scale =
      row.is_pack_voltage() && rig.param("pack.per_module") == 1
          ? static_cast<std::int32_t>(rig.physics().branch(0).modules)
          : 1;
  l.protection = row.tier[2].value_or(0) * scale;
  l.hysteresis = row.hysteresis * scale;
  return l;
}

RowDrive::RowDrive(PlantRig& rig, const RowSpec& row) : rig_(rig), row_(row), limits_(row_limits(row, rig)) {
  // 0.2 C of the unit (capacity.nominal_mAh is per pack or per string).
  const double fifth_C_A = rig.param("capacity.nominal_mAh") / 5000.0;
  bool charge = false;
  switch (row.reaction) {
    case fw::Reaction::kStopCharge: charge = true; break;
    case fw::Reaction::kStopDischarge: charge = false; break;
    default:
      // Either direction is blocked; take the one the quantity needs.
      charge = row.quantity == fw::Quantity::kChargeCurrent_mA || row.applies == fw::Applies::kWhileCharging;
      break;
  }
  // Over-charging ramps the string's voltage in seconds at 0.4 C (the
  // OCV's steep end), under-voltage at 0.2 C without reaching the cells'
  // own limit during the delay.
  const double magnitude = row.quantity == fw::Quantity::kPackMax_mV ? 2.0 * fifth_C_A : fifth_C_A;
  flow_A_ = charge ? magnitude : -magnitude;
  // A pack-voltage ramp starts with the drive: before it the pack rests.
  current_A_ = row.is_pack_voltage() ? 0.0 : flow_A_;
}

void RowDrive::prepare() {
  physics::PhysicsSystem& ph = rig_.physics();
  const double groups = static_cast<double>(ph.branch(0).groups);
  if (row_.quantity == fw::Quantity::kPackMax_mV) {
    // Just short of full: the OCV's steep end brings the ramp in seconds.
    ph.set_branch_soc(0, 0.997);
  } else if (row_.quantity == fw::Quantity::kPackMin_mV) {
    // 100 mV per cell above the cut-off, on the discharge branch.
    ph.set_branch_soc(0, soc_for_rest_mV(limits_.protection / groups + 100.0, 0.0));
  }
  if (row_.quantity == fw::Quantity::kCellTempMax_dC || row_.quantity == fw::Quantity::kCellTempMin_dC) {
    // 3 C inside the limit, so the thermistors start near it.
    const double start_C = (limits_.protection + (row_.above ? -30 : 30)) / 10.0;
    ph.set_branch_temperature_C(0, start_C);
    ph.set_ambient_C(start_C);
  }
}

physics::TerminalCommand RowDrive::command() const {
  return physics::TerminalCommand::current(flowing_ ? current_A_ : 0.0);
}

double RowDrive::calibrated_current_A(std::int32_t reading_mA) const {
  // The shunt's own gain and offset (drawn per run): the physical current
  // that this shunt reads as reading_mA, so the reading lands where wanted.
  const hw::CurrentShunt* s = rig_.master().shunt();
  return (reading_mA - s->offset_mA()) / (1.0 + s->gain_error()) / 1000.0;
}

std::int32_t RowDrive::cell_limit(fw::Quantity q, bool above) const {
  for (const RowSpec& r : protection_rows(row_.product)) {
    if (r.quantity == q && r.above == above && r.tier[2]) return *r.tier[2];
  }
  ADD_FAILURE() << "no cell voltage protection row in " << row_.product;
  return 0;
}

void RowDrive::set_cells(std::optional<std::int32_t> ch0_mV, std::optional<std::int32_t> ch1_mV) {
  hw::CellFrontEnd* afe = rig_.plant().board(MeasuredQuantities(rig_.plant(), 0).cell_boards().front()).afe();
  const std::size_t first_group = rig_.physics().branch(0).first_group;
  const std::array<std::optional<std::int32_t>, 2> want{ch0_mV, ch1_mV};
  for (std::uint16_t c = 0; c < 2; ++c) {
    if (!want[c]) {
      afe->set_channel_fault(c, hw::ChannelFault::kNone, 0.0);
      continue;
    }
    // What the channel reads without the fault: the group's voltage through
    // the channel's own gain and offset (noise aside).
    const double natural_mV =
        1000.0 * rig_.physics().group_voltage_V(first_group + c) * (1.0 + afe->gain_error(c)) + afe->offset_mV(c);
    afe->set_channel_fault(c, hw::ChannelFault::kOffset, *want[c] - natural_mV);
  }
}

void RowDrive::set_cell_temperature_dC(std::int32_t dC) {
  rig_.physics().set_branch_temperature_C(0, dC / 10.0);
  rig_.physics().set_ambient_C(dC / 10.0);
}

// The board sensor reads its housing plus self-heating (hw/board.cpp): a BCU
// sits in the string's ambient, an LV pack's board in the pack's own thermal
// node, which moves only with the cells.
void RowDrive::set_board_temperature_dC(std::int32_t dC) {
  hw::Board& master = rig_.master();
  const double housing_C = dC / 10.0 - master.temperatures().spec().board_self_heating_C;
  physics::PhysicsSystem& ph = rig_.physics();
  if (master.wiring().role == SSIM_ROLE_BCU) {
    ph.set_module_ambient_C(ph.branch(0).first_module, housing_C);
  } else {
    ph.set_branch_temperature_C(0, housing_C);
    ph.set_ambient_C(housing_C);
  }
}

void RowDrive::set_pack_rest_mV(std::int32_t pack_mV) {
  physics::PhysicsSystem& ph = rig_.physics();
  const double h = row_.above ? 1.0 : -1.0;  // the ramp came from that side
  ph.set_branch_soc(0, soc_for_rest_mV(pack_mV / static_cast<double>(ph.branch(0).groups), h));
  ph.set_hysteresis(h);
}

void RowDrive::set_phase(Phase p) {
  phase_ = p;
  const std::int32_t thr = limits_.protection;
  const std::int32_t hyst = limits_.hysteresis;
  const std::int32_t dir = row_.above ? 1 : -1;
  switch (row_.quantity) {
    case fw::Quantity::kCellMax_mV:
    case fw::Quantity::kCellMin_mV:
      if (p == Phase::kBeyond) set_cells(thr + dir * kCellMargin_mV, std::nullopt);
      if (p == Phase::kBand) set_cells(thr - dir * hyst / 2, std::nullopt);
      if (p == Phase::kBack) set_cells(std::nullopt, std::nullopt);
      return;
    case fw::Quantity::kCellDiff_mV: {
      // Two channels spread apart, the lower one 60 mV above the
      // under-voltage protection so that row stays quiet.
      const std::int32_t lo = cell_limit(fw::Quantity::kCellMin_mV, false) + 60;
      if (p == Phase::kBeyond) set_cells(lo + thr + kCellMargin_mV, lo);
      if (p == Phase::kBand) set_cells(lo + thr - hyst / 2, lo);
      if (p == Phase::kBack) set_cells(std::nullopt, std::nullopt);
      return;
    }
    case fw::Quantity::kPackMax_mV:
    case fw::Quantity::kPackMin_mV:
      // Beyond: a current ramps the voltage across by the physics alone.
      if (p == Phase::kBeyond) current_A_ = flow_A_;
      if (p == Phase::kBand) set_pack_rest_mV(thr - dir * hyst / 2);
      if (p == Phase::kBack) {
        rig_.physics().set_branch_soc(0, 0.5);
        rig_.physics().set_hysteresis(0.0);
      }
      return;
    case fw::Quantity::kChargeCurrent_mA:
    case fw::Quantity::kDischargeCurrent_mA: {
      const double sign = flow_A_ > 0.0 ? 1.0 : -1.0;
      const hw::CurrentShuntSpec& spec = rig_.master().shunt()->spec();
      if (p == Phase::kBeyond) {
        // A threshold at the shunt's full scale is reached by saturating it.
        const std::int32_t want = thr + kCurrentMargin_mA;
        current_A_ = want <= spec.range_A * 1000.0 ? sign * calibrated_current_A(want) : sign * thr * 1.15 / 1000.0;
      }
      if (p == Phase::kBand) current_A_ = sign * calibrated_current_A(thr - hyst / 2);
      if (p == Phase::kBack) current_A_ = 0.0;
      return;
    }
    case fw::Quantity::kCellTempMax_dC:
    case fw::Quantity::kCellTempMin_dC:
      if (p == Phase::kBeyond) set_cell_temperature_dC(std::clamp(thr + dir * kTempStep_dC, -380, 1100));
      if (p == Phase::kBand) set_cell_temperature_dC(thr - dir * hyst / 2);
      if (p == Phase::kBack) set_cell_temperature_dC(thr - dir * (hyst + kTempStep_dC));
      return;
    case fw::Quantity::kBoardTempMax_dC:
      if (p == Phase::kBeyond) set_board_temperature_dC(thr + kBoardStep_dC);
      if (p == Phase::kBand) set_board_temperature_dC(thr - hyst / 2);
      if (p == Phase::kBack) {
        set_board_temperature_dC(static_cast<std::int32_t>(kBackgroundC * 10) +
                                 static_cast<std::int32_t>(10 * rig_.master().temperatures().spec().board_self_heating_C));
      }
      return;
  }
}

}  // namespace stacksim::sim::testing
