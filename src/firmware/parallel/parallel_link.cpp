#include "parallel/parallel_link.hpp"

#include "ibus/ibus.hpp"

namespace stacksim::fw {

namespace {

// Link functions (the GTX3000 internal bus uses 0x01-0x83 on its own line).
constexpr std::uint8_t kCodeNext = 0x10;   // master -> all: u8 address offered
constexpr std::uint8_t kCodeTaken = 0x11;  // slave -> master: u8 address, u8 cable in Link Out
constexpr std::uint8_t kCodeEnd = 0x12;    // master -> all: u8 units, u8 ok
constexpr std::uint8_t kPoll = 0x20;       // master -> slave: u8 order (0 run, 1 shut down)
constexpr std::uint8_t kReport = 0x21;     // slave -> master: its report to the PCS
constexpr std::uint8_t kHello = 0x30;      // pair: u16 pack mV, u8 peer heard
constexpr std::uint32_t kOfferRepeat_ms = 200;
// CAN medium: 29-bit id = kCanBase | function << 16 | segment << 8 | address
// (models/dbc/gtx3000-link.dbc).
constexpr std::uint32_t kCanBase = 0x1E000000u;
constexpr std::uint32_t kCanBaseMask = 0x1F000000u;
constexpr std::size_t kSegments = (plink::kUnitReportBytes + 7) / 8;
constexpr std::uint32_t kHelloPeriod_ms = 500;

}  // namespace

void ParallelLink::configure(const ssim_hal* hal, const ParallelConfig& config, std::uint32_t now_ms) {
  hal_ = hal;
  config_ = config;
  if (config_.max_units > kMaxParallelUnits) config_.max_units = kMaxParallelUnits;
  power_on_ms_ = now_ms;
  last_hello_ms_ = now_ms;
  woken_by_link_ = config_.mode == ParallelConfig::Mode::kChain &&
                   hal_->read_input(hal_->ctx, config_.adr_in) == 1;
}

void ParallelLink::send(std::uint8_t address, std::uint8_t function, const std::uint8_t* payload,
                        std::uint8_t len) {
  if (config_.medium == ParallelConfig::Medium::kCan) {
    send_can(address, function, payload, len);
    return;
  }
  ibus::Frame f;
  f.address = address;
  f.function = static_cast<ibus::Function>(function);
  f.length = len;
  for (std::uint8_t i = 0; i < len; ++i) f.payload[i] = payload[i];
  std::uint8_t out[ibus::kMaxFrame];
  const std::size_t n = ibus::encode(f, out);
  hal_->rs485_write(hal_->ctx, 0, out, n);
}

void ParallelLink::send_can(std::uint8_t address, std::uint8_t function, const std::uint8_t* payload,
                            std::uint8_t len) {
  std::size_t segment = 0;
  std::size_t offset = 0;
  do {
    ssim_can_frame f{};
    f.id = kCanBase | (static_cast<std::uint32_t>(function) << 16) |
           (static_cast<std::uint32_t>(segment) << 8) | address;
    f.extended = 1;
    const std::size_t n = len - offset < 8 ? len - offset : 8;
    f.dlc = static_cast<std::uint8_t>(n);
    for (std::size_t i = 0; i < n; ++i) f.data[i] = payload[offset + i];
    hal_->can_send(hal_->ctx, 0, &f);
    offset += n;
    ++segment;
  } while (offset < len);
}

bool ParallelLink::receive_can(const ssim_can_frame& frame, std::uint32_t now_ms) {
  if (frame.extended == 0 || (frame.id & kCanBaseMask) != kCanBase) return false;
  LinkMessage m;
  m.function = static_cast<std::uint8_t>(frame.id >> 16);
  const std::size_t segment = (frame.id >> 8) & 0xFFu;
  m.address = static_cast<std::uint8_t>(frame.id);
  const std::size_t n = frame.dlc > 8 ? 8 : frame.dlc;
  if (m.function != kReport) {
    if (segment != 0) {
      ++malformed_;
      return true;
    }
    m.length = static_cast<std::uint8_t>(n);
    for (std::size_t i = 0; i < n; ++i) m.payload[i] = frame.data[i];
    handle(m, now_ms);
    return true;
  }
  // A report: its segments in order from one sender (a CAN node sends its
  // queue in order); the last completes it.
  const std::size_t want = segment + 1 < kSegments ? 8 : plink::kUnitReportBytes - 8 * (kSegments - 1);
  if (m.address > kMaxParallelUnits || segment >= kSegments || n != want) {
    ++malformed_;
    return true;
  }
  if (segment == 0) segment_mask_[m.address] = 0;
  for (std::size_t i = 0; i < n; ++i) segments_[m.address][8 * segment + i] = frame.data[i];
  segment_mask_[m.address] = static_cast<std::uint16_t>(segment_mask_[m.address] | (1u << segment));
  if (segment + 1 == kSegments) {
    if (segment_mask_[m.address] != (1u << kSegments) - 1u) {
      ++malformed_;
      return true;
    }
    m.length = static_cast<std::uint8_t>(plink::kUnitReportBytes);
    for (std::size_t i = 0; i < plink::kUnitReportBytes; ++i) m.payload[i] = segments_[m.address][i];
    handle(m, now_ms);
  }
  return true;
}

void ParallelLink::start_coding(std::uint32_t now_ms) {
  if (coding_ != Coding::kIdle) return;
  if (config_.mode != ParallelConfig::Mode::kChain ||
      hal_->read_input(hal_->ctx, SSIM_IN_LINK_OUT) != 1) {
    coding_ = Coding::kDone;  // nothing follows in the chain
    return;
  }
  role_ = Role::kMaster;
  address_ = 1;
  units_ = 1;
  coding_ = Coding::kRunning;
  hal_->write_output(hal_->ctx, config_.adr_out, 1);
  offered_ = 2;
  offered_since_ms_ = now_ms;
  last_offer_ms_ = now_ms;
  send(ibus::kBroadcast, kCodeNext, &offered_, 1);
}

void ParallelLink::rearm() {
  if (role_ == Role::kSlave) return;
  coding_ = Coding::kIdle;
  shutdown_order_ = false;
}

void ParallelLink::finish_coding(bool ok) {
  const std::uint8_t payload[2] = {units_, static_cast<std::uint8_t>(ok ? 1 : 0)};
  send(ibus::kBroadcast, kCodeEnd, payload, 2);
  coding_ = ok ? Coding::kDone : Coding::kFailed;
}

void ParallelLink::update_coding(std::uint32_t now_ms) {
  if (coding_ != Coding::kRunning) return;
  if (now_ms - offered_since_ms_ >= config_.coding_wait_ms) {
    finish_coding(false);  // a cable leaves the last pack's Link Out, nobody answers
    return;
  }
  if (now_ms - last_offer_ms_ >= kOfferRepeat_ms) {
    last_offer_ms_ = now_ms;
    send(ibus::kBroadcast, kCodeNext, &offered_, 1);
  }
}

void ParallelLink::update(std::uint32_t now_ms, const PcsReport& own, std::int32_t own_pack_mV) {
  own_ = own;
  own_pack_mV_ = own_pack_mV;
  if (config_.mode == ParallelConfig::Mode::kChain) update_coding(now_ms);
  if (config_.mode == ParallelConfig::Mode::kPair) update_pair(now_ms, own_pack_mV);
  if (role_ == Role::kMaster && coding_ != Coding::kRunning && units_ > 1) poll(now_ms);
}

void ParallelLink::update_pair(std::uint32_t now_ms, std::int32_t own_pack_mV) {
  if (!peer_heard_ && pair_verdict_ == PairVerdict::kWaiting &&
      now_ms - power_on_ms_ >= config_.window_ms) {
    pair_verdict_ = PairVerdict::kFailed;
  }
  // Greet until the peer has heard us (also after a failed verdict: the peer
  // must learn of the failure too); the period depends on the pack's own
  // voltage so that two packs switched on together do not collide forever.
  const std::uint32_t period = kHelloPeriod_ms + static_cast<std::uint32_t>(own_pack_mV % 97);
  if (!peer_heard_us_ && now_ms - last_hello_ms_ >= period) {
    last_hello_ms_ = now_ms;
    const std::uint16_t mV = static_cast<std::uint16_t>(own_pack_mV < 0 ? 0 : own_pack_mV);
    const std::uint8_t payload[3] = {static_cast<std::uint8_t>(mV), static_cast<std::uint8_t>(mV >> 8),
                                     static_cast<std::uint8_t>(peer_heard_ ? 1 : 0)};
    send(ibus::kBroadcast, kHello, payload, 3);
  }
  if (pair_verdict_ == PairVerdict::kOk && pcs_heard_ && role_ == Role::kAlone) {
    role_ = Role::kMaster;
    address_ = 1;
    units_ = 2;
    heard_ms_[2] = now_ms;  // the first round of polls has its full timeout
  }
}

void ParallelLink::poll(std::uint32_t now_ms) {
  if (now_ms - last_poll_ms_ < config_.poll_period_ms) return;
  last_poll_ms_ = now_ms;
  if (next_poll_ < 2 || next_poll_ > units_) next_poll_ = 2;
  const std::uint8_t order = shutdown_order_ ? 1 : 0;
  send(next_poll_, kPoll, &order, 1);
  ++next_poll_;
}

void ParallelLink::on_code_next(std::uint8_t offered) {
  if (config_.mode != ParallelConfig::Mode::kChain || role_ == Role::kMaster) return;
  if (address_ == 0 && hal_->read_input(hal_->ctx, config_.adr_in) == 1) {
    address_ = offered;
    role_ = Role::kSlave;
  }
  // The master has moved on: now (not when taking the address, or the next
  // unit would take the same offer in the same instant) wake and address the
  // next unit.
  if (address_ != 0 && offered == address_ + 1) hal_->write_output(hal_->ctx, config_.adr_out, 1);
  if (address_ != offered) return;
  // Also a repeat, if the master missed the first answer.
  const std::uint8_t payload[2] = {address_,
                                   static_cast<std::uint8_t>(hal_->read_input(hal_->ctx, SSIM_IN_LINK_OUT) == 1)};
  send(ibus::kMaster, kCodeTaken, payload, 2);
}

void ParallelLink::receive(const std::uint8_t* data, std::size_t len, std::uint32_t now_ms) {
  ibus::Frame frame;
  if (!ibus::decode(data, len, frame)) {
    ++malformed_;
    return;
  }
  LinkMessage m;
  m.address = frame.address;
  m.function = static_cast<std::uint8_t>(frame.function);
  m.length = frame.length;
  for (std::size_t i = 0; i < frame.length && i < m.payload.size(); ++i) m.payload[i] = frame.payload[i];
  handle(m, now_ms);
}

void ParallelLink::handle(const LinkMessage& f, std::uint32_t now_ms) {
  switch (f.function) {
    case kCodeNext:
      if (f.length >= 1) on_code_next(f.payload[0]);
      return;
    case kCodeTaken:
      if (role_ != Role::kMaster || coding_ != Coding::kRunning || f.length < 2) return;
      if (f.payload[0] != offered_) return;  // late or not ours
      units_ = offered_;
      heard_ms_[units_] = now_ms;
      if (f.payload[1] == 0) {
        finish_coding(true);
      } else if (units_ >= config_.max_units) {
        finish_coding(false);  // more packs than a system may have
      } else {
        offered_ = static_cast<std::uint8_t>(units_ + 1);
        offered_since_ms_ = now_ms;
        last_offer_ms_ = now_ms;
        send(ibus::kBroadcast, kCodeNext, &offered_, 1);
      }
      return;
    case kCodeEnd:
      if (role_ != Role::kSlave || f.length < 2) return;
      units_ = f.payload[0];
      ++start_orders_;
      coding_failed_ordered_ = f.payload[1] == 0;
      master_heard_ = true;
      master_heard_ms_ = now_ms;
      return;
    case kPoll: {
      if (f.length < 1 || role_ == Role::kMaster) return;
      if (config_.mode == ParallelConfig::Mode::kPair && role_ == Role::kAlone && f.address == 2) {
        role_ = Role::kSlave;
        address_ = 2;
        units_ = 2;
      }
      if (role_ != Role::kSlave || f.address != address_) return;
      master_heard_ = true;
      master_heard_ms_ = now_ms;
      shutdown_ordered_ = f.payload[0] == 1;
      std::uint8_t payload[plink::kUnitReportBytes];
      plink::pack_unit_report(own_, payload);
      send(address_, kReport, payload, static_cast<std::uint8_t>(plink::kUnitReportBytes));
      return;
    }
    case kReport:
      if (role_ != Role::kMaster || f.length != plink::kUnitReportBytes) {
        if (f.length != plink::kUnitReportBytes) ++malformed_;
        return;
      }
      if (f.address < 2 || f.address > units_) return;
      if (!plink::unpack_unit_report(f.payload.data(), units_seen_[f.address])) {
        ++malformed_;
        return;
      }
      heard_ms_[f.address] = now_ms;
      heard_[f.address] = true;
      return;
    case kHello: {
      if (config_.mode != ParallelConfig::Mode::kPair || f.length < 3) return;
      const std::int32_t mV = f.payload[0] | (f.payload[1] << 8);
      if (!peer_heard_ && pair_verdict_ == PairVerdict::kWaiting) {
        const std::int32_t diff = own_pack_mV_ > mV ? own_pack_mV_ - mV : mV - own_pack_mV_;
        pair_verdict_ = diff > config_.max_diff_mV ? PairVerdict::kFailed : PairVerdict::kOk;
      }
      peer_heard_ = true;
      peer_mV_ = mV;
      if (f.payload[2] == 1) peer_heard_us_ = true;
      return;
    }
    default:
      ++malformed_;
      return;
  }
}

bool ParallelLink::unit_fresh(std::size_t address, std::uint32_t now_ms) const {
  if (address == address_) return true;
  return address < heard_.size() && heard_[address] &&
         now_ms - heard_ms_[address] < config_.unit_timeout_ms;
}

bool ParallelLink::link_lost(std::uint32_t now_ms) const {
  if (role_ == Role::kSlave) {
    return master_heard_ && now_ms - master_heard_ms_ >= config_.unit_timeout_ms;
  }
  if (role_ != Role::kMaster || coding_ == Coding::kRunning) return false;
  for (std::uint8_t a = 2; a <= units_; ++a) {
    if (now_ms - heard_ms_[a] >= config_.unit_timeout_ms) return true;
  }
  return false;
}

bool ParallelLink::slaves_down(std::uint32_t now_ms) const {
  for (std::uint8_t a = 2; a <= units_; ++a) {
    const bool down = heard_[a] && units_seen_[a].state == SSIM_STATE_SHUTDOWN;
    const bool gone = now_ms - heard_ms_[a] >= config_.unit_timeout_ms;
    if (!down && !gone) return false;
  }
  return true;
}

}  // namespace stacksim::fw
