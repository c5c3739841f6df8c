#include "parallel/follow.hpp"

namespace stacksim::fw {

void LinkFollower::follow(BmsApp& app, ParallelLink& link, std::uint32_t now_ms) {
  if (link.role() == ParallelLink::Role::kSlave) {
    if (link.start_ordered() && !started_ && app.phase() == BmsApp::Phase::kOff) {
      started_ = true;
      app.start(now_ms);
    }
    if (link.shutdown_ordered() && !stopped_ && app.phase() != BmsApp::Phase::kOff) {
      stopped_ = true;
      app.stop(now_ms);
    }
  }
  const bool master = link.role() == ParallelLink::Role::kMaster && link.units() > 1;
  app.defer_stop(master);
  if (master && app.take_stop_request()) {
    stopping_slaves_ = true;
    link.order_shutdown();
  }
  if (stopping_slaves_ && link.slaves_down(now_ms)) {
    stopping_slaves_ = false;
    app.stop(now_ms);
  }
}

plink::UnitSummary unit_summary(const BmsApp& app, const Snapshot& s) {
  plink::UnitSummary u;
  const Measurements& m = s.m;
  const CurrentLimits lim = app.limits();
  u.charge_limit_mA = static_cast<std::uint32_t>(lim.charge_mA > 0 ? lim.charge_mA : 0);
  u.discharge_limit_mA = static_cast<std::uint32_t>(lim.discharge_mA > 0 ? lim.discharge_mA : 0);
  u.soc_permille = app.soc().soc_permille();
  u.soh_permille = app.soc().soh_permille();
  u.pack_mV = m.pack_mV;
  u.current_mA = m.current_mA;
  u.cell_min_mV = static_cast<std::uint16_t>(m.cell_min_mV < 0 ? 0 : m.cell_min_mV);
  u.cell_max_mV = static_cast<std::uint16_t>(m.cell_max_mV < 0 ? 0 : m.cell_max_mV);
  u.temp_min_dC = m.temp_min_dC;
  u.temp_max_dC = m.temp_max_dC;
  u.warnings = app.protection().warnings();
  u.alarms = app.protection().alarms();
  u.protections = app.protection().protections();
  u.faults = app.faults();
  u.state = static_cast<std::uint8_t>(app.state());
  const std::uint32_t req = app.soc().requests();
  u.flags = static_cast<std::uint8_t>(
      (app.charge_allowed() ? plink::kCanCharge : 0) |
      (app.discharge_allowed() ? plink::kCanDischarge : 0) |
      ((req & SSIM_REQ_FORCE_CHARGE) ? plink::kForceCharge : 0) |
      ((req & SSIM_REQ_FULL_CHARGE) ? plink::kFullChargeRequest : 0) |
      (app.power_path_closed() ? plink::kPathClosed : 0) | (app.full() ? plink::kFull : 0) |
      (m.cells_valid ? plink::kCellsValid : 0) | (m.temps_valid ? plink::kTempsValid : 0));
  return u;
}

}  // namespace stacksim::fw
