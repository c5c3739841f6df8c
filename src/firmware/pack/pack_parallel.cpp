// The LV pack's part in a parallel system (parallel/parallel_link.hpp): which
// mode the product uses, what the pack reports, and what the link's verdicts
// and orders do to the pack.
#include <cstring>

#include "core/params.hpp"
#include "pack/pack_bms.hpp"

namespace stacksim::fw {

void PackBms::configure_parallel(const ParamSet& params) {
  ParallelConfig c;
  c.unit_timeout_ms = static_cast<std::uint32_t>(params.require("comm.internal_timeout_ms"));
  c.window_ms = static_cast<std::uint32_t>(params.require("parallel.window_ms"));
  c.max_diff_mV = params.require("parallel.max_diff_mV");
  // Coding lines on the link port: the GTX chain. No coding lines but the
  // installer set up a pair: the 6.5 kWh rules.
  if (hal_->read_input(hal_->ctx, SSIM_IN_LINK_OUT) >= 0) {
    c.mode = ParallelConfig::Mode::kChain;
  } else if (params.require("parallel.units") >= 2) {
    c.mode = ParallelConfig::Mode::kPair;
  }
  link_.configure(hal_, c, static_cast<std::uint32_t>(hal_->time_us(hal_->ctx) / 1000u));
}

plink::UnitSummary PackBms::own_summary() const {
  plink::UnitSummary u;
  const Measurements& m = snapshot_.m;
  const CurrentLimits lim = app_.limits();
  u.charge_limit_mA = static_cast<std::uint32_t>(lim.charge_mA > 0 ? lim.charge_mA : 0);
  u.discharge_limit_mA = static_cast<std::uint32_t>(lim.discharge_mA > 0 ? lim.discharge_mA : 0);
  u.soc_permille = app_.soc().soc_permille();
  u.soh_permille = app_.soc().soh_permille();
  u.pack_mV = m.pack_mV;
  u.current_mA = m.current_mA;
  u.cell_min_mV = static_cast<std::uint16_t>(m.cell_min_mV < 0 ? 0 : m.cell_min_mV);
  u.cell_max_mV = static_cast<std::uint16_t>(m.cell_max_mV < 0 ? 0 : m.cell_max_mV);
  u.temp_min_dC = m.temp_min_dC;
  u.temp_max_dC = m.temp_max_dC;
  u.warnings = app_.protection().warnings();
  u.alarms = app_.protection().alarms();
  u.protections = app_.protection().protections();
  u.faults = app_.faults();
  u.state = static_cast<std::uint8_t>(app_.state());
  const std::uint32_t req = app_.soc().requests();
  u.flags = static_cast<std::uint8_t>(
      (app_.charge_allowed() ? plink::kCanCharge : 0) |
      (app_.discharge_allowed() ? plink::kCanDischarge : 0) |
      ((req & SSIM_REQ_FORCE_CHARGE) ? plink::kForceCharge : 0) |
      ((req & SSIM_REQ_FULL_CHARGE) ? plink::kFullChargeRequest : 0) |
      (app_.power_path_closed() ? plink::kPathClosed : 0) | (app_.full() ? plink::kFull : 0) |
      (m.cells_valid ? plink::kCellsValid : 0) | (m.temps_valid ? plink::kTempsValid : 0));
  return u;
}

void PackBms::follow_parallel() {
  link_.update(now_ms_, own_summary(), snapshot_.m.pack_mV);
  // A slave follows the master: started by its coding, stopped by its order.
  if (link_.role() == ParallelLink::Role::kSlave) {
    if (link_.start_ordered() && !link_started_ && app_.phase() == BmsApp::Phase::kOff) {
      link_started_ = true;
      app_.start(now_ms_);
    }
    if (link_.shutdown_ordered() && !link_stopped_ && app_.phase() != BmsApp::Phase::kOff) {
      link_stopped_ = true;
      app_.stop(now_ms_);
    }
  }
  // A master shuts its slaves down before itself (GTX5000 manual 5.2.1 (3)).
  const bool master = link_.role() == ParallelLink::Role::kMaster && link_.units() > 1;
  app_.defer_stop(master);
  if (master && app_.take_stop_request()) {
    stopping_slaves_ = true;
    link_.order_shutdown();
  }
  if (stopping_slaves_ && link_.slaves_down(now_ms_)) {
    stopping_slaves_ = false;
    app_.stop(now_ms_);
  }
  // 6.5 kWh pair: RUN flickers on success; a failure raises the alarm and,
  // after it has shown, powers the pack off (self_power).
  if (link_.mode() == ParallelConfig::Mode::kPair && !pair_judged_ &&
      link_.pair_verdict() != ParallelLink::PairVerdict::kWaiting) {
    pair_judged_ = true;
    if (link_.pair_verdict() == ParallelLink::PairVerdict::kOk) {
      app_.show_parallel_ok(now_ms_);
    } else {
      pair_failed_ms_ = now_ms_;
      app_.raise_fault(SSIM_FAULT_PARALLEL);
    }
  }
}

}  // namespace stacksim::fw
