// models/hardware/<product>.json -> hw::HardwareSpec: what the BMS boards of
// a product are built of (docs/hardware.md, "Data file").
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "hw/board_spec.hpp"
#include "util/diagnostics.hpp"

namespace stacksim::sim {

// Reads DATA_DIR/models/hardware/PRODUCT.json and checks it against the
// product file (cell channels and thermistor positions against the product's
// series cells). Every problem is added to `diags`; nothing is returned if
// there was any.
std::optional<hw::HardwareSpec> load_hardware_file(const std::filesystem::path& data_dir,
                                                   const std::string& product, Diagnostics& diags);

}  // namespace stacksim::sim
