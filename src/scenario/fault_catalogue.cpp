#include "scenario/fault_catalogue.hpp"

namespace stacksim::scenario {
namespace {

constexpr std::uint8_t kBoard = kTargetUnit | kTargetModule;  // a module board, or an LV pack

const std::vector<FaultSpec>& table() {
  static const std::vector<FaultSpec> specs = {
      // --- thermal ---
      {"ambient", "thermal", kTargetNone,
       {{"set", Dimension::kTemperature, -40.0, 80.0, "the air around every module is at `value`"},
        {"ramp", Dimension::kTemperature, -40.0, 80.0, "the air moves linearly to `value` over `over`, then stays"}},
       true, nullptr, "room temperature changes (hot room, cold soak); `for` restores the scenario's ambient"},
      {"module_ambient", "thermal", kBoard,
       {{"set", Dimension::kTemperature, -40.0, 150.0, "the air around this module is at `value`"}},
       true, nullptr, "a heat source next to one module (or LV pack): its surroundings at `value`"},
      // --- cells ---
      {"cell_soc", "cells", kBoard | kTargetCell,
       {{"offset", Dimension::kRatio, -1.0, 1.0, "the cell's charge moves by `value` of its capacity"}},
       false, nullptr, "cell imbalance: one series cell (group) gains or loses charge at once"},
      {"cell_capacity", "cells", kBoard | kTargetCell,
       {{"fade", Dimension::kRatio, 0.0, 0.99, "the cell (group) loses `value` of its capacity at once; its SOC is kept"}},
       false, nullptr, "a weak cell"},
      {"cell_leakage", "cells", kBoard | kTargetCell,
       {{"current", Dimension::kCurrent, 0.0, 100.0, "`value` flows inside the cell (group), discharging and heating it"}},
       false, nullptr, "a soft internal short"},
      {"zero_volt_cell", "cells", kBoard | kTargetCell,
       {{"collapsed", std::nullopt, 0.0, 0.0,
         "the cell (group) is at 0 V at once, on the OCV extrapolated below its table; charge lifts it, discharge reverses it"}},
       false, nullptr, "a 0 V cell (shorted inside, or left deeply over-discharged)"},
      {"external_short", "cells", kTargetNone,
       {{"short", Dimension::kCurrent, 1.0, 100000.0,
         "the terminals are shorted; the current reaches up to `value` (the prospective short-circuit current)"}},
       true, nullptr, "a short across the system's terminals; `for` clears it (the inverter and the profile are overridden while it lasts)"},
      // --- sensors ---
      {"temperature_sensor", "sensors", kBoard | kTargetSensor,
       {{"stuck", Dimension::kTemperature, -55.0, 150.0, "reads `value` whatever the cells do"},
        {"offset", Dimension::kTemperature, -100.0, 100.0, "reads `value` degrees too high (negative: too low)"},
        {"drift", Dimension::kTemperature, -1000.0, 1000.0, "its error grows by `value` degrees per hour"},
        {"noise", Dimension::kTemperature, 0.0, 50.0, "extra noise of `value` degrees (one sigma) on every reading"},
        {"delayed", Dimension::kTime, 0.001, 86400.0, "follows the cells `value` (a time constant) late"},
        {"intermittent", Dimension::kTime, 0.001, 86400.0, "reads as open for the first half of every `value`"},
        {"open", std::nullopt, 0.0, 0.0, "the thermistor is disconnected"},
        {"short", std::nullopt, 0.0, 0.0, "the thermistor is shorted"}},
       true, nullptr, "a module's (or pack's) cell temperature sensor"},
      {"cell_voltage_sensor", "sensors", kBoard | kTargetCell,
       {{"stuck", Dimension::kVoltage, 0.0, 5.0, "the channel reads `value`"},
        {"offset", Dimension::kVoltage, -1.0, 1.0, "the channel reads `value` too high (negative: too low)"},
        {"drift", Dimension::kVoltage, -1.0, 1.0, "its error grows by `value` per hour"},
        {"noise", Dimension::kVoltage, 0.0, 1.0, "extra noise of `value` (one sigma) on every conversion"},
        {"delayed", Dimension::kTime, 0.001, 86400.0, "follows the cell `value` (a time constant) late"},
        {"intermittent", Dimension::kTime, 0.001, 86400.0, "reads 0 V for the first half of every `value`"},
        {"open_wire", std::nullopt, 0.0, 0.0, "the sense wire at the top of the cell is broken"}},
       true, nullptr, "one cell-voltage channel of the front end"},
      {"front_end", "sensors", kBoard,
       {{"failed", std::nullopt, 0.0, 0.0, "the cell monitor chip stops answering"}},
       true, nullptr, "the whole cell-voltage front end of a module (or pack)"},
      {"current_sensor", "sensors", kTargetUnit,
       {{"failed", std::nullopt, 0.0, 0.0, "the shunt amplifier gives no reading"},
        {"stuck", Dimension::kCurrent, -10000.0, 10000.0, "reads `value` whatever flows"},
        {"offset", Dimension::kCurrent, -10000.0, 10000.0, "reads `value` too high (negative: too low)"},
        {"drift", Dimension::kCurrent, -10000.0, 10000.0, "its error grows by `value` per hour"},
        {"noise", Dimension::kCurrent, 0.0, 1000.0, "extra noise of `value` (one sigma) on every reading"},
        {"delayed", Dimension::kTime, 0.001, 86400.0, "follows the current `value` (a time constant) late"},
        {"intermittent", Dimension::kTime, 0.001, 86400.0, "gives no reading for the first half of every `value`"}},
       true, nullptr, "the unit's current shunt"},
      // --- actuators and power path ---
      {"contactor", "actuators", kTargetUnit | kTargetContactor,
       {{"welded", std::nullopt, 0.0, 0.0, "the contacts stay closed"},
        {"stuck_open", std::nullopt, 0.0, 0.0, "the contacts do not close"}},
       true, nullptr, "a main or pre-charge contactor (LV packs: the MOSFET paths)"},
      {"precharge_resistor", "actuators", kTargetUnit,
       {{"open", std::nullopt, 0.0, 0.0, "the pre-charge resistor is open: the pre-charge fails"}},
       true, nullptr, "the pre-charge circuit"},
      {"fuse", "actuators", kTargetUnit,
       {{"blown", std::nullopt, 0.0, 0.0, "the main fuse is open; `for` replaces it"}},
       true, nullptr, "the unit's main fuse"},
      {"breaker", "actuators", kTargetUnit,
       {{"open", std::nullopt, 0.0, 0.0, "the breaker is opened by hand; `for` closes it again"}},
       true, nullptr, "the unit's breaker or battery switch"},
      {"supply", "actuators", kTargetUnit,
       {{"lost", std::nullopt, 0.0, 0.0, "the board's auxiliary supply (BCU 12 V) fails"}},
       true, nullptr, "the master board's supply"},
      // --- links ---
      {"link", "links", kTargetUnit,
       {{"lost", std::nullopt, 0.0, 0.0, "the board's cable is unplugged; `for` plugs it back"},
        {"loss", Dimension::kRatio, 0.0, 1.0, "each frame or burst the board receives is lost with probability `value`"},
        {"corruption", Dimension::kRatio, 0.0, 1.0,
         "each one arrives corrupted with probability `value` (RS485: a bit flipped; CAN: dropped by the receiver's CRC check)"},
        // From 1 ns, the clock's resolution, to 10 s: past the firmware's
        // internal-bus time-out (3 s), up to its PCS one (10 s), and what a
        // board's queue holds of its busiest bus (sim/link_delay.hpp).
        {"delay", Dimension::kTime, 1e-9, 10.0,
         "each one reaches the board's controller or UART `value` after it arrived, in order (a slow gateway in its cable)"},
        {"bus_off", std::nullopt, 0.0, 0.0, "CAN: every frame the board starts meets a bit error, so it goes bus-off"},
        {"babbling", std::nullopt, 0.0, 0.0,
         "the board's transmitter jams the bus (CAN: identifier 0 back to back; RS485: every burst on the line corrupted)"}},
       true, nullptr,
       "a board's bus cable: with `bus` \"internal\" a module's (with `module`) or the BCU's port on the "
       "string's RS485, \"link\" an LV pack's RS485 link port, \"pcs\" the unit's CAN port"},
      {"address_line", "links", kBoard,
       {{"broken", std::nullopt, 0.0, 0.0, "the address-coding input (ADR_IN / Link In) stays open"}},
       true, nullptr, "the coding line into a module or pack"},
      // --- the inverter ---
      {"inverter", "inverter", kTargetNone,
       {{"ignore_limits", std::nullopt, 0.0, 0.0, "keeps its set point whatever the battery allows"},
        {"silent", std::nullopt, 0.0, 0.0, "sends nothing"},
        {"malformed_frames", std::nullopt, 0.0, 0.0, "sends a frame with a wrong length every second"},
        {"out_of_range", std::nullopt, 0.0, 0.0, "sends a frame with values out of range every second"}},
       true, nullptr, "the virtual inverter misbehaves (the scenario needs an `inverter` section); the same as its `misbehaviour` windows"},
      // --- operator ---
      {"button", "operator", kTargetUnit,
       {{"press", std::nullopt, 0.0, 0.0, "the start / POWER button is held for `hold`"}},
       false, "hold", "the operator presses the unit's start / POWER button"},
      {"wake", "operator", kTargetUnit,
       {{"voltage", Dimension::kVoltage, 0.0, 1000.0, "`value` is applied to the wake input (an LV pack woken by the inverter's voltage)"}},
       true, nullptr, "a voltage on the unit's wake-up input"},
  };
  return specs;
}

template <typename Named>
std::string join_names(const Named& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + std::string(item.name);
  return out;
}

}  // namespace

std::span<const FaultSpec> fault_catalogue() { return table(); }

const FaultSpec* find_fault(std::string_view name) {
  for (const FaultSpec& spec : table()) {
    if (name == spec.name) return &spec;
  }
  return nullptr;
}

std::string fault_names() { return join_names(table()); }

const FaultMode* find_mode(const FaultSpec& spec, std::string_view name) {
  for (const FaultMode& mode : spec.modes) {
    if (name == mode.name) return &mode;
  }
  return nullptr;
}

std::string mode_names(const FaultSpec& spec) { return join_names(spec.modes); }

}  // namespace stacksim::scenario
