#include "sim/bms_setup.hpp"

#include <algorithm>
#include <limits>

#include "sim/hardware_file.hpp"

namespace stacksim::sim {

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
  for (const auto& [key, value] : sc.bms.parameters) {
    const std::string pointer = json_pointer_append(sc.bms.parameters_pointer, key);
    const auto it = std::find(params->keys.begin(), params->keys.end(), key);
    if (it == params->keys.end()) {
      sc.source.error(diags, pointer,
                      "expected a firmware parameter of " + config.product.name +
                          " (docs/firmware-parameters.md lists them), got \"" + key + "\"");
      continue;
    }
    if (value < std::numeric_limits<std::int32_t>::min() ||
        value > std::numeric_limits<std::int32_t>::max()) {
      sc.source.error(diags, pointer, "expected a 32-bit integer");
      continue;
    }
    params->values[static_cast<std::size_t>(it - params->keys.begin())] =
        static_cast<std::int32_t>(value);
  }
  if (diags.size() != before) return std::nullopt;

  BmsSetup setup;
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
