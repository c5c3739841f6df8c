// Every calibration key the reference firmware reads, with its unit and the
// range the simulator's loader accepts (src/sim/firmware_params_file.cpp).
// docs/firmware-parameters.md describes each one; a test keeps the two in step.
//
// Scalars are "key": {"value", "source"} in models/firmware/*.json. A scalar
// with names takes one of them as its value and is stored as the name's index.
// A table "t" with columns x (and y) is stored as t.count, t.N.x, t.N.y; x
// strictly increases. The protection table (prot.*) has its own loader.
#pragma once

#include <cstdint>

namespace stacksim::fw {

struct ScalarSpec {
  const char* key;
  const char* unit;
  std::int32_t min;
  std::int32_t max;
  const char* const* names;  // nullptr: a number
  int name_count;
};

struct TableSpec {
  const char* key;
  const char* x_column;
  std::int32_t x_min, x_max;
  const char* y_column;  // nullptr: a one-column table
  std::int32_t y_min, y_max;
  int min_rows, max_rows;
};

// Index = RGB bit set, as ssim_led_colour.
inline constexpr const char* kColourNames[] = {"off",  "red",    "green", "yellow",
                                               "blue", "purple", "cyan",  "white"};
// led_pattern.hpp: LedPattern.
inline constexpr const char* kPatternNames[] = {"off", "steady", "flash1", "flash2", "flash3", "flicker"};
// led.hpp: LedStyle.
inline constexpr const char* kLedStyleNames[] = {"sofar", "lfp65"};
// dry_contacts.hpp: DryMeaning.
inline constexpr const char* kDryMeaningNames[] = {"none", "prohibit_charge", "prohibit_discharge"};
// pcs/pcs_profile.hpp: PcsProtocol, PcsManufacturer; the options' names
// (pcs/pcs_link.cpp reads index 0 as the first name).
inline constexpr const char* kPcsProtocolNames[] = {"pylon-lv", "pylon-hv", "sofar-hv", "growatt-lv"};
inline constexpr const char* kPcsCommLossNames[] = {"report", "open"};
inline constexpr const char* kPcsManufacturerNames[] = {"profile", "pylon", "amass", "sofar", "growatt", "stacksim"};
// pcs/pcs485_link.hpp: Pcs485Protocol.
inline constexpr const char* kPcs485ProtocolNames[] = {"none", "pylon", "growatt"};
inline constexpr const char* kOnOffNames[] = {"on", "off"};
inline constexpr const char* kPylonLvSystemErrorNames[] = {"spec", "bit7"};
inline constexpr const char* kByteOrderNames[] = {"le", "be"};
inline constexpr const char* kDclSignNames[] = {"negative", "positive"};

inline constexpr ScalarSpec kScalarParams[] = {
    // ratings (per module on a GTX3000 BCU, per pack otherwise)
    {"pack.per_module", "", 0, 1, nullptr, 0},
    {"cell.full_charge_mV", "mV", 2000, 4500, nullptr, 0},
    {"cell.zero_volt_mV", "mV", 0, 2500, nullptr, 0},
    {"pack.charge_mV", "mV", 1000, 1000000, nullptr, 0},
    {"pack.discharge_mV", "mV", 1000, 1000000, nullptr, 0},
    {"capacity.nominal_mAh", "mAh", 1000, 2000000, nullptr, 0},
    {"current.charge_nominal_mA", "mA", 0, 2000000, nullptr, 0},
    {"current.charge_max_mA", "mA", 0, 2000000, nullptr, 0},
    {"current.discharge_nominal_mA", "mA", 0, 2000000, nullptr, 0},
    {"current.discharge_max_mA", "mA", 0, 2000000, nullptr, 0},
    // protection engine
    {"prot.current_deadband_mA", "mA", 0, 100000, nullptr, 0},
    // SOC, SOH, full-charge requests
    {"soc.rest_ms", "ms", 0, 86400000, nullptr, 0},
    {"soc.rest_mA", "mA", 0, 100000, nullptr, 0},
    {"soc.ocv_slope_min_uV_per_permille", "uV/permille", 0, 100000, nullptr, 0},
    {"soc.ocv_hysteresis_mV", "mV", 0, 200, nullptr, 0},
    {"soc.full_margin_mV", "mV", 0, 500, nullptr, 0},
    {"soc.full_taper_mA", "mA", 0, 100000, nullptr, 0},
    {"soc.full_hold_ms", "ms", 0, 3600000, nullptr, 0},
    {"soc.force_charge_permille", "permille", 0, 1000, nullptr, 0},
    {"soc.force_charge_clear_permille", "permille", 0, 1000, nullptr, 0},
    {"soc.recal_below_permille", "permille", 0, 1000, nullptr, 0},
    {"soc.recal_days", "d", 1, 3650, nullptr, 0},
    {"soc.recal_window_start_min", "min", 0, 1439, nullptr, 0},
    {"soc.recal_window_end_min", "min", 1, 1440, nullptr, 0},
    {"soh.learn_start_max_permille", "permille", 0, 1000, nullptr, 0},
    {"soh.learn_span_min_permille", "permille", 1, 1000, nullptr, 0},
    {"soh.learn_accept_min_permille", "permille", 0, 2000, nullptr, 0},
    {"soh.learn_accept_max_permille", "permille", 0, 2000, nullptr, 0},
    {"soh.learn_weight_permille", "permille", 0, 1000, nullptr, 0},
    // LEDs
    {"led.style", "", 0, 1, kLedStyleNames, 2},
    {"led.count", "", 1, 8, nullptr, 0},
    {"led.flash1.on_ms", "ms", 1, 60000, nullptr, 0},
    {"led.flash1.off_ms", "ms", 1, 60000, nullptr, 0},
    {"led.flash2.on_ms", "ms", 1, 60000, nullptr, 0},
    {"led.flash2.off_ms", "ms", 1, 60000, nullptr, 0},
    {"led.flash3.on_ms", "ms", 1, 60000, nullptr, 0},
    {"led.flash3.off_ms", "ms", 1, 60000, nullptr, 0},
    {"led.flicker.on_ms", "ms", 1, 60000, nullptr, 0},
    {"led.flicker.off_ms", "ms", 1, 60000, nullptr, 0},
    {"led.soc.count", "", 1, 8, nullptr, 0},
    {"led.soc.colour", "", 0, 7, kColourNames, 8},
    {"led.run.index", "", 0, 7, nullptr, 0},
    {"led.run.colour", "", 0, 7, kColourNames, 8},
    {"led.alm.index", "", 0, 7, nullptr, 0},
    {"led.alm.colour", "", 0, 7, kColourNames, 8},
    {"led.run.standby", "", 0, 5, kPatternNames, 6},
    {"led.run.charge", "", 0, 5, kPatternNames, 6},
    {"led.run.discharge", "", 0, 5, kPatternNames, 6},
    {"led.coding.colour", "", 0, 7, kColourNames, 8},
    {"led.coding.pattern", "", 0, 5, kPatternNames, 6},
    {"led.sweep.step_ms", "ms", 0, 10000, nullptr, 0},
    {"led.off_flicker.count", "", 0, 20, nullptr, 0},
    {"led.parallel_ok.count", "", 0, 20, nullptr, 0},
    {"led.charge_step_ms", "ms", 0, 10000, nullptr, 0},
    {"led.low_soc.permille", "permille", 0, 1000, nullptr, 0},
    {"led.alm_low_soc.permille", "permille", 0, 1000, nullptr, 0},
    // start / POWER button
    {"button.long_press_ms", "ms", 100, 60000, nullptr, 0},
    {"button.debounce_ms", "ms", 0, 1000, nullptr, 0},
    // dry contacts
    {"dry.1.meaning", "", 0, 2, kDryMeaningNames, 3},
    {"dry.2.meaning", "", 0, 2, kDryMeaningNames, 3},
    // start-up, links, balancing (read by the per-role firmware)
    {"precharge.timeout_ms", "ms", 1, 60000, nullptr, 0},
    {"precharge.done_permille", "permille", 1, 1000, nullptr, 0},
    {"comm.internal_timeout_ms", "ms", 1, 600000, nullptr, 0},
    {"comm.pcs_timeout_ms", "ms", 1, 3600000, nullptr, 0},
    {"pcs.power_off_ms", "ms", 0, 86400000, nullptr, 0},
    // PCS protocol profile and its options (pcs/pcs_link.hpp, docs/pcs-protocols.md)
    {"pcs.protocol", "", 0, 3, kPcsProtocolNames, 4},
    {"pcs.address", "", 0, 15, nullptr, 0},
    {"pcs.manufacturer", "", 0, 5, kPcsManufacturerNames, 6},
    {"pcs.pylon_lv.dvl", "", 0, 1, kOnOffNames, 2},
    {"pcs.pylon_lv.system_error_bit", "", 0, 1, kPylonLvSystemErrorNames, 2},
    {"pcs.pylon_hv.byte_order", "", 0, 1, kByteOrderNames, 2},
    {"pcs.pylon_hv.current_offset", "", 0, 1, kOnOffNames, 2},
    {"pcs.pylon_hv.dcl_sign", "", 0, 1, kDclSignNames, 2},
    {"pcs.comm_loss", "", 0, 1, kPcsCommLossNames, 2},
    {"pcs.masking_ms", "ms", 0, 3600000, nullptr, 0},
    // the RS485 port toward the PCS (pcs/pcs485_link.hpp)
    {"pcs485.protocol", "", 0, 2, kPcs485ProtocolNames, 3},
    {"pcs485.address", "", 1, 254, nullptr, 0},
    {"pcs485.baud", "baud", 1200, 921600, nullptr, 0},
    {"parallel.units", "", 1, 8, nullptr, 0},
    {"parallel.window_ms", "ms", 0, 600000, nullptr, 0},
    {"parallel.max_diff_mV", "mV", 0, 100000, nullptr, 0},
    {"balance.start_mV", "mV", 0, 5000, nullptr, 0},
    {"balance.threshold_mV", "mV", 1, 1000, nullptr, 0},
};

inline constexpr TableSpec kTableParams[] = {
    {"ocv", "permille", 0, 1000, "mV", 0, 5000, 2, 16},
    {"derate.charge_temp", "dC", -600, 1500, "permille", 0, 1000, 2, 16},
    {"derate.discharge_temp", "dC", -600, 1500, "permille", 0, 1000, 2, 16},
    {"derate.charge_cell", "mV", 0, 5000, "permille", 0, 1000, 2, 16},
    {"derate.discharge_cell", "mV", 0, 5000, "permille", 0, 1000, 2, 16},
    {"led.soc_discharge", "above_permille", 0, 1000, nullptr, 0, 0, 0, 7},
    {"led.soc_charge", "above_permille", 0, 1000, nullptr, 0, 0, 0, 7},
};

// Keys of one protection row "prot.N.<field>"; the tiers may be absent.
inline constexpr const char* kProtectionFields[] = {
    "quantity", "trip", "applies", "warning", "alarm", "protection",
    "hysteresis", "debounce_ms", "delay_ms", "reaction"};

}  // namespace stacksim::fw
