// Loading the data files under models/: cell parameter sets and product
// definitions. Every problem is collected; nothing is half-loaded.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "physics/cell_params.hpp"
#include "sim/product.hpp"
#include "util/diagnostics.hpp"

namespace stacksim::sim {

std::optional<physics::CellParams> load_cell_file(const std::filesystem::path& path,
                                                  Diagnostics& diags);
std::optional<Product> load_product_file(const std::filesystem::path& path,
                                         Diagnostics& diags);

// Names that may be looked up in a data directory: lower-case letters,
// digits, '-', '_' and '.', not starting with '.', so a file can never point
// outside the directory it is looked up in.
bool is_safe_name(const std::string& name);

}  // namespace stacksim::sim
