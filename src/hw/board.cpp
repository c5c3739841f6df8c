#include "hw/board.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <utility>
#include <vector>

#include "util/rng.hpp"

namespace stacksim::hw {
namespace {

// The physics cell each thermistor touches: the first cell of the series
// group at its position.
std::vector<std::size_t> sensor_cells(const BoardSpec& spec, const BoardWiring& w,
                                      const physics::PhysicsSystem& physics) {
  std::vector<std::size_t> cells;
  if (!w.module) return cells;
  const physics::ModuleInfo& m = physics.module(*w.module);
  for (const std::uint16_t pos : spec.temperatures.positions) {
    assert(pos < m.groups);
    cells.push_back(physics.group(m.first_group + pos).first_cell);
  }
  return cells;
}

}  // namespace

Board::Board(const BoardSpec& spec, BoardWiring wiring, physics::PhysicsSystem& physics, DcLink* dc_link,
             std::uint64_t seed)
    : spec_(spec),
      wiring_(std::move(wiring)),
      physics_(physics),
      dc_link_(dc_link),
      temps_(spec.temperatures, sensor_cells(spec, wiring_, physics), seed, wiring_.name),
      temp_period_(spec.temperatures.sample_period_ns) {
  assert(spec_.role == wiring_.role);
  assert(wiring_.branch < physics_.branch_count());
  assert(spec_.leds <= SSIM_MAX_LEDS && spec_.can_ports <= SSIM_MAX_PORTS && spec_.rs485_ports <= SSIM_MAX_PORTS);
  if (wiring_.module) {
    assert(*wiring_.module < physics_.module_count());
    first_group_ = physics_.module(*wiring_.module).first_group;
    housing_module_ = *wiring_.module;
  } else {
    housing_module_ = physics_.branch(wiring_.branch).first_module;
  }
  if (spec_.afe) {
    assert(wiring_.module && spec_.afe->channels == physics_.module(*wiring_.module).groups);
    afe_.emplace(*spec_.afe, seed, wiring_.name);
    afe_period_ = Period(spec_.afe->scan_period_ns);
  }
  if (spec_.shunt) {
    shunt_.emplace(*spec_.shunt, seed, wiring_.name);
    shunt_period_ = Period(spec_.shunt->sample_period_ns);
  }
  if (spec_.voltage_sense) {
    vsense_.emplace(*spec_.voltage_sense, seed, wiring_.name);
    vsense_period_ = Period(spec_.voltage_sense->sample_period_ns);
  }
  if (spec_.main_contactors) {
    pos_.emplace(*spec_.main_contactors);
    neg_.emplace(*spec_.main_contactors);
  }
  if (spec_.precharge) pre_.emplace(spec_.precharge->relay);
  if (spec_.fuse) fuse_.emplace(*spec_.fuse);
  if (spec_.breaker) breaker_.emplace();
  Rng calibration(seed, wiring_.name + "/supply/calibration");
  supply_gain_ = spec_.supply.gain_sigma * std::clamp(calibration.normal(), -3.0, 3.0);
  hal_ = make_hal_table(*this);
  // A board with main contactors owns its branch's path: open until it
  // closes them.
  if (pos_) apply_actuators(0);
}

ssim_node_config Board::node_config(const char* product, const ssim_param* params,
                                    std::size_t param_count) const {
  ssim_node_config c{};
  c.abi_version = SSIM_HAL_ABI_VERSION;
  c.role = spec_.role;
  c.product = product;
  c.cell_channels = afe_ ? afe_->channels() : 0;
  c.temp_sensors = static_cast<std::uint16_t>(temps_.count());
  c.modules = spec_.role == SSIM_ROLE_BCU ? wiring_.modules_in_string : 1;
  c.can_ports = spec_.can_ports;
  c.rs485_ports = spec_.rs485_ports;
  c.leds = spec_.leds;
  c.params = params;
  c.param_count = param_count;
  return c;
}

void Board::attach_can(std::uint16_t port, CanPortLink* link) {
  assert(port < spec_.can_ports);
  can_[port] = link;
}

void Board::attach_rs485(std::uint16_t port, Rs485PortLink* link) {
  assert(port < spec_.rs485_ports);
  rs485_[port] = link;
}

// --- operator inputs and faults ------------------------------------------------

void Board::set_breaker(bool closed) {
  if (!breaker_) return;
  breaker_->set_closed(closed);
  actuators_dirty_ = true;
}

void Board::set_precharge_resistor_open(bool open) {
  precharge_open_ = open;
  actuators_dirty_ = true;
}

void Board::blow_fuse() {
  if (!fuse_) return;
  fuse_->blow();
  actuators_dirty_ = true;
}

void Board::replace_fuse() {
  if (!fuse_) return;
  fuse_->replace();
  actuators_dirty_ = true;
}

namespace {
template <typename C>
C* pick(ssim_output which, C* pos, C* neg, C* pre) {
  switch (which) {
    case SSIM_OUT_POS_CONTACTOR: return pos;
    case SSIM_OUT_NEG_CONTACTOR: return neg;
    case SSIM_OUT_PRECHARGE: return pre;
    default: return nullptr;
  }
}
}  // namespace

const Contactor* Board::contactor(ssim_output which) const {
  return pick<const Contactor>(which, pos_ ? &*pos_ : nullptr, neg_ ? &*neg_ : nullptr, pre_ ? &*pre_ : nullptr);
}

void Board::set_contactor_welded(ssim_output which, bool welded) {
  Contactor* c = pick<Contactor>(which, pos_ ? &*pos_ : nullptr, neg_ ? &*neg_ : nullptr, pre_ ? &*pre_ : nullptr);
  if (!c) return;
  c->set_welded(now_ns_, welded);
  actuators_dirty_ = true;
}

void Board::set_contactor_stuck_open(ssim_output which, bool stuck) {
  Contactor* c = pick<Contactor>(which, pos_ ? &*pos_ : nullptr, neg_ ? &*neg_ : nullptr, pre_ ? &*pre_ : nullptr);
  if (!c) return;
  c->set_stuck_open(now_ns_, stuck);
  actuators_dirty_ = true;
}

// --- the step ----------------------------------------------------------------

bool Board::supply_available_now() const {
  PowerInputs in;
  in.supply_fault = supply_fault_;
  switch (spec_.supply.mode) {
    case PowerMode::kDcDc:
      in.breaker_closed = !breaker_ || breaker_->closed();
      in.string_V = physics_.branch_voltage_V(wiring_.branch);
      break;
    case PowerMode::kFromBcu:
      in.bcu_powered = wiring_.supplied_by && wiring_.supplied_by->powered();
      break;
    case PowerMode::kLatched:
      in.button = spec_.button && button_.pressed(now_ns_);
      in.wake_V = wake_V_;
      in.hold = powered_ && outputs_[SSIM_OUT_POWER_HOLD];
      in.link_wake = spec_.address_coding && address_in();
      break;
  }
  return supply_available(spec_.supply, in);
}

void Board::update(std::int64_t now_ns, std::int64_t dt_ns) {
  now_ns_ = now_ns;
  // The fuse carries the branch current of the step just done.
  if (fuse_ && (path_conducts_ || fuse_->heat_A2s() != 0.0)) {
    const double i = path_conducts_ ? physics_.branch_current_A(wiring_.branch) : 0.0;
    if (fuse_->pass(i, dt_ns)) actuators_dirty_ = true;
  }
  const bool supply = supply_available_now();
  if (supply != powered_) {
    if (supply) {
      power_on(now_ns);
    } else {
      power_off(now_ns);
    }
  }
  if (actuators_dirty_ || now_ns >= next_actuator_ns_) apply_actuators(now_ns);
}

void Board::apply_actuators(std::int64_t now_ns) {
  actuators_dirty_ = false;
  const std::size_t b = wiring_.branch;
  if (pos_) {
    const double precharge_A = dc_link_ ? dc_link_->precharge_current_A(b) : 0.0;
    const double main_A = path_conducts_ ? physics_.branch_current_A(b) : 0.0;
    pos_->advance(now_ns, main_A);
    neg_->advance(now_ns, main_A + precharge_A);
    if (pre_) pre_->advance(now_ns, precharge_A);
    const bool conducting = (!breaker_ || breaker_->closed()) && (!fuse_ || !fuse_->blown());
    main_closed_ = conducting && pos_->closed() && neg_->closed();
    precharge_closed_ = conducting && pre_ && pre_->closed() && neg_->closed();
    const auto conduction = path_conduction(conducting);
    path_conducts_ = conduction != physics::PhysicsSystem::Conduction::kOpen;
    physics_.set_branch_conduction(b, conduction);
    if (dc_link_) {
      const double r = precharge_open_ || !spec_.precharge ? HUGE_VAL : spec_.precharge->resistance_ohm;
      dc_link_->set_paths(b, path_conducts_, precharge_closed_, r);
    }
    next_actuator_ns_ = std::min({pos_->next_change_ns(), neg_->next_change_ns(),
                                  pre_ ? pre_->next_change_ns() : kNever});
  }
  if (wanted_balancing_ != applied_balancing_) {
    const std::uint32_t changed = wanted_balancing_ ^ applied_balancing_;
    for (std::size_t c = 0; c < SSIM_MAX_CELLS; ++c) {
      if (changed & (1u << c)) physics_.set_balancing(first_group_ + c, (wanted_balancing_ >> c) & 1u);
    }
    applied_balancing_ = wanted_balancing_;
  }
}

physics::PhysicsSystem::Conduction Board::path_conduction(bool conducting) const {
  using C = physics::PhysicsSystem::Conduction;
  if (!conducting) return C::kOpen;
  const bool pos = pos_->closed(), neg = neg_->closed();
  if (pos && neg) {
    return spec_.charge_block && outputs_[SSIM_OUT_CHARGE_BLOCK] ? C::kDischargeOnly : C::kClosed;
  }
  // One FET of an LV pair on: the other one's body diode passes its direction.
  if (spec_.body_diodes && pos) return C::kChargeOnly;
  if (spec_.body_diodes && neg) return C::kDischargeOnly;
  return C::kOpen;
}

void Board::power_on(std::int64_t now_ns) {
  powered_ = true;
  power_on_ns_ = now_ns;
  // The converters start with the board; nothing is converted before.
  if (afe_) {
    afe_->clear();
    afe_period_.start(now_ns);
  }
  temps_.clear();
  temp_period_.start(now_ns);
  if (shunt_) {
    shunt_->clear();
    shunt_period_.start(now_ns);
  }
  if (vsense_) {
    vsense_->clear();
    vsense_period_.start(now_ns);
  }
  next_sample_ns_ = now_ns;
  if (power_observer_) power_observer_(now_ns, true);
}

// Without supply every driver output falls back to its released state:
// coils drop (contactors open after their opening time), balancing
// switches, LEDs and relay outputs go off, the self-hold lets go.
void Board::power_off(std::int64_t now_ns) {
  powered_ = false;
  for (std::size_t o = 0; o < SSIM_OUTPUT_COUNT; ++o) set_output_state(static_cast<ssim_output>(o), false);
  for (std::uint16_t led = 0; led < spec_.leds; ++led) set_led_state(led, SSIM_LED_OFF);
  wanted_balancing_ = 0;
  actuators_dirty_ = true;
  for (Period* p : {&afe_period_, &temp_period_, &shunt_period_, &vsense_period_}) p->stop();
  next_sample_ns_ = kNever;
  if (power_observer_) power_observer_(now_ns, false);
}

void Board::set_output_state(ssim_output output, bool on) {
  if (outputs_[output] == on) return;
  outputs_[output] = on;
  Contactor* c = pick<Contactor>(output, pos_ ? &*pos_ : nullptr, neg_ ? &*neg_ : nullptr, pre_ ? &*pre_ : nullptr);
  if (c) {
    c->command(now_ns_, on);
    next_actuator_ns_ = std::min(next_actuator_ns_, c->next_change_ns());
  }
  if (output == SSIM_OUT_CHARGE_BLOCK) actuators_dirty_ = true;  // a semiconductor: at once
  if (output_observer_) output_observer_(now_ns_, output, on);
}

void Board::sample(std::int64_t t_ns) {
  now_ns_ = t_ns;
  // Cell temperatures move only at physics' slow updates: the thermistors'
  // lag needs a look only then (and before each conversion, which also
  // catches set-up changes while powered).
  if (physics_.slow_updates() != seen_slow_updates_) {
    seen_slow_updates_ = physics_.slow_updates();
    temps_.track(t_ns, physics_);
  }
  if (t_ns < next_sample_ns_) return;
  const std::size_t b = wiring_.branch;
  if (afe_period_.due(t_ns)) afe_->scan(physics_, first_group_);
  if (temp_period_.due(t_ns)) {
    temps_.track(t_ns, physics_);
    temps_.convert(t_ns, housing_C());
  }
  if (shunt_period_.due(t_ns)) shunt_->sample(shunt_current_A(), t_ns);
  if (vsense_period_.due(t_ns)) vsense_->sample(physics_.branch_voltage_V(b), link_voltage_V());
  next_sample_ns_ = std::min({afe_period_.next_ns(), temp_period_.next_ns(), shunt_period_.next_ns(),
                              vsense_period_.next_ns()});
}

double Board::link_voltage_V() const {
  if (dc_link_) return dc_link_->voltage_V();
  return main_closed_ ? physics_.branch_voltage_V(wiring_.branch) : 0.0;
}

// The shunt sits in the string's negative path: it carries the pre-charge
// current as well as the main current.
double Board::shunt_current_A() const {
  const std::size_t b = wiring_.branch;
  return physics_.branch_current_A(b) + (dc_link_ ? dc_link_->precharge_current_A(b) : 0.0);
}

double Board::housing_C() const {
  return wiring_.module ? physics_.module_temperature_C(*wiring_.module) : physics_.module_ambient_C(housing_module_);
}

}  // namespace stacksim::hw
