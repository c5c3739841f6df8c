#include "pcs/pcs_link.hpp"

#include "app/event_log.hpp"

namespace stacksim::fw {

void PcsLink::configure(const ssim_hal* hal, const ParamSet& params, const char* product,
                        const PcsCellSource* cells) {
  hal_ = hal;
  tx_.configure(hal);
  cells_ = cells;
  options_.protocol = static_cast<PcsProtocol>(params.require("pcs.protocol"));
  options_.address = static_cast<std::uint8_t>(params.require("pcs.address"));
  options_.manufacturer = static_cast<PcsManufacturer>(params.require("pcs.manufacturer"));
  // Name indexes: 0 is the first name of each table in core/param_spec.hpp.
  options_.pylon_lv_dvl = params.require("pcs.pylon_lv.dvl") == 0;                       // on
  options_.pylon_lv_system_error_bit7 = params.require("pcs.pylon_lv.system_error_bit") == 1;  // bit7
  options_.pylon_hv_big_endian = params.require("pcs.pylon_hv.byte_order") == 1;         // be
  options_.pylon_hv_current_offset = params.require("pcs.pylon_hv.current_offset") == 0; // on
  options_.pylon_hv_dcl_positive = params.require("pcs.pylon_hv.dcl_sign") == 1;         // positive
  options_.pcs_timeout_ms = static_cast<std::uint32_t>(params.require("comm.pcs_timeout_ms"));
  options_.open_on_comm_loss = params.require("pcs.comm_loss") == 1;  // open
  options_.masking_ms = static_cast<std::uint32_t>(params.require("pcs.masking_ms"));
  options_.product = product != nullptr ? product : "";
}

PcsProfile& PcsLink::profile() {
  switch (options_.protocol) {
    case PcsProtocol::kPylonHv: return pylon_hv_;
    case PcsProtocol::kSofarHv: return sofar_hv_;
    case PcsProtocol::kGrowattLv: return growatt_lv_;
    case PcsProtocol::kPylonLv: break;
  }
  return pylon_lv_;
}

PcsContext PcsLink::context(std::uint32_t now_ms) {
  const std::int64_t rtc_s = hal_ != nullptr ? hal_->rtc_s(hal_->ctx) : 0;
  return PcsContext{options_, report_, cells_, tx_, commands_, now_ms, rtc_s};
}

void PcsLink::tick(std::uint32_t now_ms) {
  if (hal_ == nullptr) return;
  if (!report_.active) {
    // A battery that stops talking forgets what it had still to say.
    tx_.clear();
  }
  PcsContext ctx = context(now_ms);
  profile().tick(ctx);
  tx_.flush(now_ms);
  log_counters(now_ms);
}

bool PcsLink::receive(const ssim_can_frame& frame, std::uint32_t now_ms) {
  if (hal_ == nullptr) return false;
  PcsContext ctx = context(now_ms);
  const PcsRx rx = profile().receive(frame, ctx);
  switch (rx) {
    case PcsRx::kUnknown: ++counters_.unknown; return false;
    case PcsRx::kMalformed: ++counters_.malformed; return false;
    case PcsRx::kUnsupported: ++counters_.unsupported; break;
    case PcsRx::kValid: ++counters_.valid; break;
  }
  heard_ = true;
  last_heard_ms_ = now_ms;
  tx_.flush(now_ms);  // answers go out at once
  return true;
}

// Unknown ids alone are not logged: on a shared bus they are other nodes'
// traffic (parallel units, other batteries).
void PcsLink::log_counters(std::uint32_t now_ms) {
  if (!bad_log_.due(counters_.malformed, now_ms)) return;
  LogLine().text("pcs: ").number(counters_.malformed).text(" malformed, ").number(counters_.unknown)
      .text(" unknown, ").number(counters_.unsupported).text(" unsupported frames so far")
      .emit(hal_, SSIM_LOG_WARN);
}

}  // namespace stacksim::fw
