// The HAL as the board answers it (docs/hardware.md, "HAL answers"), and the
// plain C table that forwards each call to the board in ctx.
#include <cmath>

#include "hw/board.hpp"
#include "hw/sensor_math.hpp"

namespace stacksim::hw {

std::uint64_t Board::hal_time_us() const {
  return powered_ ? static_cast<std::uint64_t>((now_ns_ - power_on_ns_) / 1000) : 0;
}

std::int64_t Board::hal_rtc_s() const { return wiring_.start_epoch_s + now_ns_ / 1'000'000'000; }

int Board::hal_cell_voltage_mV(std::uint16_t channel, std::int32_t* mV) const {
  if (!afe_ || channel >= afe_->channels() || !mV) return SSIM_E_RANGE;
  if (afe_->failed()) return SSIM_E_FAULT;
  if (!powered_ || !afe_->ready()) return SSIM_E_NOT_READY;
  *mV = afe_->reading_mV(channel);
  return SSIM_OK;
}

int Board::hal_temperature_dC(std::uint16_t sensor, std::int16_t* dC) const {
  if (sensor >= temps_.count() || !dC) return SSIM_E_RANGE;
  if (!powered_ || !temps_.ready()) return SSIM_E_NOT_READY;
  return temps_.reading_dC(sensor, *dC) ? SSIM_OK : SSIM_E_FAULT;
}

int Board::hal_board_temperature_dC(std::int16_t* dC) const {
  if (!dC) return SSIM_E_RANGE;
  if (!powered_ || !temps_.ready()) return SSIM_E_NOT_READY;
  *dC = temps_.board_reading_dC();
  return SSIM_OK;
}

int Board::hal_current_mA(std::int32_t* mA) const {
  if (!shunt_ || !mA) return SSIM_E_RANGE;
  if (shunt_->failed()) return SSIM_E_FAULT;
  if (!powered_ || !shunt_->ready()) return SSIM_E_NOT_READY;
  *mA = shunt_->reading_mA();
  return SSIM_OK;
}

int Board::hal_voltage_mV(ssim_voltage_point point, std::int32_t* mV) const {
  if (!mV) return SSIM_E_RANGE;
  switch (point) {
    case SSIM_V_BATTERY:
    case SSIM_V_LINK:
      if (!vsense_) return SSIM_E_RANGE;
      if (!powered_ || !vsense_->ready()) return SSIM_E_NOT_READY;
      *mV = vsense_->reading_mV(point == SSIM_V_BATTERY ? VoltageSense::kBattery : VoltageSense::kLink);
      return SSIM_OK;
    case SSIM_V_SUPPLY:
      if (!powered_) return SSIM_E_NOT_READY;
      *mV = quantise(1000.0 * spec_.supply.output_V * (1.0 + supply_gain_), spec_.supply.resolution_mV, 0.0,
                     1e9);
      return SSIM_OK;
  }
  return SSIM_E_RANGE;
}

int Board::hal_read_input(ssim_input input) const {
  switch (input) {
    case SSIM_IN_BUTTON:
      return spec_.button ? int{button_.pressed(now_ns_)} : SSIM_E_RANGE;
    case SSIM_IN_BREAKER:
      return breaker_ ? int{breaker_->closed()} : SSIM_E_RANGE;
    case SSIM_IN_WAKE:
      return spec_.supply.wake ? int{wake_active(wake_V_, spec_.supply.wake)} : SSIM_E_RANGE;
    case SSIM_IN_ADDRESS:
      if (!spec_.address_coding) return SSIM_E_RANGE;
      return int{address_in()};
    case SSIM_IN_LINK_OUT:
      if (!spec_.link_coding && !(spec_.address_coding && wiring_.role == SSIM_ROLE_PACK)) return SSIM_E_RANGE;
      return int{wiring_.link_out_connected};
    case SSIM_IN_LINK_ADDRESS:
      if (!spec_.link_coding) return SSIM_E_RANGE;
      return int{wiring_.link_address_from && wiring_.link_address_from->powered() &&
                 wiring_.link_address_from->output(SSIM_OUT_LINK_ADDRESS)};
    case SSIM_IN_FUSE_OK:
      return fuse_ ? int{!fuse_->blown()} : SSIM_E_RANGE;
    case SSIM_IN_POS_FEEDBACK:
      return pos_ && pos_->spec().auxiliary_contact ? int{pos_->feedback()} : SSIM_E_RANGE;
    case SSIM_IN_NEG_FEEDBACK:
      return neg_ && neg_->spec().auxiliary_contact ? int{neg_->feedback()} : SSIM_E_RANGE;
    case SSIM_INPUT_COUNT:
      break;
  }
  return SSIM_E_RANGE;
}

// Outputs the board does not have are not connected: writes go nowhere.
void Board::hal_write_output(ssim_output output, bool on) {
  if (!powered_) return;
  bool present = false;
  switch (output) {
    case SSIM_OUT_POS_CONTACTOR:
    case SSIM_OUT_NEG_CONTACTOR: present = pos_.has_value(); break;
    case SSIM_OUT_PRECHARGE: present = pre_.has_value(); break;
    case SSIM_OUT_DRY1: present = spec_.dry_contacts >= 1; break;
    case SSIM_OUT_DRY2: present = spec_.dry_contacts >= 2; break;
    case SSIM_OUT_ADDRESS: present = spec_.address_coding; break;
    case SSIM_OUT_POWER_HOLD: present = spec_.supply.mode == PowerMode::kLatched; break;
    case SSIM_OUT_CHARGE_BLOCK: present = spec_.charge_block; break;
    case SSIM_OUT_LINK_ADDRESS: present = spec_.link_coding; break;
    case SSIM_OUTPUT_COUNT: break;
  }
  if (present) set_output_state(output, on);
}

void Board::hal_set_balancing(std::uint16_t channel, bool on) {
  if (!powered_ || !spec_.balancing || !afe_ || channel >= afe_->channels()) return;
  const std::uint32_t bit = 1u << channel;
  const std::uint32_t wanted = on ? (wanted_balancing_ | bit) : (wanted_balancing_ & ~bit);
  if (wanted == wanted_balancing_) return;
  wanted_balancing_ = wanted;
  actuators_dirty_ = true;
}

void Board::hal_set_led(std::uint16_t led, ssim_led_colour colour) {
  if (!powered_ || led >= spec_.leds) return;
  set_led_state(led, colour);
}

void Board::set_led_state(std::uint16_t led, ssim_led_colour colour) {
  if (leds_[led] == colour) return;
  leds_[led] = colour;
  if (led_observer_) led_observer_(now_ns_, led, colour);
}

// A port with nothing attached is a cable to nowhere: frames and bytes are
// accepted and lost, the controller stays error-active.
int Board::hal_can_send(std::uint16_t port, const ssim_can_frame* frame) {
  if (port >= spec_.can_ports || !frame) return SSIM_E_RANGE;
  return can_[port] ? can_[port]->send(*frame) : SSIM_OK;
}

int Board::hal_can_state(std::uint16_t port, std::uint16_t* tec, std::uint16_t* rec) {
  if (port >= spec_.can_ports) return SSIM_E_RANGE;
  if (can_[port]) return can_[port]->state(tec, rec);
  if (tec) *tec = 0;
  if (rec) *rec = 0;
  return 0;
}

void Board::hal_can_recover(std::uint16_t port) {
  if (port < spec_.can_ports && can_[port]) can_[port]->recover();
}

int Board::hal_rs485_write(std::uint16_t port, const std::uint8_t* data, std::size_t len) {
  if (port >= spec_.rs485_ports || (!data && len != 0)) return SSIM_E_RANGE;
  return rs485_[port] ? rs485_[port]->write(data, len) : SSIM_OK;
}

void Board::hal_debug_status(const ssim_debug_status* status) {
  if (!status) return;
  last_status_ = *status;
  if (status_observer_) status_observer_(now_ns_, *status);
}

void Board::hal_log(ssim_log_level level, const char* message) {
  last_log_ = message ? message : "";
  if (log_observer_) log_observer_(now_ns_, level, last_log_.c_str());
}

// --- the C table --------------------------------------------------------------

namespace {

Board& board(void* ctx) { return *static_cast<Board*>(ctx); }

std::uint64_t time_us(void* ctx) { return board(ctx).hal_time_us(); }
std::int64_t rtc_s(void* ctx) { return board(ctx).hal_rtc_s(); }
int cell_voltage_mV(void* ctx, std::uint16_t channel, std::int32_t* mV) {
  return board(ctx).hal_cell_voltage_mV(channel, mV);
}
int temperature_dC(void* ctx, std::uint16_t sensor, std::int16_t* dC) {
  return board(ctx).hal_temperature_dC(sensor, dC);
}
int board_temperature_dC(void* ctx, std::int16_t* dC) { return board(ctx).hal_board_temperature_dC(dC); }
int current_mA(void* ctx, std::int32_t* mA) { return board(ctx).hal_current_mA(mA); }
int voltage_mV(void* ctx, ssim_voltage_point point, std::int32_t* mV) {
  return board(ctx).hal_voltage_mV(point, mV);
}
int read_input(void* ctx, ssim_input input) { return board(ctx).hal_read_input(input); }
void write_output(void* ctx, ssim_output output, int on) { board(ctx).hal_write_output(output, on != 0); }
void set_balancing(void* ctx, std::uint16_t channel, int on) { board(ctx).hal_set_balancing(channel, on != 0); }
void set_led(void* ctx, std::uint16_t led, ssim_led_colour colour) { board(ctx).hal_set_led(led, colour); }
int can_send(void* ctx, std::uint16_t port, const ssim_can_frame* frame) {
  return board(ctx).hal_can_send(port, frame);
}
int can_state(void* ctx, std::uint16_t port, std::uint16_t* tec, std::uint16_t* rec) {
  return board(ctx).hal_can_state(port, tec, rec);
}
void can_recover(void* ctx, std::uint16_t port) { board(ctx).hal_can_recover(port); }
int rs485_write(void* ctx, std::uint16_t port, const std::uint8_t* data, std::size_t len) {
  return board(ctx).hal_rs485_write(port, data, len);
}
int nvm_read(void* ctx, std::uint32_t offset, void* data, std::size_t len) {
  return board(ctx).nvm().read(offset, data, len);
}
int nvm_write(void* ctx, std::uint32_t offset, const void* data, std::size_t len) {
  return board(ctx).nvm().write(offset, data, len);
}
void debug_status(void* ctx, const ssim_debug_status* status) { board(ctx).hal_debug_status(status); }
void log(void* ctx, ssim_log_level level, const char* message) { board(ctx).hal_log(level, message); }

}  // namespace

ssim_hal make_hal_table(Board& b) {
  ssim_hal h{};
  h.abi_version = SSIM_HAL_ABI_VERSION;
  h.ctx = &b;
  h.time_us = &time_us;
  h.rtc_s = &rtc_s;
  h.cell_voltage_mV = &cell_voltage_mV;
  h.temperature_dC = &temperature_dC;
  h.board_temperature_dC = &board_temperature_dC;
  h.current_mA = &current_mA;
  h.voltage_mV = &voltage_mV;
  h.read_input = &read_input;
  h.write_output = &write_output;
  h.set_balancing = &set_balancing;
  h.set_led = &set_led;
  h.can_send = &can_send;
  h.can_state = &can_state;
  h.can_recover = &can_recover;
  h.rs485_write = &rs485_write;
  h.nvm_read = &nvm_read;
  h.nvm_write = &nvm_write;
  h.debug_status = &debug_status;
  h.log = &log;
  return h;
}

}  // namespace stacksim::hw
