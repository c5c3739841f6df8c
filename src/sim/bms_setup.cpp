#include "sim/bms_setup.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <string>

#include "firmware/core/param_spec.hpp"
#include "sim/hardware_file.hpp"

namespace stacksim::sim {

namespace {

const fw::ScalarSpec* scalar_spec(const std::string& key) {
  for (const fw::ScalarSpec& spec : fw::kScalarParams) {
    if (key == spec.key) return &spec;
  }
  return nullptr;
}

// The code of a named value of an enumerated parameter ("sofar-hv").
std::optional<std::int32_t> enumerated_value(const std::string& key, const std::string& name) {
  const fw::ScalarSpec* spec = scalar_spec(key);
  for (int i = 0; spec != nullptr && spec->names != nullptr && i < spec->name_count; ++i) {
    if (name == spec->names[i]) return i;
  }
  return std::nullopt;
}

std::string enumerated_expectation(const std::string& key, const std::string& name) {
  const fw::ScalarSpec* spec = scalar_spec(key);
  if (spec == nullptr || spec->names == nullptr) {
    return "expected an integer in the parameter's unit (" + key + " has no named values), got \"" + name + "\"";
  }
  std::string names;
  for (int i = 0; i < spec->name_count; ++i) names += std::string(i ? ", " : "") + spec->names[i];
  return "expected one of " + names + ", got \"" + name + "\"";
}

}  // namespace

std::vector<std::string> roles_of(const SystemConfig& config) {
  if (config.product.kind == ProductKind::kHvString) return {"bcu", "module"};
  return {"pack"};
}

std::optional<BmsSetup> load_bms_setup(const std::filesystem::path& data_dir,
                                       const SystemConfig& config,
                                       const scenario::Scenario& sc, const FirmwareChoice& choice,
                                       Diagnostics& diags) {
  const std::size_t before = diags.size();
  auto hardware = load_hardware_file(data_dir, config.product.name, diags);
  auto params = load_firmware_params(data_dir, config.product.name, diags);
  if (!hardware || !params) return std::nullopt;
  // The installer's setting of the pack count: the system's (a scenario may
  // still override it, e.g. to test a pack whose peer never appears).
  const auto units_it = std::find(params->keys.begin(), params->keys.end(), "parallel.units");
  if (units_it != params->keys.end()) {
    params->values[static_cast<std::size_t>(units_it - params->keys.begin())] =
        static_cast<std::int32_t>(config.units);
  }

  // Overrides replace values of keys the product's calibration has; a key it
  // does not have is a mistake (a typo would otherwise change nothing).
  for (const auto& [key, number, name] : sc.bms.parameters) {
    const std::string pointer = json_pointer_append(sc.bms.parameters_pointer, key);
    const auto it = std::find(params->keys.begin(), params->keys.end(), key);
    if (it == params->keys.end()) {
      sc.source.error(diags, pointer,
                      "expected a firmware parameter of " + config.product.name +
                          " (docs/firmware-parameters.md lists them), got \"" + key + "\"");
      continue;
    }
    std::int64_t value = number;
    if (!name.empty()) {
      const auto code = enumerated_value(key, name);
      if (!code) {
        sc.source.error(diags, pointer, enumerated_expectation(key, name));
        continue;
      }
      value = *code;
    }
    if (value < std::numeric_limits<std::int32_t>::min() ||
        value > std::numeric_limits<std::int32_t>::max()) {
      sc.source.error(diags, pointer, "expected a 32-bit integer");
      continue;
    }
    params->values[static_cast<std::size_t>(it - params->keys.begin())] =
        static_cast<std::int32_t>(value);
  }
  // Swapped cables need a chain with coding lines and a unit behind them.
  std::vector<std::size_t> swapped;
  for (std::size_t i = 0; i < sc.bms.swapped_link_cables.size(); ++i) {
    const std::size_t unit = sc.bms.swapped_link_cables[i];
    const std::string pointer = json_pointer_append(sc.bms.swapped_link_cables_pointer, std::to_string(i));
    const hw::BoardSpec* master = hardware->board(config.product.kind == ProductKind::kHvString ? SSIM_ROLE_BCU : SSIM_ROLE_PACK);
    const bool chain = master != nullptr && (master->link_coding || master->address_coding);
    if (!chain || unit > config.units) {
      sc.source.error(diags, pointer,
                      "expected a unit 2.." + std::to_string(config.units) + " of a parallel " +
                          config.product.name + " chain with link coding lines (docs/parallel.md), got " +
                          std::to_string(unit));
      continue;
    }
    swapped.push_back(unit - 1);
  }
  if (diags.size() != before) return std::nullopt;

  BmsSetup setup;
  setup.swapped_links = std::move(swapped);
  setup.hardware = std::move(*hardware);
  setup.params = std::move(*params);
  const FirmwareImage builtin = builtin_firmware();
  setup.firmware.module = choice.module.value_or(builtin);
  setup.firmware.bcu = choice.bcu.value_or(builtin);
  setup.firmware.pack = choice.pack.value_or(builtin);
  const auto press = find_param(setup.params, "button.long_press_ms");
  // Half a second beyond the long press, as a person would hold it.
  setup.start_hold_ns = (static_cast<std::int64_t>(press.value_or(3000)) + 500) * 1'000'000;
  return setup;
}

}  // namespace stacksim::sim
