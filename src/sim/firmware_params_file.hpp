// models/firmware/<product>.json -> the calibration parameters a BMS board
// holds in its parameter flash (ssim_node_config.params): flat integer keys
// in firmware units, as the reference firmware's core reads them
// (src/firmware/core/param_spec.hpp, docs/firmware-parameters.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "stacksim/hal.h"
#include "util/diagnostics.hpp"

namespace stacksim::sim {

struct FirmwareParams {
  std::vector<std::string> keys;
  std::vector<std::int32_t> values;  // values[i] belongs to keys[i]
  std::vector<std::string> protection_ids;  // row i of prot.* -> its "id", for reports
};

// Every problem (unknown keys, unknown names, tiers out of order, missing or
// empty sources, values out of range) is added to `diags`, each with
// file:line:col and JSON pointer; any problem gives nullopt.
std::optional<FirmwareParams> load_firmware_params(const std::filesystem::path& data_dir,
                                                   const std::string& product,
                                                   Diagnostics& diags);
std::optional<FirmwareParams> load_firmware_params_file(const std::filesystem::path& path,
                                                        Diagnostics& diags);

// The table a board gets; its key pointers point into `params`, which must
// outlive it.
std::vector<ssim_param> to_ssim_params(const FirmwareParams& params);

// Value of `key`, or nullopt.
std::optional<std::int32_t> find_param(const FirmwareParams& params, const std::string& key);

}  // namespace stacksim::sim
