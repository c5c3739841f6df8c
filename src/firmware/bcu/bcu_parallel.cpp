// The BCU's part in a parallel GTX3000 system (up to 8 strings, BCU Link Port
// Out of one to Link Port In of the next; CAN, the PCS's bus): the link, and
// the independent charging of each string (manual: "When one subsystem is
// fully charged, the other subsystems will continue to charge").
#include "bcu/bcu_bms.hpp"
#include "core/params.hpp"

namespace stacksim::fw {

void BcuBms::configure_parallel(const ParamSet& params) {
  ParallelConfig c;
  c.mode = hal_->read_input(hal_->ctx, SSIM_IN_LINK_OUT) >= 0 ? ParallelConfig::Mode::kChain
                                                               : ParallelConfig::Mode::kSingle;
  c.medium = ParallelConfig::Medium::kCan;
  c.adr_in = SSIM_IN_LINK_ADDRESS;
  c.adr_out = SSIM_OUT_LINK_ADDRESS;
  c.max_units = 8;  // GTX3000 manual 5.1: up to 8 systems in parallel
  c.unit_timeout_ms = static_cast<std::uint32_t>(params.require("comm.internal_timeout_ms"));
  // A BCU boots with its breaker, not with the link: the master waits for
  // the next BCU's own start-up sweep and module coding only after coding.
  link_.configure(hal_, c, static_cast<std::uint32_t>(hal_->time_us(hal_->ctx) / 1000u));
}

void BcuBms::follow_parallel() {
  link_.update(now_ms_, unit_report_, snapshot_.m.pack_mV);
  follower_.follow(app_, link_, now_ms_);
  block_full_charge();
}

// In a parallel system a string that may not take charge (full, or a
// stop-charge tier) blocks charge current with its charging circuit and stays
// connected for discharge; a single string leaves the circuit alone (its
// path opens as the protection table says).
void BcuBms::block_full_charge() {
  const bool parallel = link_.units() > 1;
  const bool block = parallel && app_.power_path_closed() && !app_.charge_allowed();
  if (block == charge_blocked_) return;
  charge_blocked_ = block;
  hal_->write_output(hal_->ctx, SSIM_OUT_CHARGE_BLOCK, block ? 1 : 0);
}

}  // namespace stacksim::fw
