#include "sim/fault_injector.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "sim/bms_setup.hpp"
#include "hw/sensor_fault.hpp"
#include "sim/plant.hpp"

namespace stacksim::sim {
namespace {

using scenario::FaultEvent;

bool is(const FaultEvent& e, std::string_view fault) { return fault == e.spec->name; }
bool mode_is(const FaultEvent& e, std::string_view mode) { return mode == e.mode->name; }

// Faults that change the physics or the terminals only, and the inverter's
// (its misbehaviour windows, set up with the inverter); the others act on a board.
bool physical(const FaultEvent& e) {
  return is(e, "ambient") || is(e, "module_ambient") || is(e, "cell_soc") || is(e, "cell_capacity") ||
         is(e, "cell_leakage") || is(e, "zero_volt_cell") || is(e, "external_short") || is(e, "inverter");
}

hw::SensorFault::Kind reading_fault(const FaultEvent& e) {
  using K = hw::SensorFault::Kind;
  if (mode_is(e, "stuck")) return K::kStuck;
  if (mode_is(e, "offset")) return K::kOffset;
  if (mode_is(e, "drift")) return K::kDrift;
  if (mode_is(e, "noise")) return K::kNoise;
  if (mode_is(e, "delayed")) return K::kDelayed;
  if (mode_is(e, "intermittent")) return K::kIntermittent;
  return K::kNone;
}

// A duration value (in seconds, as every quantity's value) back on the
// simulator's integer clock: it was parsed from whole nanoseconds, at least 1.
std::int64_t delay_ns(const FaultEvent& e) { return std::llround(e.value * 1e9); }

// Whether the event names a module board (GTX3000) rather than the unit's master.
bool on_module_board(const FaultEvent& e) { return e.module != 0 && !physical(e); }

ssim_output contactor_output(const std::string& which) {
  if (which == "positive") return SSIM_OUT_POS_CONTACTOR;
  if (which == "negative") return SSIM_OUT_NEG_CONTACTOR;
  return SSIM_OUT_PRECHARGE;
}

class TimelineChecker {
 public:
  TimelineChecker(const scenario::Scenario& sc, const SystemConfig& config, const BmsSetup* bms, Diagnostics& diags)
      : sc_(sc), config_(config), bms_(bms), diags_(diags), layout_(config.layout()) {}

  void check(const FaultEvent& e) {
    const std::size_t before = diags_.size();
    check_targets(e);
    if (diags_.size() != before || physical(e)) return;
    if (bms_ == nullptr) {
      error(e, "", std::string("expected a BMS for a ") + e.spec->name + " fault: it acts on a board (\"bms\": "
                   "{\"firmware\": \"reference\"})");
      return;
    }
    check_board(e);
  }

 private:
  bool hv() const { return config_.product.kind == ProductKind::kHvString; }

  void error(const FaultEvent& e, const std::string& key, const std::string& message) {
    sc_.source.error(diags_, key.empty() ? e.pointer : json_pointer_append(e.pointer, key), message);
  }

  void check_targets(const FaultEvent& e) {
    if (e.unit > config_.units) {
      error(e, "unit", "expected a unit from 1 to " + std::to_string(config_.units) + " of " + config_.name + ", got " +
                           std::to_string(e.unit));
    }
    const bool takes_module = (e.spec->targets & scenario::kTargetModule) != 0;
    if (takes_module && hv() && e.module == 0) {
      error(e, "", "missing key 'module': expected the module (1 to " + std::to_string(config_.modules_per_unit) +
                       ") of the string");
    } else if (e.module != 0 && !hv()) {
      error(e, "module", "expected no module: a " + config_.product.name + " pack is one module (target the unit)");
    } else if (e.module > config_.modules_per_unit) {
      error(e, "module", "expected a module from 1 to " + std::to_string(config_.modules_per_unit) + " of " +
                             config_.name + ", got " + std::to_string(e.module));
    }
    const std::size_t cells = layout_.branches.front().modules.front().series_groups;
    if (e.cell > cells) {
      error(e, "cell", "expected a cell from 1 to " + std::to_string(cells) + " (series position in the " +
                           (hv() ? "module" : "pack") + "), got " + std::to_string(e.cell));
    }
  }

  void require(const FaultEvent& e, bool present, const std::string& key, const std::string& what) {
    if (!present) error(e, key, "expected a part the board has: " + what);
  }

  void check_board(const FaultEvent& e) {
    const hw::HardwareSpec& hw = bms_->hardware;
    const hw::BoardSpec* master = hw.board(hv() ? SSIM_ROLE_BCU : SSIM_ROLE_PACK);
    const hw::BoardSpec* board = on_module_board(e) ? hw.board(SSIM_ROLE_MODULE) : master;
    const std::string board_name = on_module_board(e) ? "the module board" : (hv() ? "the BCU" : "the pack");
    if (is(e, "temperature_sensor")) {
      const std::size_t n = board->temperatures.positions.size();
      if (e.sensor > n) {
        error(e, "sensor", "expected a sensor from 1 to " + std::to_string(n) + " of " + board_name + ", got " +
                               std::to_string(e.sensor));
      }
    } else if (is(e, "cell_voltage_sensor") || is(e, "front_end")) {
      require(e, board->afe.has_value(), "", board_name + " has no cell-voltage front end");
    } else if (is(e, "current_sensor")) {
      require(e, master->shunt.has_value(), "", board_name + " has no current shunt");
    } else if (is(e, "contactor")) {
      const bool present = e.contactor == "precharge" ? master->precharge.has_value() : master->main_contactors.has_value();
      require(e, present, "contactor", board_name + " has no " + e.contactor + " contactor");
    } else if (is(e, "precharge_resistor")) {
      require(e, master->precharge.has_value(), "", board_name + " has no pre-charge circuit");
    } else if (is(e, "fuse")) {
      require(e, master->fuse.has_value(), "", board_name + " has no fuse");
    } else if (is(e, "breaker")) {
      require(e, master->breaker, "", board_name + " has no breaker");
    } else if (is(e, "button")) {
      require(e, master->button, "", board_name + " has no start button");
    } else if (is(e, "address_line")) {
      require(e, board->address_coding, "", board_name + " has no address-coding input");
    } else if (is(e, "wake")) {
      require(e, master->supply.wake.has_value(), "", board_name + " has no wake input");
    } else if (is(e, "link")) {
      check_link(e);
    }
  }

  void check_link(const FaultEvent& e) {
    if (mode_is(e, "bus_off") && e.bus != "pcs") {
      error(e, "bus", "expected \"pcs\": bus-off is a CAN controller's state (the other buses are RS485)");
    }
    if (e.bus == "internal" && !hv()) {
      error(e, "bus", "expected \"link\" or \"pcs\": a " + config_.product.name + " has no internal bus between boards");
    } else if (e.bus == "link" && (hv() || config_.units < 2)) {
      error(e, "bus", "expected a bus the unit is on: only parallel LV packs have a \"link\" line");
    } else if (e.bus == "pcs" && !hv() && e.unit != 1) {
      error(e, "unit", "expected unit 1: only the master pack of an LV system is on the PCS bus");
    }
  }

  const scenario::Scenario& sc_;
  const SystemConfig& config_;
  const BmsSetup* bms_;
  Diagnostics& diags_;
  physics::SystemLayout layout_;
};

}  // namespace

void check_timeline(const scenario::Scenario& sc, const SystemConfig& config, const BmsSetup* bms,
                    Diagnostics& diags) {
  TimelineChecker checker(sc, config, bms, diags);
  for (const FaultEvent& e : sc.timeline) checker.check(e);
}

FaultInjector::FaultInjector(const std::vector<FaultEvent>& events, physics::PhysicsSystem& physics, Plant* plant)
    : events_(events), physics_(physics), plant_(plant), saved_C_(events.size(), 0.0) {
  for (std::size_t i = 0; i < events.size(); ++i) {
    actions_.push_back({events[i].at_ns, i, true});
    if (events[i].for_ns) actions_.push_back({events[i].at_ns + *events[i].for_ns, i, false});
  }
  // A fault that ends at the instant another starts is gone first; at one
  // instant, events act in the order written.
  std::stable_sort(actions_.begin(), actions_.end(), [](const Action& a, const Action& b) {
    if (a.t_ns != b.t_ns) return a.t_ns < b.t_ns;
    return !a.on && b.on;
  });
}

std::vector<std::size_t> FaultInjector::apply_due(std::int64_t now_ns) {
  std::vector<std::size_t> started;
  for (const Ramp& r : ramps_) {
    const FaultEvent& e = events_[r.event];
    const double f = std::min(1.0, static_cast<double>(now_ns - r.start_ns) / static_cast<double>(e.over_ns));
    physics_.set_ambient_C(r.from_C + (e.value - r.from_C) * f);
  }
  for (; next_ < actions_.size() && actions_[next_].t_ns <= now_ns; ++next_) {
    const Action& a = actions_[next_];
    apply(events_[a.event], a.on, now_ns);
    if (a.on) started.push_back(a.event);
  }
  return started;
}

std::size_t FaultInjector::board_of(const FaultEvent& e) const {
  const std::size_t master = plant_->master(e.unit - 1);
  return on_module_board(e) ? master + e.module : master;
}

std::size_t FaultInjector::group_of(const FaultEvent& e) const {
  const std::size_t m = physics_.branch(e.unit - 1).first_module + (e.module == 0 ? 0 : e.module - 1);
  return physics_.module(m).first_group + e.cell - 1;
}

void FaultInjector::apply(const FaultEvent& e, bool on, std::int64_t now_ns) {
  const std::size_t index = static_cast<std::size_t>(&e - events_.data());
  if (is(e, "ambient")) {
    if (on) saved_C_[index] = physics_.module_ambient_C(0);
    if (on && mode_is(e, "ramp")) {
      ramps_.push_back({index, now_ns, saved_C_[index]});
    } else {
      if (!on) std::erase_if(ramps_, [index](const Ramp& r) { return r.event == index; });
      physics_.set_ambient_C(on ? e.value : saved_C_[index]);
    }
  } else if (is(e, "module_ambient")) {
    const std::size_t m = physics_.branch(e.unit - 1).first_module + (e.module == 0 ? 0 : e.module - 1);
    if (on) saved_C_[index] = physics_.module_ambient_C(m);
    physics_.set_module_ambient_C(m, on ? e.value : saved_C_[index]);
  } else if (is(e, "cell_soc") || is(e, "cell_capacity") || is(e, "cell_leakage") || is(e, "zero_volt_cell")) {
    const physics::GroupInfo& g = physics_.group(group_of(e));
    for (std::size_t c = g.first_cell; c < g.first_cell + g.cells; ++c) {
      if (is(e, "cell_soc")) physics_.set_cell_soc(c, std::clamp(physics_.cells().soc[c] + e.value, 0.0, 1.0));
      if (is(e, "cell_capacity")) physics_.scale_cell_capacity(c, 1.0 - e.value);
      // A group's cells share the leak as they share a current.
      if (is(e, "zero_volt_cell")) physics_.collapse_cell(c);
      if (is(e, "cell_leakage")) physics_.set_cell_leakage_A(c, e.value / static_cast<double>(g.cells));
    }
  } else if (is(e, "external_short")) {
    short_limit_A_ = on ? std::optional<double>(e.value) : std::nullopt;
  } else if (is(e, "inverter")) {
    // Acted out by the inverter itself (its misbehaviour windows).
  } else {
    apply_to_board(e, on, now_ns);
  }
}

void FaultInjector::apply_link(const FaultEvent& e, bool on) {
  const std::size_t board = board_of(e);
  const bool can = e.bus == "pcs";
  if (mode_is(e, "lost")) {
    plant_->set_cable_connected(board, can, !on);
  } else if (mode_is(e, "loss") || mode_is(e, "corruption")) {
    const double p = on ? e.value : 0.0;
    plant_->link_faults().set(board, can, mode_is(e, "loss") ? p : 0.0, mode_is(e, "corruption") ? p : 0.0);
  } else if (mode_is(e, "delay")) {
    plant_->link_delay().set(board, can, on ? delay_ns(e) : 0);
  } else if (mode_is(e, "bus_off")) {
    plant_->set_can_transmit_fault(board, on);
  } else if (can) {
    plant_->set_can_babbling(board, on);
  } else {
    plant_->link_faults().set_line_jammed(plant_->line_of(board), on);
  }
}

void FaultInjector::apply_to_board(const FaultEvent& e, bool on, std::int64_t now_ns) {
  hw::Board& board = plant_->board(board_of(e));
  // Sensor values in the sensor's own unit (mV, mA); times in seconds.
  const bool timed = mode_is(e, "delayed") || mode_is(e, "intermittent");
  const auto kind = on ? reading_fault(e) : hw::SensorFault::Kind::kNone;
  if (is(e, "temperature_sensor")) {
    if (mode_is(e, "open") || mode_is(e, "short")) {
      const hw::NtcFault ntc = !on ? hw::NtcFault::kNone : mode_is(e, "open") ? hw::NtcFault::kOpen : hw::NtcFault::kShort;
      board.temperatures().set_fault(e.sensor - 1, ntc);
    } else {
      board.temperatures().set_reading_fault(e.sensor - 1, kind, e.value, now_ns);
    }
  } else if (is(e, "cell_voltage_sensor")) {
    const auto channel = static_cast<std::uint16_t>(e.cell - 1);
    if (mode_is(e, "open_wire")) {
      board.afe()->set_open_wire(e.cell, on);
    } else {
      // ChannelFault lists the SensorFault kinds in the same order.
      board.afe()->set_channel_fault(channel, static_cast<hw::ChannelFault>(static_cast<int>(kind)),
                                     timed ? e.value : e.value * 1000.0, now_ns);
    }
  } else if (is(e, "front_end")) {
    board.afe()->set_failed(on);
  } else if (is(e, "current_sensor")) {
    if (mode_is(e, "failed")) board.shunt()->set_failed(on);
    else board.shunt()->set_reading_fault(kind, timed ? e.value : e.value * 1000.0, now_ns);
  } else if (is(e, "wake")) {
    board.set_wake_voltage_V(on ? e.value : 0.0);
  } else if (is(e, "contactor")) {
    const ssim_output which = contactor_output(e.contactor);
    if (mode_is(e, "welded")) board.set_contactor_welded(which, on);
    else board.set_contactor_stuck_open(which, on);
  } else if (is(e, "precharge_resistor")) {
    board.set_precharge_resistor_open(on);
  } else if (is(e, "fuse")) {
    if (on) board.blow_fuse();
    else board.replace_fuse();
  } else if (is(e, "breaker")) {
    board.set_breaker(!on);
  } else if (is(e, "supply")) {
    board.set_supply_fault(on);
  } else if (is(e, "address_line")) {
    board.set_address_line_broken(on);
  } else if (is(e, "link")) {
    apply_link(e, on);
  } else if (is(e, "button")) {
    board.press_button(now_ns, now_ns + e.hold_ns);
  }
}

}  // namespace stacksim::sim
