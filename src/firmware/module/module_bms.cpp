#include "module/module_bms.hpp"

#include "app/measure.hpp"

namespace stacksim::fw {

ModuleBms::ModuleBms(const ssim_hal* hal, const ssim_node_config& config)
    : hal_(hal),
      cells_(config.cell_channels < ibus::kMaxCells ? config.cell_channels
                                                     : static_cast<std::uint16_t>(ibus::kMaxCells)),
      temps_(config.temp_sensors < ibus::kMaxTemps ? config.temp_sensors
                                                    : static_cast<std::uint16_t>(ibus::kMaxTemps)) {
  hal_->write_output(hal_->ctx, SSIM_OUT_ADDRESS, 0);
  apply_balancing(0);
}

ModuleBms::~ModuleBms() = default;

void ModuleBms::sample() {
  ibus::Report r;
  // Nothing is reported before the front end and the thermistors have each
  // converted once: a reading that does not exist yet is not a fault.
  bool converted = true;
  r.cells = static_cast<std::uint8_t>(cells_);
  for (std::uint16_t c = 0; c < cells_; ++c) {
    std::int32_t mV = 0;
    const int status = hal_->cell_voltage_mV(hal_->ctx, c, &mV);
    converted = converted && status != SSIM_E_NOT_READY;
    if (!cell_reading_plausible(status, mV)) r.flags |= ibus::kFlagAfeFault;
    r.cell_mV[c] = static_cast<std::uint16_t>(mV < 0 ? 0 : (mV > 0xFFFF ? 0xFFFF : mV));
  }
  r.temps = static_cast<std::uint8_t>(temps_);
  for (std::uint16_t t = 0; t < temps_; ++t) {
    std::int16_t dC = 0;
    const int status = hal_->temperature_dC(hal_->ctx, t, &dC);
    converted = converted && status != SSIM_E_NOT_READY;
    if (!temp_reading_plausible(status, dC)) r.flags |= ibus::kFlagTempFault;
    r.temp_dC[t] = dC;
  }
  std::int16_t board_dC = 0;
  hal_->board_temperature_dC(hal_->ctx, &board_dC);
  r.board_temp_dC = board_dC;
  r.balancing_mask = balancing_mask_;
  if (balancing_mask_ != 0) r.flags |= ibus::kFlagBalancing;
  if (!converted) return;
  report_ = r;
  sampled_ = true;
}

void ModuleBms::rs485_receive(std::uint16_t, const std::uint8_t* data, std::size_t len) {
  // Other modules' answers and requests for other addresses are not ours to
  // check: the address byte filters before the CRC is worth computing.
  if (len >= 2 && data[1] != address_ && data[1] != ibus::kBroadcast) return;
  ibus::Frame frame;
  if (!ibus::decode(data, len, frame)) {
    ++bad_frames_;
    return;
  }
  handle(frame);
}

void ModuleBms::handle(const ibus::Frame& f) {
  switch (f.function) {
    case ibus::Function::kResetAddress:
      if (f.address != ibus::kBroadcast) return;
      address_ = ibus::kUnassigned;
      hal_->write_output(hal_->ctx, SSIM_OUT_ADDRESS, 0);
      return;
    case ibus::Function::kAssign:
      // Only the first unaddressed module of the chain sees ADR_IN asserted.
      if (f.address != ibus::kBroadcast || f.length != 1 || address_ != ibus::kUnassigned) return;
      if (hal_->read_input(hal_->ctx, SSIM_IN_ADDRESS) != 1) return;
      // ADR_OUT follows with the answer, on the next tick: every module
      // judges the same broadcast by the chain as it was when it arrived.
      address_ = f.payload[0];
      pending_frame_ = ibus::Frame{};
      pending_frame_.address = address_;
      pending_frame_.function = ibus::Function::kAssigned;
      pending_frame_.length = 1;
      pending_frame_.payload[0] = address_;
      pending_ = true;
      return;
    case ibus::Function::kPoll:
      if (f.address != address_ || address_ == ibus::kUnassigned || !sampled_) return;
      pending_frame_ = ibus::make_report(address_, report_);
      pending_ = true;
      return;
    case ibus::Function::kBalance: {
      if (f.address != address_ || address_ == ibus::kUnassigned || f.length != 4) return;
      const auto mask = static_cast<std::uint16_t>(f.payload[0] | (f.payload[1] << 8));
      const auto hold_100ms = static_cast<std::uint32_t>(f.payload[2] | (f.payload[3] << 8));
      apply_balancing(mask);
      balancing_until_ms_ = now_ms_ + hold_100ms * 100u;
      pending_frame_ = ibus::Frame{};
      pending_frame_.address = address_;
      pending_frame_.function = ibus::Function::kBalanceAck;
      pending_frame_.length = 2;
      pending_frame_.payload[0] = static_cast<std::uint8_t>(balancing_mask_ & 0xFF);
      pending_frame_.payload[1] = static_cast<std::uint8_t>(balancing_mask_ >> 8);
      pending_ = true;
      return;
    }
    default:
      return;  // answers of other modules, or functions this slave does not know
  }
}

void ModuleBms::apply_balancing(std::uint16_t mask) {
  for (std::uint16_t c = 0; c < cells_; ++c) {
    const int on = (mask >> c) & 1;
    if (on != ((balancing_mask_ >> c) & 1) || mask == 0) hal_->set_balancing(hal_->ctx, c, on);
  }
  balancing_mask_ = mask;
}

void ModuleBms::answer_pending() {
  if (!pending_) return;
  pending_ = false;
  if (pending_frame_.function == ibus::Function::kAssigned) {
    hal_->write_output(hal_->ctx, SSIM_OUT_ADDRESS, 1);
  }
  send(pending_frame_);
}

void ModuleBms::send(const ibus::Frame& frame) {
  std::uint8_t bytes[ibus::kMaxFrame];
  const std::size_t n = ibus::encode(frame, bytes);
  hal_->rs485_write(hal_->ctx, 0, bytes, n);
}

}  // namespace stacksim::fw
