// A product family as its manual states it: how a module or pack is built from
// cells, and the numbers it promises. Filled from models/products/*.json.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "physics/layout.hpp"

namespace stacksim::sim {

enum class ProductKind {
  kHvString,  // modules in series behind one BCU; strings in parallel
  kLvPack,    // one pack is one branch; packs in parallel
};

// Values per module (HV) or per pack (LV); a string multiplies them by its
// module count.
struct ProductRatings {
  double nominal_voltage_V = 0.0;
  double capacity_Ah = 0.0;
  double nominal_energy_Wh = 0.0;
  double usable_energy_Wh = 0.0;
  double charge_voltage_V = 0.0;         // what the BMS asks the PCS to hold
  double max_charge_voltage_V = 0.0;
  double min_discharge_voltage_V = 0.0;
  double nominal_charge_current_A = 0.0;  // per branch
  double max_charge_current_A = 0.0;
  double nominal_discharge_current_A = 0.0;
  double max_discharge_current_A = 0.0;
  double charge_min_C = 0.0, charge_max_C = 0.0;
  double discharge_min_C = 0.0, discharge_max_C = 0.0;
};

// Ratings that contradict each other, as (rating, message) pairs. Ratings are
// named without their unit suffix ("charge_voltage"), as system overrides
// write them; product files add the suffix.
struct RatingProblem {
  const char* rating;
  const char* message;
};
std::vector<RatingProblem> rating_problems(const ProductRatings& r);

struct Product {
  std::string name;
  std::string display_name;
  ProductKind kind = ProductKind::kLvPack;
  std::string cell;  // name of a models/cells file
  physics::ModuleLayout module;
  std::size_t modules_min = 1, modules_max = 1;  // per branch
  std::size_t parallel_max = 1;
  double branch_resistance_ohm = 0.0;            // fixed part
  double resistance_per_module_ohm = 0.0;        // module interconnects
  double module_coupling_W_per_K = 0.0;
  ProductRatings ratings;
};

}  // namespace stacksim::sim
