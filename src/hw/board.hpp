// One BMS board: its parts (board_spec.hpp) wired to physics, and the whole
// ssim_hal table a firmware instance gets.
//
// The owner's step (design.md, "The step loop"), for a step [t, t+dt):
//   1. board.update(t, dt) for every board (a BCU before its modules):
//      power transitions, contactor timing, fuse, balancing -> physics;
//   2. physics.step(dt);  then dc_link.advance(dt);
//   3. board.sample(t+dt) for every board, then set_now() and the
//      firmware's calls. HAL writes take effect at the next update().
// The owner creates the firmware instance when the power observer reports
// power on and destroys it on power off (HAL rules: losing power is
// destroy()). Time, LEDs and outputs seen by observers are simulated time.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "hw/board_spec.hpp"
#include "hw/breaker.hpp"
#include "hw/button.hpp"
#include "hw/nvm.hpp"
#include "physics/system.hpp"
#include "stacksim/hal.h"

namespace stacksim::hw {

class Board;

struct BoardWiring {
  ssim_role role = SSIM_ROLE_PACK;
  std::string name;                       // "string1/bcu", "string1/module3", "pack2": seeds its streams
  std::size_t branch = 0;                 // physics branch the board measures / switches
  std::optional<std::size_t> module;      // physics module of its cells (module and pack boards)
  std::uint16_t modules_in_string = 1;    // BCU: node_config().modules
  const Board* supplied_by = nullptr;   // module boards: their BCU
  const Board* address_from = nullptr;  // previous board's ADDRESS output (null: input open)
  std::int64_t start_epoch_s = 0;         // RTC at simulated time 0 (scenario start date)
  // Parallel systems.
  bool link_out_connected = false;      // a cable in Link Port Out (SSIM_IN_LINK_OUT)
  const Board* link_address_from = nullptr;  // BCU: previous BCU's LINK_ADDRESS output
};

class CanPortLink {
 public:
  virtual ~CanPortLink() = default;
  virtual int send(const ssim_can_frame& frame) = 0;
  virtual int state(std::uint16_t* tec, std::uint16_t* rec) = 0;
  virtual void recover() = 0;
};

class Rs485PortLink {
 public:
  virtual ~Rs485PortLink() = default;
  virtual int write(const std::uint8_t* data, std::size_t len) = 0;
};

class Board {
 public:
  Board(const BoardSpec& spec, BoardWiring wiring, physics::PhysicsSystem& physics, DcLink* dc_link,
        std::uint64_t seed);
  Board(const Board&) = delete;
  Board& operator=(const Board&) = delete;

  const ssim_hal* hal() const { return &hal_; }
  // The node description for create(); `product` and `params` must outlive
  // the firmware instance.
  ssim_node_config node_config(const char* product, const ssim_param* params, std::size_t param_count) const;

  void set_now(std::int64_t now_ns) { now_ns_ = now_ns; }
  void update(std::int64_t now_ns, std::int64_t dt_ns);
  void sample(std::int64_t t_ns);

  void attach_can(std::uint16_t port, CanPortLink* link);
  void attach_rs485(std::uint16_t port, Rs485PortLink* link);

  // --- operator inputs and fault hooks ---
  void press_button(std::int64_t start_ns, std::int64_t end_ns) { button_.press(start_ns, end_ns); }
  void set_breaker(bool closed);
  void set_wake_voltage_V(double volts) { wake_V_ = volts; }
  void set_supply_fault(bool fault) { supply_fault_ = fault; }
  void set_address_line_broken(bool broken) { address_broken_ = broken; }
  void set_precharge_resistor_open(bool open);
  void blow_fuse();
  void replace_fuse();
  CellFrontEnd* afe() { return afe_ ? &*afe_ : nullptr; }
  TemperatureSensors& temperatures() { return temps_; }
  CurrentShunt* shunt() { return shunt_ ? &*shunt_ : nullptr; }
  VoltageSense* voltage_sense() { return vsense_ ? &*vsense_ : nullptr; }
  // which: SSIM_OUT_POS_CONTACTOR, _NEG_CONTACTOR or _PRECHARGE (no-ops if absent).
  void set_contactor_welded(ssim_output which, bool welded);
  void set_contactor_stuck_open(ssim_output which, bool stuck);
  const Contactor* contactor(ssim_output which) const;
  Fuse* fuse() { return fuse_ ? &*fuse_ : nullptr; }
  Breaker* breaker() { return breaker_ ? &*breaker_ : nullptr; }
  Nvm& nvm() { return nvm_; }

  // --- observers (optional) ---
  using PowerObserver = std::function<void(std::int64_t t_ns, bool powered)>;
  using LedObserver = std::function<void(std::int64_t t_ns, std::uint16_t led, ssim_led_colour colour)>;
  using OutputObserver = std::function<void(std::int64_t t_ns, ssim_output output, bool on)>;
  using StatusObserver = std::function<void(std::int64_t t_ns, const ssim_debug_status& status)>;
  using LogObserver = std::function<void(std::int64_t t_ns, ssim_log_level level, const char* message)>;
  void on_power(PowerObserver f) { power_observer_ = std::move(f); }
  void on_led(LedObserver f) { led_observer_ = std::move(f); }
  void on_output(OutputObserver f) { output_observer_ = std::move(f); }
  void on_status(StatusObserver f) { status_observer_ = std::move(f); }
  void on_log(LogObserver f) { log_observer_ = std::move(f); }

  // --- state, for the simulator, recorders and tests ---
  const BoardSpec& spec() const { return spec_; }
  const BoardWiring& wiring() const { return wiring_; }
  bool powered() const { return powered_; }
  std::int64_t powered_since_ns() const { return power_on_ns_; }
  ssim_led_colour led(std::uint16_t index) const { return leds_[index]; }
  bool output(ssim_output output) const { return outputs_[output]; }
  // ADR_IN / Link In: the previous board drives its ADDRESS output.
  bool address_in() const {
    return !address_broken_ && wiring_.address_from && wiring_.address_from->powered() &&
           wiring_.address_from->output(SSIM_OUT_ADDRESS);
  }
  bool main_path_closed() const { return main_closed_; }
  // Lets current through at least one way (a one-way path counts).
  bool main_path_conducts() const { return path_conducts_; }
  bool precharge_path_closed() const { return precharge_closed_; }
  const std::optional<ssim_debug_status>& last_status() const { return last_status_; }
  const std::string& last_log() const { return last_log_; }
  // Balancing switches as applied to physics (bit c: channel c).
  std::uint32_t balancing_mask() const { return applied_balancing_; }

  // --- the HAL, as the C table calls it (board_hal.cpp) ---
  std::uint64_t hal_time_us() const;
  std::int64_t hal_rtc_s() const;
  int hal_cell_voltage_mV(std::uint16_t channel, std::int32_t* mV) const;
  int hal_temperature_dC(std::uint16_t sensor, std::int16_t* dC) const;
  int hal_board_temperature_dC(std::int16_t* dC) const;
  int hal_current_mA(std::int32_t* mA) const;
  int hal_voltage_mV(ssim_voltage_point point, std::int32_t* mV) const;
  int hal_read_input(ssim_input input) const;
  void hal_write_output(ssim_output output, bool on);
  void hal_set_balancing(std::uint16_t channel, bool on);
  void hal_set_led(std::uint16_t led, ssim_led_colour colour);
  int hal_can_send(std::uint16_t port, const ssim_can_frame* frame);
  int hal_can_state(std::uint16_t port, std::uint16_t* tec, std::uint16_t* rec);
  void hal_can_recover(std::uint16_t port);
  int hal_rs485_write(std::uint16_t port, const std::uint8_t* data, std::size_t len);
  void hal_debug_status(const ssim_debug_status* status);
  void hal_log(ssim_log_level level, const char* message);

 private:
  bool supply_available_now() const;
  void power_on(std::int64_t now_ns);
  void power_off(std::int64_t now_ns);
  void apply_actuators(std::int64_t now_ns);
  physics::PhysicsSystem::Conduction path_conduction(bool conducting) const;
  void set_output_state(ssim_output output, bool on);
  void set_led_state(std::uint16_t led, ssim_led_colour colour);
  double link_voltage_V() const;
  double shunt_current_A() const;
  double housing_C() const;

  BoardSpec spec_;
  BoardWiring wiring_;
  physics::PhysicsSystem& physics_;
  DcLink* dc_link_;
  std::size_t first_group_ = 0;
  std::size_t housing_module_ = 0;

  std::optional<CellFrontEnd> afe_;
  TemperatureSensors temps_;
  std::optional<CurrentShunt> shunt_;
  std::optional<VoltageSense> vsense_;
  std::optional<Contactor> pos_, neg_, pre_;
  std::optional<Fuse> fuse_;
  std::optional<Breaker> breaker_;
  Button button_;
  Nvm nvm_;
  Period afe_period_, temp_period_, shunt_period_, vsense_period_;
  double supply_gain_ = 0.0;

  std::int64_t now_ns_ = 0;
  std::uint64_t seen_slow_updates_ = ~std::uint64_t{0};
  std::int64_t power_on_ns_ = 0;
  std::int64_t next_sample_ns_ = kNever;
  std::int64_t next_actuator_ns_ = kNever;
  bool powered_ = false;
  bool actuators_dirty_ = true;
  bool main_closed_ = false, precharge_closed_ = false, path_conducts_ = false;
  bool supply_fault_ = false, address_broken_ = false, precharge_open_ = false;
  double wake_V_ = 0.0;
  std::uint32_t wanted_balancing_ = 0, applied_balancing_ = 0;
  std::array<ssim_led_colour, SSIM_MAX_LEDS> leds_{};
  std::array<bool, SSIM_OUTPUT_COUNT> outputs_{};
  std::array<CanPortLink*, SSIM_MAX_PORTS> can_{};
  std::array<Rs485PortLink*, SSIM_MAX_PORTS> rs485_{};
  std::optional<ssim_debug_status> last_status_;
  std::string last_log_;

  PowerObserver power_observer_;
  LedObserver led_observer_;
  OutputObserver output_observer_;
  StatusObserver status_observer_;
  LogObserver log_observer_;

  ssim_hal hal_{};
};

// The ssim_hal table of `board` (board_hal.cpp).
ssim_hal make_hal_table(Board& board);

}  // namespace stacksim::hw
