// A ready system from configs/: which product, how many modules in series per
// string and how many strings or packs in parallel. The one place where a
// configuration becomes a physics layout.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "physics/cell_params.hpp"
#include "physics/layout.hpp"
#include "sim/product.hpp"
#include "util/diagnostics.hpp"

namespace stacksim::sim {

struct SystemConfig {
  std::string name;
  std::string description;
  Product product;
  physics::CellParams cell;
  std::size_t units = 1;             // strings or packs in parallel
  std::size_t modules_per_unit = 1;  // modules in series per string (1 for packs)

  physics::SystemLayout layout() const;
  std::string unit_name(std::size_t unit) const;  // "string1", "pack2", ...

  // Ratings scaled to one unit and to the whole system.
  double unit_nominal_energy_Wh() const;
  double unit_usable_energy_Wh() const;
  double unit_charge_voltage_V() const;
  double unit_min_discharge_voltage_V() const;
  double unit_max_charge_voltage_V() const;
  double nominal_capacity_Ah() const;  // all units: 1C in amperes
};

// Loads configs/NAME.json with its product and cell from `data_dir`. Only names
// made of safe characters are looked up, so nothing outside `data_dir` is read.
std::optional<SystemConfig> load_system_config(const std::filesystem::path& data_dir,
                                               const std::string& name, Diagnostics& diags);

}  // namespace stacksim::sim
