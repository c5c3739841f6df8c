#include "pcs/pcs_fill.hpp"

namespace stacksim::fw {

void PcsScan::module_cells(const std::uint16_t* mV, int count) {
  std::int32_t sum = 0;
  for (int i = 0; i < count; ++i, ++cells_) {
    keep_min(cells_ == 0, mV[i], cells_, cell_min_, cell_min_at_);
    keep_max(cells_ == 0, mV[i], cells_, cell_max_, cell_max_at_);
    sum += mV[i];
  }
  keep_min(modules_ == 0, sum, modules_, module_min_, module_min_at_);
  keep_max(modules_ == 0, sum, modules_, module_max_, module_max_at_);
  ++modules_;
}

void PcsScan::module_temperatures(const std::int16_t* dC, int count) {
  for (int i = 0; i < count; ++i, ++temps_) {
    keep_min(temps_ == 0, dC[i], temps_, temp_min_, temp_min_at_);
    keep_max(temps_ == 0, dC[i], temps_, temp_max_, temp_max_at_);
    temp_sum_ += dC[i];
  }
}

void PcsScan::apply(PcsReport& r) const {
  r.cell_count = cells_;
  r.temp_count = temps_;
  r.module_count = modules_;
  if (cells_ > 0) {
    r.cell_min_mV = cell_min_;
    r.cell_max_mV = cell_max_;
    r.cell_min_index = cell_min_at_;
    r.cell_max_index = cell_max_at_;
    r.module_min_mV = module_min_;
    r.module_max_mV = module_max_;
    r.module_min_index = module_min_at_;
    r.module_max_index = module_max_at_;
  }
  if (temps_ > 0) {
    r.temp_min_dC = temp_min_;
    r.temp_max_dC = temp_max_;
    r.temp_min_index = temp_min_at_;
    r.temp_max_index = temp_max_at_;
    r.temp_avg_dC = static_cast<std::int16_t>(temp_sum_ / temps_);
  }
}

void fill_from_app(const BmsApp& app, const PcsMeaningMap& meanings, const Snapshot& s, std::uint32_t nominal_mAh,
                   bool talks, PcsReport& r) {
  r.active = talks;
  const CurrentLimits limits = app.limits();
  r.charge_voltage_mV = app.charge_voltage_mV();
  r.discharge_voltage_mV = app.discharge_voltage_mV();
  r.charge_limit_mA = limits.charge_mA;
  r.discharge_limit_mA = limits.discharge_mA;
  r.pack_mV = s.m.pack_mV;
  r.current_mA = s.m.current_mA;
  r.board_temp_dC = s.m.board_temp_dC;
  const SocEstimator& soc = app.soc();
  r.soc_permille = app.soc_started() ? soc.soc_permille() : 0;
  r.soh_permille = soc.soh_permille();
  r.cycles = soc.cycles();
  r.capacity_mAh = nominal_mAh;
  r.full_mAh = soc.capacity_mAh();
  const std::int64_t remaining = soc.charge_mAms() / 3600000;
  r.remaining_mAh = app.soc_started() && remaining > 0 ? static_cast<std::uint32_t>(remaining) : 0;
  r.state = app.state();
  r.path_closed = app.power_path_closed();
  r.faults = app.faults();
  const ProtectionEngine& p = app.protection();
  r.tiers = meanings.tiers(p.warnings(), p.alarms(), p.protections(), r.faults);
  // The limits are already 0 while the path is open, the app not running or
  // a protection blocks the direction (BmsApp::update_limits).
  const std::uint32_t requests = app.soc_started() ? soc.requests() : 0;
  r.requests = 0;
  if (limits.charge_mA > 0) r.requests |= kPcsChargeEnable;
  if (limits.discharge_mA > 0) r.requests |= kPcsDischargeEnable;
  if (requests & SSIM_REQ_FORCE_CHARGE) r.requests |= kPcsForceChargeI | kPcsForceChargeII;
  if (requests & SSIM_REQ_FULL_CHARGE) r.requests |= kPcsFullCharge | kPcsBalanceCharge;
  r.faulty_unit = (r.flags(PcsTier::kProtection) != 0 || r.faults != 0) ? 1 : 0;
}

}  // namespace stacksim::fw
