#include "pcs/pcs485_link.hpp"

#include "pcs/pylon_rs485_answer.hpp"

namespace stacksim::fw {

void Pcs485Link::configure(const ssim_hal* hal, std::uint16_t port, const ParamSet& params, const char* product,
                           PcsManufacturer manufacturer, const PcsCellSource* cells) {
  hal_ = hal;
  port_ = port;
  protocol_ = static_cast<Pcs485Protocol>(params.require("pcs485.protocol"));
  address_ = static_cast<std::uint8_t>(params.require("pcs485.address"));
  product_ = product != nullptr ? product : "";
  manufacturer_ = manufacturer;
  cells_ = cells;
}

bool Pcs485Link::receive(const std::uint8_t* data, std::size_t len, const PcsReport& system, const PcsReport& pack) {
  if (hal_ == nullptr) return false;
  switch (protocol_) {
    case Pcs485Protocol::kPylon: return answer_pylon(data, len, system, pack);
    case Pcs485Protocol::kGrowatt: return answer_growatt(data, len, system);
    case Pcs485Protocol::kNone: break;
  }
  return false;
}

bool Pcs485Link::answer_pylon(const std::uint8_t* data, std::size_t len, const PcsReport& system,
                              const PcsReport& pack) {
  Pylon485Source src;
  src.address = address_;
  src.system = &system;
  src.pack = &pack;
  src.cells = cells_;
  src.limits = &limits_;
  src.product = product_;
  src.manufacturer = manufacturer_;
  pylon485::Frame out;
  const Pylon485Outcome outcome = pylon485_answer(data, len, src, out);
  if (outcome == Pylon485Outcome::kUnreadable || outcome == Pylon485Outcome::kSilent) {
    ++(outcome == Pylon485Outcome::kSilent ? counters_.other : counters_.unreadable);
    return false;
  }
  ++(outcome == Pylon485Outcome::kAnswered ? counters_.answered : counters_.refused);
  std::uint8_t wire[pylon485::kMaxFrameChars];
  send(wire, pylon485::encode(out, wire, sizeof wire));
  return true;
}

bool Pcs485Link::answer_growatt(const std::uint8_t* data, std::size_t len, const PcsReport& system) {
  registers_.update(system, hal_->rtc_s(hal_->ctx));
  std::uint8_t wire[modbus::kMaxAdu];
  const modbus::Result r = modbus::serve(data, len, address_, registers_, wire);
  switch (r.outcome) {
    case modbus::Outcome::kBadFrame: ++counters_.unreadable; return false;
    case modbus::Outcome::kNotForUs: ++counters_.other; return false;
    case modbus::Outcome::kBroadcast: ++counters_.answered; return true;
    case modbus::Outcome::kAnswered: ++counters_.answered; break;
    case modbus::Outcome::kException: ++counters_.refused; break;
  }
  send(wire, r.len);
  return true;
}

void Pcs485Link::tick(std::uint32_t now_ms) {
  if (hal_ == nullptr || !bad_log_.due(counters_.unreadable + counters_.refused, now_ms)) return;
  LogLine().text("pcs485: ").number(counters_.unreadable).text(" unreadable, ").number(counters_.refused)
      .text(" answered with an error, ").number(counters_.answered).text(" answered, ").number(counters_.other)
      .text(" for another address so far")
      .emit(hal_, SSIM_LOG_WARN);
}

void Pcs485Link::send(const std::uint8_t* data, std::size_t len) {
  if (len > 0) hal_->rs485_write(hal_->ctx, port_, data, len);
}

}  // namespace stacksim::fw
