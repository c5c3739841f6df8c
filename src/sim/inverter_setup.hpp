// The inverter side of a run, resolved and loaded before anything runs: which
// protocol profile (the command line's --protocol, else the scenario's
// inverter "protocol", else "auto" = the firmware's pcs.protocol), its DBC
// from models/dbc/, and the firmware's pcs.protocol set to match when the
// scenario's bms.parameters did not set it (docs/inverter.md).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "inverter/inverter.hpp"
#include "protocol/dbc.hpp"
#include "scenario/scenario.hpp"
#include "sim/bms_setup.hpp"
#include "util/diagnostics.hpp"

namespace stacksim::sim {

struct InverterPlan {
  const inverter::ProfileInfo* profile = nullptr;
  protocol::Dbc dbc;
  std::string dbc_label;
  scenario::InverterSetup setup;
};

// Whether --protocol NAME names a profile.
bool is_protocol_name(std::string_view name);
// "pylon-lv, pylon-hv, ...", for messages.
std::string protocol_names();
// The value of the firmware parameter pcs.protocol that selects `name`.
std::optional<std::int32_t> firmware_protocol_value(std::string_view name);

// `protocol_override`: the command line's --protocol ("" if not given); it
// replaces the scenario's inverter protocol and the firmware's pcs.protocol
// (even one set in bms.parameters). `bms` may be null (no firmware): then an
// inverter or a --protocol is a problem. Returns nullopt when the scenario
// has no inverter or on a problem (see `diags`); the firmware parameter is
// set in either case.
std::optional<InverterPlan> load_inverter_plan(const std::filesystem::path& data_dir,
                                               const scenario::Scenario& scenario, BmsSetup* bms,
                                               const std::string& protocol_override,
                                               Diagnostics& diags);

// The DBC of the PCS protocol the firmware is set to (its pcs.protocol after
// the scenario's and the command line's overrides), for probes that read the
// PCS bus; nullopt with a problem if the product has no such parameter.
std::optional<protocol::Dbc> load_firmware_pcs_dbc(const std::filesystem::path& data_dir, const BmsSetup& bms,
                                                   Diagnostics& diags);

// The inverter a run puts on the plant's PCS bus.
std::unique_ptr<inverter::Inverter> make_inverter(const InverterPlan& plan, bus::CanBus& bus,
                                                  double one_c_A, std::int64_t start_epoch_s,
                                                  std::uint64_t seed);

}  // namespace stacksim::sim
