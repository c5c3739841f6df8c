#include "bcu/bcu_bms.hpp"

#include "app/event_log.hpp"
#include "app/measure.hpp"
#include "core/params.hpp"

namespace stacksim::fw {

BcuBms::BcuBms(const ssim_hal* hal, const ssim_node_config& config)
    : hal_(hal), modules_(config.modules) {
  const ParamSet params(config.params, config.param_count);
  if (modules_ == 0 || modules_ > kMaxModules) {
    hal_->log(hal_->ctx, SSIM_LOG_ERROR, "BCU: the string must have 1 to 10 modules");
    return;
  }
  ModulePollerConfig poll;
  poll.modules = modules_;
  poll.module_timeout_ms = static_cast<std::uint32_t>(params.require("comm.internal_timeout_ms"));
  poller_.configure(hal, poll);
  balancing_.start_mV = params.require("balance.start_mV");
  balancing_.threshold_mV = params.require("balance.threshold_mV");
  // PCS link first: the app reports every missing key, the link's too.
  pcs_.configure(hal, params, config.product, &pcs_cells_);
  pcs_nominal_mAh_ = static_cast<std::uint32_t>(params.require("capacity.nominal_mAh"));
  ok_ = app_.configure(hal, params, modules_, true);
  if (!pcs_.options().open_on_comm_loss) app_.set_advisory_faults(SSIM_FAULT_PCS_COMM);
  pcs_meanings_.configure(app_.protection());
  if (ok_) configure_parallel(params);
}

void BcuBms::measure() {
  Snapshot s;
  Measurements& m = s.m;
  measure_power_path(hal_, s);
  if (poller_.lost_mask(now_ms_) != 0 || link_.link_lost(now_ms_)) s.faults |= SSIM_FAULT_INTERNAL_COMM;
  if (pcs_.comm_lost(now_ms_)) s.faults |= SSIM_FAULT_PCS_COMM;
  if (poller_.generation() != modules_generation_) {
    modules_generation_ = poller_.generation();
    aggregate_modules(modules_view_);
  }
  s.ready = modules_view_.ready;
  s.faults |= modules_view_.faults;
  s.cell_avg_mV = modules_view_.cell_avg_mV;
  m.cells_valid = modules_view_.m.cells_valid;
  m.cell_min_mV = modules_view_.m.cell_min_mV;
  m.cell_max_mV = modules_view_.m.cell_max_mV;
  m.temps_valid = modules_view_.m.temps_valid;
  m.temp_min_dC = modules_view_.m.temp_min_dC;
  m.temp_max_dC = modules_view_.m.temp_max_dC;
  snapshot_ = s;
}

// Cells and temperatures: only from modules whose reports are fresh; a string
// with a lost module has no valid cell data at all.
void BcuBms::aggregate_modules(Snapshot& s) {
  s = Snapshot{};
  Measurements& m = s.m;
  s.ready = poller_.all_fresh();
  if (!s.ready) return;
  std::int32_t lo = 1 << 30, hi = -(1 << 30);
  std::int64_t sum = 0;
  int count = 0;
  std::int16_t tlo = 32767, thi = -32768;
  for (std::size_t i = 0; i < modules_; ++i) {
    const ModuleSummary& r = poller_.summary(i);
    if (r.flags & ibus::kFlagAfeFault) s.faults |= SSIM_FAULT_AFE;
    if (r.flags & ibus::kFlagTempFault) s.faults |= SSIM_FAULT_TEMP_SENSOR;
    if (r.cells > 0) {
      lo = r.cell_min_mV < lo ? r.cell_min_mV : lo;
      hi = r.cell_max_mV > hi ? r.cell_max_mV : hi;
      sum += r.cell_sum_mV;
      count += r.cells;
    }
    if (r.temps > 0) {
      tlo = r.temp_min_dC < tlo ? r.temp_min_dC : tlo;
      thi = r.temp_max_dC > thi ? r.temp_max_dC : thi;
    }
  }
  m.cells_valid = count > 0 && (s.faults & SSIM_FAULT_AFE) == 0;
  m.cell_min_mV = lo;
  m.cell_max_mV = hi;
  s.cell_avg_mV = count > 0 ? static_cast<std::int32_t>(sum / count) : 0;
  m.temps_valid = thi >= tlo && (s.faults & SSIM_FAULT_TEMP_SENSOR) == 0;
  m.temp_min_dC = tlo;
  m.temp_max_dC = thi;
}

void BcuBms::follow_start_up() {
  switch (app_.phase()) {
    case BmsApp::Phase::kOff:
    case BmsApp::Phase::kSweepUp:
      if (poller_.phase() != ModulePoller::Phase::kIdle) poller_.stop();
      coding_logged_ = false;
      return;
    case BmsApp::Phase::kCoding: {
      // The string's modules, and (on the master) the parallel BCUs at once.
      if (poller_.phase() == ModulePoller::Phase::kIdle) poller_.start_coding(now_ms_);
      if (link_.role() != ParallelLink::Role::kSlave) link_.start_coding(now_ms_);
      const bool link_done = link_.role() == ParallelLink::Role::kSlave ||
                             link_.coding() == ParallelLink::Coding::kDone;
      const bool link_failed = link_.role() == ParallelLink::Role::kSlave
                                   ? link_.coding_failed_ordered()
                                   : link_.coding() == ParallelLink::Coding::kFailed;
      if (link_.role() == ParallelLink::Role::kMaster && (link_done || link_failed) && !coding_logged_) {
        coding_logged_ = true;
        LogLine().text(link_failed ? "parallel: coding failed after " : "parallel: coded ")
            .number(link_.units()).text(" strings").emit(hal_, link_failed ? SSIM_LOG_ERROR : SSIM_LOG_INFO);
      }
      if (poller_.phase() == ModulePoller::Phase::kFailed || link_failed) {
        app_.coding_done(now_ms_, false);
      } else if (poller_.phase() == ModulePoller::Phase::kPolling && link_done) {
        app_.coding_done(now_ms_, true);
      }
      return;
    }
    default:
      return;
  }
}

void BcuBms::decide_balancing() {
  const Snapshot& s = snapshot_;
  const bool discharging = s.m.current_valid && s.m.current_mA < -500;
  const bool allowed = app_.phase() == BmsApp::Phase::kRunning && s.ready && s.m.cells_valid &&
                       balancing_allowed(balancing_, s.m.cell_max_mV, discharging);
  for (std::size_t i = 0; i < modules_; ++i) {
    const ibus::Report& r = poller_.report(i);
    poller_.set_balancing(i, allowed ? balancing_mask(balancing_, r.cell_mV.data(), r.cells,
                                                      s.m.cell_min_mV)
                                     : 0);
  }
}

void BcuBms::can_receive(std::uint16_t port, const ssim_can_frame& frame) {
  const auto now_ms = static_cast<std::uint32_t>(hal_->time_us(hal_->ctx) / 1000u);
  if (port == 0 && link_.receive_can(frame, now_ms)) return;  // the other BCUs
  if (port == 0) pcs_.receive(frame, now_ms);  // the PCS
}

void BcuBms::rs485_receive(std::uint16_t port, const std::uint8_t* data, std::size_t len) {
  if (port == 0) {
    poller_.receive(data, len, static_cast<std::uint32_t>(hal_->time_us(hal_->ctx) / 1000u));
  }
}

}  // namespace stacksim::fw
