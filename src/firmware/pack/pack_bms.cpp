#include "pack/pack_bms.hpp"

#include <cstring>

#include "app/event_log.hpp"
#include "app/measure.hpp"
#include "core/params.hpp"
#include "pcs/pcs_limits.hpp"

namespace stacksim::fw {

PackBms::PackBms(const ssim_hal* hal, const ssim_node_config& config)
    : hal_(hal), cells_(config.cell_channels), temps_(config.temp_sensors) {
  if (cells_ == 0 || cells_ > 16) {
    hal_->log(hal_->ctx, SSIM_LOG_ERROR, "pack BMS: expected 1 to 16 cell channels");
    return;
  }
  const ParamSet params(config.params, config.param_count);
  // Hold the supply at once: the press or the wake voltage that booted the
  // board must not be needed to keep it on.
  hal_->write_output(hal_->ctx, SSIM_OUT_POWER_HOLD, 1);
  self_hold_ = config.product != nullptr && std::strcmp(config.product, "lfp65") == 0;
  if (self_hold_) pcs_power_off_ms_ = static_cast<std::uint32_t>(params.require("pcs.power_off_ms"));
  balancing_.start_mV = params.require("balance.start_mV");
  balancing_.threshold_mV = params.require("balance.threshold_mV");
  // PCS link first: the app reports every missing key, the link's too.
  pcs_.configure(hal, params, config.product, &pcs_cells_);
  // The PCS's RS485 pins, where the board wires them (port 1).
  if (config.rs485_ports > kPcs485Port) {
    pcs485_.configure(hal, kPcs485Port, params, config.product, pcs_.options().manufacturer, &pcs_cells_);
  }
  pcs_nominal_mAh_ = static_cast<std::uint32_t>(params.require("capacity.nominal_mAh"));
  ok_ = app_.configure(hal, params, 1, true);
  if (!pcs_.options().open_on_comm_loss) app_.set_advisory_faults(SSIM_FAULT_PCS_COMM);
  pcs_meanings_.configure(app_.protection());
  pcs485_.set_limits(pcs_limits_from(app_.protection(), params.require("current.charge_max_mA"),
                                     params.require("current.discharge_max_mA")));
  if (ok_) configure_parallel(params);
  // Woken by the wake voltage: straight to start-up (the manual: "wakes it
  // from off to standby"); woken by POWER: the long press starts it.
  if (ok_ && self_hold_ && hal_->read_input(hal_->ctx, SSIM_IN_WAKE) == 1) app_.start(0);
  // Booted by Link In: the master's coding starts it (pack_parallel.cpp).
}

void PackBms::measure_cells() {
  cell_faults_ = 0;
  bool all = true;
  for (std::uint16_t c = 0; c < cells_; ++c) {
    std::int32_t mV = 0;
    const int status = hal_->cell_voltage_mV(hal_->ctx, c, &mV);
    if (status == SSIM_E_NOT_READY) {
      all = false;
      continue;
    }
    if (!cell_reading_plausible(status, mV)) cell_faults_ |= SSIM_FAULT_AFE;
    cell_mV_[c] = static_cast<std::uint16_t>(mV < 0 ? 0 : (mV > 0xFFFF ? 0xFFFF : mV));
  }
  cells_sampled_ = all;
  Measurements& m = snapshot_.m;
  if (all) {
    std::int32_t lo = 1 << 30, hi = -(1 << 30);
    std::int64_t sum = 0;
    for (std::uint16_t c = 0; c < cells_; ++c) {
      lo = cell_mV_[c] < lo ? cell_mV_[c] : lo;
      hi = cell_mV_[c] > hi ? cell_mV_[c] : hi;
      sum += cell_mV_[c];
    }
    m.cell_min_mV = lo;
    m.cell_max_mV = hi;
    snapshot_.cell_avg_mV = static_cast<std::int32_t>(sum / cells_);
  }
  m.cells_valid = all && (cell_faults_ & SSIM_FAULT_AFE) == 0;
  std::int16_t tlo = 32767, thi = -32768;
  bool temps_ok = temps_ > 0;
  for (std::uint16_t t = 0; t < temps_; ++t) {
    std::int16_t dC = 0;
    const int status = hal_->temperature_dC(hal_->ctx, t, &dC);
    if (!temp_reading_plausible(status, dC)) {
      if (status != SSIM_E_NOT_READY) cell_faults_ |= SSIM_FAULT_TEMP_SENSOR;
      temps_ok = false;
      continue;
    }
    tlo = dC < tlo ? dC : tlo;
    thi = dC > thi ? dC : thi;
  }
  m.temps_valid = temps_ok;
  m.temp_min_dC = tlo;
  m.temp_max_dC = thi;
}

void PackBms::measure_fast() {
  snapshot_.faults = cell_faults_;
  measure_power_path(hal_, snapshot_);
  snapshot_.ready = cells_sampled_;
}

void PackBms::follow_start_up() {
  if (app_.phase() != BmsApp::Phase::kCoding) return;
  if (link_.role() == ParallelLink::Role::kSlave) {
    app_.coding_done(now_ms_, !link_.coding_failed_ordered());
    return;
  }
  link_.start_coding(now_ms_);
  const ParallelLink::Coding coding = link_.coding();
  if (coding != ParallelLink::Coding::kDone && coding != ParallelLink::Coding::kFailed) return;
  const bool ok = coding == ParallelLink::Coding::kDone;
  if (link_.role() == ParallelLink::Role::kMaster) {
    LogLine().text(ok ? "parallel: coded " : "parallel: coding failed after ").number(link_.units())
        .text(" packs").emit(hal_, ok ? SSIM_LOG_INFO : SSIM_LOG_ERROR);
  }
  app_.coding_done(now_ms_, ok);
}

void PackBms::decide_balancing() {
  const Measurements& m = snapshot_.m;
  const bool discharging = m.current_valid && m.current_mA < -500;
  const bool allowed = app_.phase() == BmsApp::Phase::kRunning && m.cells_valid &&
                       balancing_allowed(balancing_, m.cell_max_mV, discharging);
  const std::uint16_t mask =
      allowed ? balancing_mask(balancing_, cell_mV_, cells_, m.cell_min_mV) : 0;
  for (std::uint16_t c = 0; c < cells_; ++c) {
    const int on = (mask >> c) & 1;
    if (on != ((balancing_mask_ >> c) & 1)) hal_->set_balancing(hal_->ctx, c, on);
  }
  balancing_mask_ = mask;
}

void PackBms::self_power() {
  if (powering_off_) {
    // The five LEDs have flickered (or the shutdown has finished): let go.
    if (app_.phase() == BmsApp::Phase::kOff) hal_->write_output(hal_->ctx, SSIM_OUT_POWER_HOLD, 0);
    return;
  }
  // Booted by a POWER press too short to start it: the supply goes with it.
  if (app_.phase() == BmsApp::Phase::kOff &&
      app_.last_button_event() == LongPressButton::Event::kShortPress) {
    hal_->write_output(hal_->ctx, SSIM_OUT_POWER_HOLD, 0);
    return;
  }
  // A shutdown by a long press ends with the supply released.
  if (app_.phase() == BmsApp::Phase::kSweepDown) powering_off_ = true;
  if (!self_hold_) return;
  const bool uv = app_.state() == SSIM_STATE_OVER_DISCHARGED;
  const bool zero_cell = (app_.faults() & SSIM_FAULT_ZERO_VOLT_CELL) != 0;
  const bool pcs_lost = pcs_heard_ && pcs_power_off_ms_ > 0 && now_ms_ - pcs_last_ms_ >= pcs_power_off_ms_;
  // A parallel failure shows its alarm for a while, then the pack powers off.
  const bool pair_failed = pair_judged_ && link_.pair_verdict() == ParallelLink::PairVerdict::kFailed &&
                           now_ms_ - pair_failed_ms_ >= pair_fail_show_ms_;
  if (uv || zero_cell || pcs_lost || pair_failed) {
    powering_off_ = true;
    app_.stop(now_ms_);
  }
}

void PackBms::can_receive(std::uint16_t port, const ssim_can_frame& frame) {
  if (port != 0) return;
  // Only valid frames of the PCS's protocol count as communication.
  const auto now_ms = static_cast<std::uint32_t>(hal_->time_us(hal_->ctx) / 1000u);
  if (!pcs_.receive(frame, now_ms)) return;
  pcs_spoke(now_ms);
}

void PackBms::pcs_spoke(std::uint32_t) {
  pcs_heard_ = pcs_.heard();
  pcs_last_ms_ = pcs_.last_heard_ms();
  link_.pcs_heard();
}

void PackBms::rs485_receive(std::uint16_t port, const std::uint8_t* data, std::size_t len) {
  const auto now_ms = static_cast<std::uint32_t>(hal_->time_us(hal_->ctx) / 1000u);
  if (port == 0) link_.receive(data, len, now_ms);
  // A request on the PCS's RS485 pins is PCS communication as a CAN frame is.
  if (port == kPcs485Port && pcs485_.receive(data, len, pcs_.report(), unit_report_)) {
    pcs_.note_heard(now_ms);
    pcs_spoke(now_ms);
  }
}

}  // namespace stacksim::fw
