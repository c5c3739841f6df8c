#include "bcu/module_poller.hpp"

namespace stacksim::fw {

ModuleSummary summarise(const ibus::Report& r) {
  ModuleSummary s;
  s.flags = r.flags;
  s.cells = r.cells;
  s.temps = r.temps;
  s.cell_min_mV = 1 << 30;
  s.cell_max_mV = -(1 << 30);
  for (std::size_t c = 0; c < r.cells; ++c) {
    const std::int32_t v = r.cell_mV[c];
    s.cell_min_mV = v < s.cell_min_mV ? v : s.cell_min_mV;
    s.cell_max_mV = v > s.cell_max_mV ? v : s.cell_max_mV;
    s.cell_sum_mV += v;
  }
  s.temp_min_dC = 32767;
  s.temp_max_dC = -32768;
  for (std::size_t t = 0; t < r.temps; ++t) {
    s.temp_min_dC = r.temp_dC[t] < s.temp_min_dC ? r.temp_dC[t] : s.temp_min_dC;
    s.temp_max_dC = r.temp_dC[t] > s.temp_max_dC ? r.temp_dC[t] : s.temp_max_dC;
  }
  return s;
}

void ModulePoller::configure(const ssim_hal* hal, const ModulePollerConfig& config) {
  hal_ = hal;
  config_ = config;
  if (config_.modules > kMaxModules) config_.modules = kMaxModules;
  stop();
}

void ModulePoller::stop() {
  ++generation_;
  phase_ = Phase::kIdle;
  awaiting_ = false;
  seen_mask_ = fresh_mask_ = 0;
  if (hal_ != nullptr) hal_->write_output(hal_->ctx, SSIM_OUT_ADDRESS, 0);
}

void ModulePoller::send(const ibus::Frame& frame, std::uint32_t now_ms) {
  std::uint8_t bytes[ibus::kMaxFrame];
  hal_->rs485_write(hal_->ctx, 0, bytes, ibus::encode(frame, bytes));
  slot_start_ms_ = now_ms;
}

void ModulePoller::start_coding(std::uint32_t now_ms) {
  phase_ = Phase::kCoding;
  ++generation_;
  found_ = 0;
  seen_mask_ = fresh_mask_ = 0;
  ibus::Frame reset;
  reset.address = ibus::kBroadcast;
  reset.function = ibus::Function::kResetAddress;
  send(reset, now_ms);
  // The chain starts at the BCU: the first module sees ADR_IN only once the
  // reset has gone out, so no module keeps a stale address.
  hal_->write_output(hal_->ctx, SSIM_OUT_ADDRESS, 1);
  awaiting_ = false;
}

void ModulePoller::receive(const std::uint8_t* data, std::size_t len, std::uint32_t now_ms) {
  ibus::Frame f;
  if (!ibus::decode(data, len, f)) {
    ++bad_frames_;
    return;
  }
  if (!awaiting_ || f.address != awaiting_address_) return;  // late or not ours
  if (phase_ == Phase::kCoding && f.function == ibus::Function::kAssigned) {
    awaiting_ = false;
    found_ = awaiting_address_;
    return;
  }
  if (phase_ == Phase::kPolling && f.function == ibus::Function::kReport) {
    const std::size_t m = static_cast<std::size_t>(f.address) - 1;
    ibus::Report r;
    if (!ibus::parse_report(f, r)) {
      ++bad_frames_;
      return;
    }
    awaiting_ = false;
    reports_[m] = r;
    summaries_[m] = summarise(r);
    last_seen_ms_[m] = now_ms;
    seen_mask_ = static_cast<std::uint16_t>(seen_mask_ | (1u << m));
    fresh_mask_ = static_cast<std::uint16_t>(fresh_mask_ | (1u << m));
    ++generation_;
    return;
  }
  if (phase_ == Phase::kPolling && f.function == ibus::Function::kBalanceAck) awaiting_ = false;
}

void ModulePoller::update(std::uint32_t now_ms) {
  if (phase_ == Phase::kIdle || phase_ == Phase::kFailed) return;
  if (now_ms - slot_start_ms_ < config_.slot_ms) return;
  if (phase_ == Phase::kCoding) {
    if (awaiting_) {
      // Nobody took the address: the chain ends here.
      awaiting_ = false;
      if (found_ != config_.modules) {
        phase_ = Phase::kFailed;
        return;
      }
    }
    if (found_ == config_.modules) {
      phase_ = Phase::kPolling;
      ++generation_;
      polling_since_ms_ = now_ms;
      next_module_ = 0;
      last_balance_ms_ = now_ms;
    } else {
      ibus::Frame assign;
      assign.address = ibus::kBroadcast;
      assign.function = ibus::Function::kAssign;
      assign.length = 1;
      assign.payload[0] = static_cast<std::uint8_t>(found_ + 1);
      awaiting_address_ = assign.payload[0];
      awaiting_ = true;
      send(assign, now_ms);
      return;
    }
  }
  // Polling: lost modules first, then the next request.
  for (std::size_t m = 0; m < config_.modules; ++m) {
    if (((fresh_mask_ >> m) & 1u) && now_ms - last_seen_ms_[m] > config_.module_timeout_ms) {
      fresh_mask_ = static_cast<std::uint16_t>(fresh_mask_ & ~(1u << m));
      ++generation_;
    }
  }
  next_request(now_ms);
}

void ModulePoller::next_request(std::uint32_t now_ms) {
  const std::size_t m = next_module_;
  ibus::Frame f;
  f.address = static_cast<std::uint8_t>(m + 1);
  // Balancing orders ride in the slot after a module's poll once per period.
  if (balance_slot_) {
    balance_slot_ = false;
    f.function = ibus::Function::kBalance;
    f.length = 4;
    f.payload[0] = static_cast<std::uint8_t>(balance_mask_[m] & 0xFF);
    f.payload[1] = static_cast<std::uint8_t>(balance_mask_[m] >> 8);
    // Hold the order for three periods: a silent master stops the bleeding.
    const std::uint32_t hold_100ms = 3u * config_.balance_period_ms / 100u;
    f.payload[2] = static_cast<std::uint8_t>(hold_100ms & 0xFF);
    f.payload[3] = static_cast<std::uint8_t>(hold_100ms >> 8);
    next_module_ = (m + 1) % config_.modules;
    if (next_module_ == 0) last_balance_ms_ = now_ms;
  } else {
    f.function = ibus::Function::kPoll;
    const bool balance_due = now_ms - last_balance_ms_ >= config_.balance_period_ms;
    if (balance_due) {
      balance_slot_ = true;
    } else {
      next_module_ = (m + 1) % config_.modules;
    }
  }
  awaiting_address_ = f.address;
  awaiting_ = true;
  send(f, now_ms);
}

}  // namespace stacksim::fw
