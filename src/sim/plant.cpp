#include "sim/plant.hpp"

#include <algorithm>
#include <cassert>
#include <limits>

namespace stacksim::sim {

namespace {
constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
}

const FirmwareImage& FirmwareSet::for_role(ssim_role role) const {
  switch (role) {
    case SSIM_ROLE_MODULE: return module;
    case SSIM_ROLE_BCU: return bcu;
    case SSIM_ROLE_PACK: return pack;
  }
  return pack;
}

// A board's CAN port on a simulated bus. The frame starts competing for the
// bus at the plant's present event time.
class Plant::CanLink final : public hw::CanPortLink {
 public:
  CanLink(bus::CanBus& bus, std::size_t node, const std::int64_t& clock_ns)
      : bus_(bus), node_(node), clock_ns_(clock_ns) {}
  int send(const ssim_can_frame& frame) override {
    bus::CanFrame f;
    f.id = frame.id;
    f.extended = frame.extended != 0;
    f.rtr = frame.rtr != 0;
    f.dlc = frame.dlc;
    std::copy(frame.data, frame.data + 8, f.data.begin());
    if (frame.dlc > 8 || !bus::can_frame_valid(f)) return SSIM_E_RANGE;
    switch (bus_.send(node_, f, clock_ns_)) {
      case bus::CanBus::SendResult::kQueued: return SSIM_OK;
      case bus::CanBus::SendResult::kQueueFull: return SSIM_E_BUSY;
      case bus::CanBus::SendResult::kBusOff: return SSIM_E_FAULT;
    }
    return SSIM_E_FAULT;
  }
  int state(std::uint16_t* tec, std::uint16_t* rec) override {
    if (tec != nullptr) *tec = bus_.tec(node_);
    if (rec != nullptr) *rec = bus_.rec(node_);
    switch (bus_.error_state(node_)) {
      case bus::CanBus::ErrorState::kActive: return 0;
      case bus::CanBus::ErrorState::kPassive: return 1;
      case bus::CanBus::ErrorState::kBusOff: return 2;
    }
    return 2;
  }
  void recover() override { bus_.recover(node_, clock_ns_); }

 private:
  bus::CanBus& bus_;
  std::size_t node_;
  const std::int64_t& clock_ns_;
};

class Plant::Rs485Link final : public hw::Rs485PortLink {
 public:
  Rs485Link(bus::Rs485Line& line, std::size_t node, const std::int64_t& clock_ns)
      : line_(line), node_(node), clock_ns_(clock_ns) {}
  int write(const std::uint8_t* data, std::size_t len) override {
    line_.write(node_, data, len, clock_ns_);
    return SSIM_OK;
  }

 private:
  bus::Rs485Line& line_;
  std::size_t node_;
  const std::int64_t& clock_ns_;
};

Plant::Plant(physics::PhysicsSystem& physics, const SystemConfig& config,
             const hw::HardwareSpec& hardware, const FirmwareParams& params,
             const FirmwareSet& firmware, std::uint64_t seed, std::int64_t start_epoch_s,
             const std::vector<std::size_t>& swapped_links)
    : physics_(physics), product_(config.product.name), seed_for_boards_(seed) {
  params_.reserve(params.keys.size());
  for (std::size_t i = 0; i < params.keys.size(); ++i) {
    params_.push_back(ssim_param{params.keys[i].c_str(), params.values[i]});
  }
  dc_link_ = std::make_unique<hw::DcLink>(hardware.dc_link, physics_);
  pcs_bus_ = std::make_unique<bus::CanBus>(bus_names(config).front());
  const bool hv = config.product.kind == ProductKind::kHvString;
  for (std::size_t b = 0; b < physics_.branch_count(); ++b) {
    const std::string unit = config.unit_name(b);
    hw::BoardWiring master;
    master.role = hv ? SSIM_ROLE_BCU : SSIM_ROLE_PACK;
    master.name = hv ? unit + "/bcu" : unit;
    master.branch = b;
    master.modules_in_string = static_cast<std::uint16_t>(physics_.branch(b).modules);
    master.start_epoch_s = start_epoch_s;
    if (!hv) master.module = physics_.branch(b).first_module;
    // LV packs with coding lines form a chain: Link Out of one to Link In of
    // the next (a swapped cable leaves the Link In open).
    const hw::BoardSpec& spec = *hardware.board(master.role);
    if (!hv && spec.address_coding && b > 0) {
      const bool swapped = std::find(swapped_links.begin(), swapped_links.end(), b) != swapped_links.end();
      if (!swapped) master.address_from = boards_[masters_[b - 1]].get();
    }
    if (!hv && spec.address_coding) master.link_out_connected = b + 1 < physics_.branch_count();
    // BCUs: BCU Link Port Out of one to Link Port In of the next.
    if (hv && spec.link_coding) {
      const bool swapped = std::find(swapped_links.begin(), swapped_links.end(), b) != swapped_links.end();
      if (b > 0 && !swapped) master.link_address_from = boards_[masters_[b - 1]].get();
      master.link_out_connected = b + 1 < physics_.branch_count();
    }
    masters_.push_back(boards_.size());
    add_board(*hardware.board(master.role), master, firmware.for_role(master.role));
    const std::size_t bcu = boards_.size() - 1;
    if (!hv) continue;
    const hw::Board* previous = boards_[bcu].get();
    for (std::size_t m = 0; m < physics_.branch(b).modules; ++m) {
      hw::BoardWiring w;
      w.role = SSIM_ROLE_MODULE;
      w.name = unit + "/module" + std::to_string(m + 1);
      w.branch = b;
      w.module = physics_.branch(b).first_module + m;
      w.supplied_by = boards_[bcu].get();
      w.address_from = previous;
      w.start_epoch_s = start_epoch_s;
      add_board(*hardware.board(SSIM_ROLE_MODULE), w, firmware.module);
      previous = boards_.back().get();
    }
  }

  // Buses: the PCS bus for every master; the internal line of each string
  // (BCU and its modules); the link line between LV packs.
  std::vector<std::size_t> line_of_board(boards_.size(), SIZE_MAX);
  const std::vector<std::string> names = bus_names(config);
  if (!hv) lines_.push_back(std::make_unique<bus::Rs485Line>(names[1]));
  for (std::size_t b = 0; b < physics_.branch_count(); ++b) {
    if (hv) lines_.push_back(std::make_unique<bus::Rs485Line>(names[1 + b]));
    const std::size_t first = masters_[b];
    const std::size_t last = b + 1 < masters_.size() ? masters_[b + 1] : boards_.size();
    for (std::size_t i = first; i < last; ++i) line_of_board[i] = lines_.size() - 1;
  }
  // The PCS's RS485 pins of an LV system: a line of its own at the rate the
  // installer set on both ends (the firmware's pcs485.baud).
  if (!hv) {
    pcs485_line_ = lines_.size();
    lines_.push_back(std::make_unique<bus::Rs485Line>(names[2], pcs485_baud(params)));
  }
  can_node_.assign(boards_.size(), SIZE_MAX);
  line_ = line_node_ = can_node_;
  std::vector<std::string> board_names;
  for (const auto& b : boards_) board_names.push_back(b->wiring().name);
  link_faults_ = std::make_unique<LinkFaults>(seed, std::move(board_names), lines_.size());
  link_delay_ = std::make_unique<LinkDelay>(boards_.size());
  for (std::size_t i = 0; i < boards_.size(); ++i) {
    hw::Board& board = *boards_[i];
    // Only the master pack's CAN port goes to the PCS in an LV system (the
    // manuals); every BCU sits on the CAN chain of the BCU link ports.
    const bool on_pcs_bus = hv || i == masters_.front();
    if (board.spec().can_ports > 0 && board.wiring().role != SSIM_ROLE_MODULE && on_pcs_bus) {
      const std::size_t n = pcs_bus_->attach(board.wiring().name, [this, i](const bus::CanFrame& f, std::int64_t end_ns) {
        if (!link_faults_->pass_can(i)) return;
        ssim_can_frame frame{};
        frame.id = f.id;
        frame.extended = f.extended ? 1 : 0;
        frame.rtr = f.rtr ? 1 : 0;
        frame.dlc = f.dlc;
        std::copy(f.data.begin(), f.data.end(), frame.data);
        // Lost or corrupted as it arrives; then, if delayed, held until due.
        if (link_delay_->holds(i, true)) link_delay_->hold_can(i, frame, end_ns);
        else deliver_can(i, frame, end_ns);
      });
      can_node_[i] = n;
      can_links_.push_back(std::make_unique<CanLink>(*pcs_bus_, n, event_ns_));
      board.attach_can(0, can_links_.back().get());
    }
    if (board.spec().rs485_ports > 0 && line_of_board[i] != SIZE_MAX) {
      bus::Rs485Line& line = *lines_[line_of_board[i]];
      const std::size_t line_index = line_of_board[i];
      const std::size_t n = line.attach(board.wiring().name, [this, i, line_index](const std::uint8_t* data, std::size_t len, bool corrupted, std::int64_t end_ns) {
        if (corrupted) ++corrupted_bursts_;
        const std::uint8_t* received = link_faults_->pass_rs485(i, line_index, data, len);
        if (received == nullptr) return;
        if (link_delay_->holds(i, false)) link_delay_->hold_rs485(i, received, len, end_ns);
        else deliver_rs485(i, received, len, end_ns);
      });
      line_[i] = line_of_board[i];
      line_node_[i] = n;
      rs485_links_.push_back(std::make_unique<Rs485Link>(line, n, event_ns_));
      board.attach_rs485(0, rs485_links_.back().get());
    }
  }
  attach_pcs485();
}

std::uint32_t Plant::pcs485_baud(const FirmwareParams& params) {
  for (std::size_t i = 0; i < params.keys.size(); ++i) {
    if (params.keys[i] == "pcs485.baud" && params.values[i] > 0) return static_cast<std::uint32_t>(params.values[i]);
  }
  return 115200;  // the rate of every other line (docs/buses.md)
}

void Plant::attach_pcs485() {
  if (pcs485_line_ == SIZE_MAX) return;
  // Only the master pack's jack goes to the PCS, as its CAN port does.
  const std::size_t i = masters_.front();
  hw::Board& board = *boards_[i];
  if (board.spec().rs485_ports <= kPcs485Port) return;
  bus::Rs485Line& line = *lines_[pcs485_line_];
  // Link faults and delays are the link line's; this line carries none.
  pcs485_node_ = line.attach(board.wiring().name, [this, i](const std::uint8_t* data, std::size_t len, bool corrupted,
                                                            std::int64_t end_ns) {
    if (corrupted) ++corrupted_bursts_;
    boards_[i]->set_now(end_ns);
    nodes_[i]->rs485_receive(kPcs485Port, data, len);
  });
  pcs485_board_ = i;
  rs485_links_.push_back(std::make_unique<Rs485Link>(line, pcs485_node_, event_ns_));
  board.attach_rs485(kPcs485Port, rs485_links_.back().get());
}

void Plant::deliver_can(std::size_t board, const ssim_can_frame& frame, std::int64_t t_ns) {
  boards_[board]->set_now(t_ns);
  nodes_[board]->can_receive(0, frame);
}

void Plant::deliver_rs485(std::size_t board, const std::uint8_t* data, std::size_t len, std::int64_t t_ns) {
  boards_[board]->set_now(t_ns);
  nodes_[board]->rs485_receive(0, data, len);
}

std::vector<std::string> Plant::bus_names(const SystemConfig& config) {
  std::vector<std::string> names{"pcs"};
  if (config.product.kind != ProductKind::kHvString) {
    names.push_back("link");
    names.push_back("pcs485");
    return names;
  }
  for (std::size_t b = 0; b < config.units; ++b) names.push_back(config.unit_name(b) + "/internal");
  return names;
}

std::vector<Plant::BoardBuses> Plant::board_buses(const SystemConfig& config, const hw::HardwareSpec& hardware) {
  const std::vector<std::string> names = bus_names(config);
  const bool hv = config.product.kind == ProductKind::kHvString;
  const auto buses_of = [&](ssim_role role, bool on_pcs, const std::string& line) {
    std::vector<std::string> buses;
    const hw::BoardSpec* spec = hardware.board(role);
    if (spec == nullptr) return buses;
    if (spec->can_ports > 0 && role != SSIM_ROLE_MODULE && on_pcs) buses.push_back(names.front());
    if (spec->rs485_ports > 0) buses.push_back(line);
    return buses;
  };
  std::vector<BoardBuses> out;
  for (std::size_t b = 0; b < config.units; ++b) {
    const std::string unit = config.unit_name(b);
    if (!hv) {
      // Only the first pack's CAN port is on the PCS bus (as the constructor wires it).
      out.push_back({unit, buses_of(SSIM_ROLE_PACK, b == 0, names[1])});
      const hw::BoardSpec* spec = hardware.board(SSIM_ROLE_PACK);
      if (b == 0 && spec != nullptr && spec->rs485_ports > kPcs485Port) out.back().buses.push_back(names[2]);
      continue;
    }
    out.push_back({unit + "/bcu", buses_of(SSIM_ROLE_BCU, true, names[1 + b])});
    for (std::size_t m = 0; m < config.modules_per_unit; ++m) {
      out.push_back({unit + "/module" + std::to_string(m + 1), buses_of(SSIM_ROLE_MODULE, false, names[1 + b])});
    }
  }
  return out;
}

void Plant::set_external(std::size_t board) {
  assert(board < boards_.size() && !boards_[board]->powered() && "set_external() after the first step");
  external_[board] = true;
}

bool Plant::set_cable_connected(std::size_t board, bool can, bool connected) {
  if (can) {
    if (can_node_[board] == SIZE_MAX) return false;
    pcs_bus_->set_attached(can_node_[board], connected);
    // The LV packs' CAN and PCS RS485 pins share one jack and one cable.
    if (board == pcs485_board_) lines_[pcs485_line_]->set_attached(pcs485_node_, connected);
    return true;
  }
  if (line_[board] == SIZE_MAX) return false;
  lines_[line_[board]]->set_attached(line_node_[board], connected);
  return true;
}

bool Plant::set_can_transmit_fault(std::size_t board, bool on) {
  if (can_node_[board] == SIZE_MAX) return false;
  pcs_bus_->set_transmit_fault(can_node_[board], on);
  return true;
}

bool Plant::set_can_babbling(std::size_t board, bool on) {
  if (can_node_[board] == SIZE_MAX) return false;
  bus::CanFrame babble;  // identifier 0, 8 zero bytes: wins every arbitration
  babble.dlc = 8;
  pcs_bus_->set_babbling(can_node_[board], on ? &babble : nullptr, event_ns_);
  return true;
}

Plant::~Plant() {
  // Firmware instances go first: they may still hold the boards' HAL tables.
  nodes_.clear();
}

void Plant::add_board(const hw::BoardSpec& spec, hw::BoardWiring wiring, const FirmwareImage& image) {
  auto board = std::make_unique<hw::Board>(spec, std::move(wiring), physics_, dc_link_.get(),
                                           seed_for_boards_);
  configs_.push_back(board->node_config(product_.c_str(), params_.data(), params_.size()));
  nodes_.push_back(std::make_unique<FirmwareNode>(image, board->hal(), &configs_.back()));
  led_events_.emplace_back();
  external_.push_back(false);
  boards_.push_back(std::move(board));
  wire_power(boards_.size() - 1);
}

void Plant::wire_power(std::size_t index) {
  hw::Board& board = *boards_[index];
  FirmwareNode& node = *nodes_[index];
  board.on_power([this, index, &board, &node](std::int64_t t_ns, bool powered) {
    board.set_now(t_ns);
    if (external_[index]) {
      // Writes go nowhere on boards without these outputs (Board::hal_write_output).
      if (powered) {
        board.hal()->write_output(board.hal()->ctx, SSIM_OUT_ADDRESS, 1);
        board.hal()->write_output(board.hal()->ctx, SSIM_OUT_POWER_HOLD, 1);
      }
      return;
    }
    if (powered) {
      node.power_on(t_ns);
    } else {
      node.power_off();
    }
  });
  board.on_led([this, index](std::int64_t t_ns, std::uint16_t led, ssim_led_colour colour) {
    led_events_[index].push_back(LedEvent{t_ns, led, colour});
  });
  board.on_log([this, index](std::int64_t t_ns, ssim_log_level level, const char* message) {
    log_.push_back(LogLine{t_ns, index, level, message != nullptr ? message : ""});
  });
}

void Plant::operator_start(std::int64_t t_ns, std::int64_t hold_ns) {
  for (std::size_t m : masters_) {
    hw::Board& board = *boards_[m];
    board.set_breaker(true);
    // A coded chain of LV packs or BCUs starts from its master's button alone.
    const bool coded = board.wiring().role == SSIM_ROLE_PACK ? board.spec().address_coding
                                                             : board.spec().link_coding;
    const bool chained_slave = coded && m != masters_.front();
    if (!chained_slave) board.press_button(t_ns, t_ns + hold_ns);
  }
}

physics::TerminalResult Plant::step(std::int64_t now_ns, std::int64_t dt_ns,
                                    const physics::TerminalCommand& command) {
  for (auto& board : boards_) board->update(now_ns, dt_ns);
  const physics::TerminalResult result = physics_.step(dt_ns, command);
  dc_link_->advance(dt_ns);
  const std::int64_t end_ns = now_ns + dt_ns;
  for (auto& board : boards_) board->sample(end_ns);
  ticks_changed_ = true;  // boards may have powered a firmware on or off
  run_events(end_ns);
  return result;
}

void Plant::run_events(std::int64_t until_ns) {
  for (;;) {
    std::int64_t bus_ns = pcs_bus_->next_event_ns();
    for (const auto& line : lines_) bus_ns = std::min(bus_ns, line->next_event_ns());
    // A node's next tick moves only when it ticks or powers on or off, not
    // when a bus delivers to it: the scan over every node is redone only then.
    if (ticks_changed_) {
      next_tick_ns_ = kNever;
      for (const auto& node : nodes_) next_tick_ns_ = std::min(next_tick_ns_, node->next_tick_ns());
      ticks_changed_ = false;
    }
    const std::int64_t tick_ns = next_tick_ns_;
    const std::int64_t delayed_ns = link_delay_->next_due_ns();
    const std::int64_t t = std::min({bus_ns, delayed_ns, tick_ns});
    if (t > until_ns) return;
    event_ns_ = t;
    if (bus_ns == t) {
      // What finished at t is received before the ticks due at t run.
      pcs_bus_->advance(t);
      for (auto& line : lines_) line->advance(t);
      continue;
    }
    if (delayed_ns == t) {
      // Delayed frames due at t too, after what the wires delivered at t.
      while (auto d = link_delay_->pop_due(t)) {
        if (d->can) deliver_can(d->board, d->frame, t);
        else deliver_rs485(d->board, d->bytes.data(), d->bytes.size(), t);
      }
      continue;
    }
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      if (nodes_[i]->next_tick_ns() != t) continue;
      boards_[i]->set_now(t);
      nodes_[i]->tick();
    }
    ticks_changed_ = true;
  }
}

}  // namespace stacksim::sim
