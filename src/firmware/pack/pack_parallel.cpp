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

void PackBms::follow_parallel() {
  link_.update(now_ms_, unit_report_, snapshot_.m.pack_mV);
  follower_.follow(app_, link_, now_ms_);
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
