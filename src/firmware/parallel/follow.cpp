#include "parallel/follow.hpp"

namespace stacksim::fw {

void LinkFollower::follow(BmsApp& app, ParallelLink& link, std::uint32_t now_ms) {
  // The boards stay powered through a shutdown (the coding lines hold the
  // slaves up), so a master started again must code again.
  if (app.starts() != starts_rearmed_) {
    starts_rearmed_ = app.starts();
    link.rearm();
  }
  if (link.role() == ParallelLink::Role::kSlave) {
    // Each coding is one start order: a system stopped and started again from
    // its master codes again and the slaves follow (GTX5000 manual 5.2.1).
    if (link.start_orders() != starts_seen_ && app.phase() == BmsApp::Phase::kOff) {
      starts_seen_ = link.start_orders();
      stopped_ = false;
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

PcsReport pcs_report_for(const ParallelLink& link, const PcsReport& own, std::uint32_t now_ms) {
  if (link.role() == ParallelLink::Role::kSlave) {
    PcsReport silent = own;
    silent.active = false;
    return silent;
  }
  if (link.role() != ParallelLink::Role::kMaster || link.units() < 2) return own;
  PcsReport units[kMaxParallelUnits];
  std::size_t n = 0;
  units[n++] = own;
  for (std::size_t a = 2; a <= link.units() && n < kMaxParallelUnits; ++a) {
    if (link.unit_fresh(a, now_ms)) units[n++] = link.unit(a);
  }
  PcsReport system = merge_unit_reports(units, n);
  // The system speaks while its master runs; the units' states are in the
  // merged state and flags.
  system.active = own.active;
  return system;
}

}  // namespace stacksim::fw
