#include "sim/inverter_setup.hpp"

#include <algorithm>
#include <cassert>

#include "firmware/core/param_spec.hpp"

namespace stacksim::sim {
namespace {

constexpr const char* kParam = "pcs.protocol";

// The firmware's names of pcs.protocol values (index = value).
const fw::ScalarSpec* protocol_spec() {
  for (const fw::ScalarSpec& s : fw::kScalarParams) {
    if (std::string_view(s.key) == kParam && s.names != nullptr) return &s;
  }
  return nullptr;
}

std::optional<std::string> name_of(std::int32_t value) {
  const fw::ScalarSpec* spec = protocol_spec();
  if (spec == nullptr || value < 0 || value >= spec->name_count) return std::nullopt;
  return std::string(spec->names[value]);
}

bool set_by_scenario(const scenario::Scenario& sc) {
  return std::any_of(sc.bms.parameters.begin(), sc.bms.parameters.end(),
                     [](const auto& p) { return p.key == kParam; });
}

}  // namespace

std::optional<std::int32_t> firmware_protocol_value(std::string_view name) {
  const fw::ScalarSpec* spec = protocol_spec();
  for (int i = 0; spec != nullptr && i < spec->name_count; ++i) {
    if (name == spec->names[i]) return i;
  }
  return std::nullopt;
}

bool is_protocol_name(std::string_view name) { return inverter::find_profile(name) != nullptr; }

std::string protocol_names() {
  std::string out;
  for (const auto& p : inverter::profiles()) out += (out.empty() ? "" : ", ") + std::string(p.name);
  return out;
}

std::optional<InverterPlan> load_inverter_plan(const std::filesystem::path& data_dir,
                                               const scenario::Scenario& sc, BmsSetup* bms,
                                               const std::string& protocol_override,
                                               Diagnostics& diags) {
  const std::size_t before = diags.size();
  if (!protocol_override.empty() && !is_protocol_name(protocol_override)) {
    diags.add("--protocol", "", {}, "expected one of " + protocol_names() + ", got \"" + protocol_override + "\"");
    return std::nullopt;
  }
  if (bms == nullptr) {
    // The scenario's own check already reported an inverter without firmware.
    if (!protocol_override.empty()) {
      diags.add("--protocol", "", {}, "the scenario runs without firmware (\"bms\": {\"firmware\": \"none\"}); "
                                      "expected a BMS to speak a protocol");
    }
    return std::nullopt;
  }
  // The named protocol, if any: the command line's, else the scenario's.
  std::string named = protocol_override;
  if (named.empty() && sc.inverter && sc.inverter->protocol != scenario::kAutoProtocol) named = sc.inverter->protocol;
  const auto slot = std::find(bms->params.keys.begin(), bms->params.keys.end(), kParam);
  const bool has_param = slot != bms->params.keys.end();
  std::int32_t* firmware_value = has_param ? &bms->params.values[static_cast<std::size_t>(slot - bms->params.keys.begin())] : nullptr;
  if (!named.empty() && (!protocol_override.empty() || !set_by_scenario(sc))) {
    const auto v = firmware_protocol_value(named);
    if (firmware_value == nullptr || !v) {
      sc.source.error(diags, sc.inverter ? sc.inverter->pointer : "",
                "expected the firmware calibration to have the parameter pcs.protocol with the value \"" + named +
                    "\" (docs/firmware-parameters.md)");
      return std::nullopt;
    }
    *firmware_value = *v;
  }
  if (!sc.inverter) return std::nullopt;

  // "auto": what the firmware is configured for.
  if (named.empty()) {
    const auto name = firmware_value ? name_of(*firmware_value) : std::nullopt;
    if (!name || !is_protocol_name(*name)) {
      sc.source.error(diags, json_pointer_append(sc.inverter->pointer, "protocol"),
                      "\"auto\" uses the firmware's pcs.protocol, which this product's calibration does not give; "
                      "expected one of " + protocol_names());
      return std::nullopt;
    }
    named = *name;
  }
  InverterPlan plan;
  plan.profile = inverter::find_profile(named);
  plan.setup = *sc.inverter;
  plan.setup.protocol = named;
  const auto path = data_dir / "models" / "dbc" / plan.profile->dbc_file;
  plan.dbc_label = path.string();
  auto dbc = protocol::Dbc::load(path, diags);
  if (!dbc) return std::nullopt;
  plan.dbc = std::move(*dbc);
  // The profile is built once here so that a DBC lacking what it reads stops
  // the run before it starts.
  if (!plan.profile->make(plan.dbc, plan.dbc_label, diags)) return std::nullopt;
  if (diags.size() != before) return std::nullopt;
  return plan;
}

std::optional<protocol::Dbc> load_firmware_pcs_dbc(const std::filesystem::path& data_dir, const BmsSetup& bms,
                                                   Diagnostics& diags) {
  const auto slot = std::find(bms.params.keys.begin(), bms.params.keys.end(), kParam);
  const auto name = slot == bms.params.keys.end()
                        ? std::nullopt
                        : name_of(bms.params.values[static_cast<std::size_t>(slot - bms.params.keys.begin())]);
  const inverter::ProfileInfo* profile = name ? inverter::find_profile(*name) : nullptr;
  if (profile == nullptr) {
    diags.add(bms.hardware.product, "", {}, "expected the firmware parameter pcs.protocol to name a PCS protocol (" +
                                                protocol_names() + ") for probes of the PCS bus");
    return std::nullopt;
  }
  return protocol::Dbc::load(data_dir / "models" / "dbc" / profile->dbc_file, diags);
}

std::unique_ptr<inverter::Inverter> make_inverter(const InverterPlan& plan, bus::CanBus& bus,
                                                  double one_c_A, std::int64_t start_epoch_s,
                                                  std::uint64_t seed) {
  inverter::InverterConfig c;
  c.profile = plan.profile;
  c.dbc = &plan.dbc;
  c.dbc_label = plan.dbc_label;
  c.setup = plan.setup;
  c.one_c_A = one_c_A;
  c.start_epoch_s = start_epoch_s;
  c.seed = seed;
  Diagnostics diags;
  auto inverter = inverter::Inverter::create(c, bus, diags);
  assert(inverter && "load_inverter_plan built this profile already");
  return inverter;
}

}  // namespace stacksim::sim
