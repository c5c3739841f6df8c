// Everything around the cells of one system: the BMS boards (simulated
// hardware), the firmware running on them and the buses between them, wired
// in one place from the system's configuration (style.md: "narrow interfaces
// at the hardware edge, wired in one place").
//
// A GTX3000 string is a BCU board and one board per module, joined by the
// string's internal RS485 line; an LV pack is one board. Every master board
// (BCU or pack) has CAN port 0 on the system's "pcs" bus; LV packs have RS485
// port 0 on the "link" line between packs. LV packs with coding lines are
// chained Link Out -> Link In in unit order, BCUs BCU Link Port Out -> In
// (their CAN is the pcs bus); `swapped_links` lists the
// 0-based units whose incoming cable is plugged In/Out the wrong way round
// (their Link In stays open). Only the first pack of an LV system is on the
// pcs bus, and only its RS485 port 1 (the jack's "RS485 to PCS" pins) is on
// the "pcs485" line, whose other end is the outside world (stacksim serve).
//
// One step of the plant is the step loop of design.md:
//   1. boards update: power, actuators (contactors, balancing) -> physics
//   2. physics steps; the DC link follows
//   3. boards sample; then, in time order up to the end of the step, the buses
//      deliver what has finished, delayed frames (link fault "delay") what is
//      due, and the firmware ticks that are due run.
// Firmware ticks whose period is shorter than the physics step see the
// sensors as sampled at the end of the step (docs/firmware.md).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "bus/can_bus.hpp"
#include "bus/rs485_line.hpp"
#include "hw/board.hpp"
#include "hw/board_spec.hpp"
#include "hw/dc_link.hpp"
#include "physics/system.hpp"
#include "sim/firmware_node.hpp"
#include "sim/firmware_params_file.hpp"
#include "sim/firmware_plugin.hpp"
#include "sim/link_delay.hpp"
#include "sim/link_faults.hpp"
#include "sim/system_config.hpp"
#include "stacksim/hal.h"

namespace stacksim::sim {

// Which firmware runs on each kind of board.
struct FirmwareSet {
  FirmwareImage module, bcu, pack;
  const FirmwareImage& for_role(ssim_role role) const;
};

struct LedEvent {
  std::int64_t t_ns;
  std::uint16_t led;
  ssim_led_colour colour;
};

struct LogLine {
  std::int64_t t_ns;
  std::size_t board;
  ssim_log_level level;
  std::string message;
};

class Plant {
 public:
  Plant(physics::PhysicsSystem& physics, const SystemConfig& config,
        const hw::HardwareSpec& hardware, const FirmwareParams& params, const FirmwareSet& firmware,
        std::uint64_t seed, std::int64_t start_epoch_s,
        const std::vector<std::size_t>& swapped_links = {});
  // The names of the buses a system's plant has: "pcs", then the RS485
  // lines ("link" between LV packs and "pcs485" to the PCS; "stringN/internal"
  // per GTX3000 string).
  static std::vector<std::string> bus_names(const SystemConfig& config);
  // Lines with nothing simulated at their far end: only a bound transport
  // talks on them ("pcs485").
  static bool outside_only(const std::string& bus) { return bus == "pcs485"; }
  // The HAL RS485 port of an LV pack wired to the PCS.
  static constexpr std::uint16_t kPcs485Port = 1;
  // Every board's name (as firmware.log names it: "string1/bcu",
  // "string1/module3", "pack2") and the buses it sits on, in board order;
  // what the constructor wires, known before a plant is built.
  struct BoardBuses {
    std::string board;
    std::vector<std::string> buses;
  };
  static std::vector<BoardBuses> board_buses(const SystemConfig& config, const hw::HardwareSpec& hardware);

  // An external board (stacksim serve --external): a real device on a bound
  // bus stands in for its firmware. The board keeps its hardware (supply,
  // sensors, contactors) but its firmware never starts, so it sends nothing
  // and its outputs stay released, except two that a running master holds:
  // ADDRESS (ADR_OUT, so the modules or packs behind it can be coded by the
  // real device's assign broadcasts; the address line is not carried to the
  // real device) and POWER_HOLD (a real device keeps itself on). Before the
  // first step.
  void set_external(std::size_t board);
  bool external(std::size_t board) const { return external_[board]; }

  Plant(const Plant&) = delete;
  Plant& operator=(const Plant&) = delete;
  ~Plant();

  // The operator's start: every master's breaker closed at t, its start /
  // POWER button held from t for hold_ns.
  void operator_start(std::int64_t t_ns, std::int64_t hold_ns);

  physics::TerminalResult step(std::int64_t now_ns, std::int64_t dt_ns,
                               const physics::TerminalCommand& command);

  std::size_t board_count() const { return boards_.size(); }
  hw::Board& board(std::size_t i) { return *boards_[i]; }
  const hw::Board& board(std::size_t i) const { return *boards_[i]; }
  FirmwareNode& node(std::size_t i) { return *nodes_[i]; }
  const FirmwareNode& node(std::size_t i) const { return *nodes_[i]; }
  // The BCU or pack board of a branch.
  std::size_t master(std::size_t branch) const { return masters_[branch]; }
  const std::vector<LedEvent>& led_events(std::size_t board) const { return led_events_[board]; }
  const std::vector<LogLine>& log() const { return log_; }
  hw::DcLink& dc_link() { return *dc_link_; }
  bus::CanBus& pcs_bus() { return *pcs_bus_; }
  std::size_t rs485_line_count() const { return lines_.size(); }
  bus::Rs485Line& rs485_line(std::size_t i) { return *lines_[i]; }
  // A board's cable to the PCS CAN bus (`can` true) or to its RS485 line
  // unplugged (connected false) or plugged back. False if the board has no
  // such connection.
  bool set_cable_connected(std::size_t board, bool can, bool connected);
  // Link faults: losses and corruption of what boards receive, jammed lines.
  LinkFaults& link_faults() { return *link_faults_; }
  const LinkFaults& link_faults() const { return *link_faults_; }
  // Link delays: what a board receives handed over later, in order.
  LinkDelay& link_delay() { return *link_delay_; }
  const LinkDelay& link_delay() const { return *link_delay_; }
  // The board's CAN controller: bit errors on every frame it starts (it goes
  // error-passive, then bus-off), or babbling (frame id 0 back to back).
  // False if the board is not on the PCS bus.
  bool set_can_transmit_fault(std::size_t board, bool on);
  bool set_can_babbling(std::size_t board, bool on);
  // The RS485 line the board is on; SIZE_MAX if none.
  std::size_t line_of(std::size_t board) const { return line_[board]; }
  // Deliveries that were corrupted on an RS485 line (collisions).
  std::uint64_t corrupted_bursts() const { return corrupted_bursts_; }

 private:
  class CanLink;
  class Rs485Link;

  void add_board(const hw::BoardSpec& spec, hw::BoardWiring wiring, const FirmwareImage& image);
  static std::uint32_t pcs485_baud(const FirmwareParams& params);
  void attach_pcs485();
  void wire_power(std::size_t index);
  void run_events(std::int64_t until_ns);
  // Hands a frame or burst to the board's firmware at t_ns.
  void deliver_can(std::size_t board, const ssim_can_frame& frame, std::int64_t t_ns);
  void deliver_rs485(std::size_t board, const std::uint8_t* data, std::size_t len, std::int64_t t_ns);

  physics::PhysicsSystem& physics_;
  std::string product_;
  std::vector<ssim_param> params_;
  std::unique_ptr<hw::DcLink> dc_link_;
  std::vector<std::unique_ptr<hw::Board>> boards_;
  std::deque<ssim_node_config> configs_;  // stable addresses for the firmware
  std::vector<std::unique_ptr<FirmwareNode>> nodes_;
  std::vector<std::size_t> masters_;
  std::vector<bool> external_;  // per board
  std::unique_ptr<bus::CanBus> pcs_bus_;
  std::vector<std::unique_ptr<bus::Rs485Line>> lines_;
  std::vector<std::unique_ptr<CanLink>> can_links_;
  std::vector<std::unique_ptr<Rs485Link>> rs485_links_;
  // Per board: its node on the PCS bus, its line and node there (SIZE_MAX: none).
  std::vector<std::size_t> can_node_, line_, line_node_;
  // The pcs485 line (LV systems), the board on it and its node (SIZE_MAX: none).
  std::size_t pcs485_line_ = SIZE_MAX, pcs485_board_ = SIZE_MAX, pcs485_node_ = SIZE_MAX;
  std::unique_ptr<LinkFaults> link_faults_;
  std::unique_ptr<LinkDelay> link_delay_;
  std::vector<std::vector<LedEvent>> led_events_;
  std::vector<LogLine> log_;
  std::uint64_t corrupted_bursts_ = 0;
  std::uint64_t seed_for_boards_ = 0;
  std::int64_t event_ns_ = 0;  // time of the event being processed
  std::int64_t next_tick_ns_ = 0;  // earliest firmware tick, valid unless ticks_changed_
  bool ticks_changed_ = true;
};

}  // namespace stacksim::sim
