// models/products/*.json -> Product.
#include <cmath>
#include <string>

#include "sim/model_files.hpp"
#include "sim/model_reading.hpp"

namespace stacksim::sim {
namespace {

std::size_t sourced_count(const JsonDocument& doc, ObjectReader& r, const char* key, double max,
                          Diagnostics& diags) {
  const auto v = sourced(doc, r, key, 1.0, max, diags);
  if (!v) return 1;
  if (*v != std::floor(*v)) {
    r.error(key, "expected a whole number");
    return 1;
  }
  return static_cast<std::size_t>(*v);
}

void read_ratings(const JsonDocument& doc, ObjectReader& top, ProductRatings& p, Diagnostics& diags) {
  const nlohmann::json* node = top.child("ratings", true);
  if (!node) return;
  ObjectReader r(doc, *node, top.pointer_of("ratings"), diags);
  const auto v = [&](const char* key, double min, double max) {
    return sourced(doc, r, key, min, max, diags).value_or(0.0);
  };
  p.nominal_voltage_V = v("nominal_voltage_V", 1.0, 2000.0);
  p.capacity_Ah = v("capacity_Ah", 0.1, 1e5);
  p.nominal_energy_Wh = v("nominal_energy_Wh", 1.0, 1e8);
  p.usable_energy_Wh = v("usable_energy_Wh", 1.0, 1e8);
  p.charge_voltage_V = v("charge_voltage_V", 1.0, 2000.0);
  p.max_charge_voltage_V = v("max_charge_voltage_V", 1.0, 2000.0);
  p.min_discharge_voltage_V = v("min_discharge_voltage_V", 1.0, 2000.0);
  p.nominal_charge_current_A = v("nominal_charge_current_A", 0.0, 1e5);
  p.max_charge_current_A = v("max_charge_current_A", 0.0, 1e5);
  p.nominal_discharge_current_A = v("nominal_discharge_current_A", 0.0, 1e5);
  p.max_discharge_current_A = v("max_discharge_current_A", 0.0, 1e5);
  p.charge_min_C = v("charge_min_C", -100.0, 200.0);
  p.charge_max_C = v("charge_max_C", -100.0, 200.0);
  p.discharge_min_C = v("discharge_min_C", -100.0, 200.0);
  p.discharge_max_C = v("discharge_max_C", -100.0, 200.0);
  for (const RatingProblem& problem : rating_problems(p)) {
    const std::string name = problem.rating;
    const char* unit = name.find("voltage") != std::string::npos ? "_V"
                       : name.find("energy") != std::string::npos ? "_Wh"
                                                                   : "_C";
    r.error(name + unit, problem.message);
  }
  r.finish();
}

}  // namespace

std::vector<RatingProblem> rating_problems(const ProductRatings& p) {
  std::vector<RatingProblem> out;
  if (p.usable_energy_Wh > p.nominal_energy_Wh) {
    out.push_back({"usable_energy", "expected at most the nominal energy"});
  }
  if (p.charge_voltage_V > p.max_charge_voltage_V) {
    out.push_back({"charge_voltage", "expected at most the maximum charge voltage"});
  }
  if (p.min_discharge_voltage_V >= p.charge_voltage_V) {
    out.push_back({"min_discharge_voltage", "expected below the charge voltage"});
  }
  if (p.charge_min_C >= p.charge_max_C) {
    out.push_back({"charge_max", "expected above the lowest charging temperature"});
  }
  if (p.discharge_min_C >= p.discharge_max_C) {
    out.push_back({"discharge_max", "expected above the lowest discharging temperature"});
  }
  return out;
}

std::optional<Product> load_product_file(const std::filesystem::path& path, Diagnostics& diags) {
  const std::size_t before = diags.size();
  auto doc = load_json_file(path, path.string(), diags);
  if (!doc) return std::nullopt;
  ObjectReader r(*doc, doc->root, "", diags);
  check_format(r, "stacksim-product");
  Product p;
  p.name = r.string("name", true).value_or("");
  if (!p.name.empty() && p.name != path.stem().string()) {
    r.error("name", "expected the file's own name \"" + path.stem().string() + "\"");
  }
  p.display_name = r.string("display_name", true).value_or("");
  const auto kind = r.choice("kind", true, {"hv-string", "lv-pack"});
  p.kind = kind && *kind == "hv-string" ? ProductKind::kHvString : ProductKind::kLvPack;
  r.string("manual", true);
  p.cell = r.string("cell", true).value_or("");
  if (!p.cell.empty() && !is_safe_name(p.cell)) {
    r.error("cell", "expected a cell name of lower-case letters, digits, '-', '_' or '.'");
  }
  if (const nlohmann::json* m = r.child("module", true)) {
    ObjectReader mr(*doc, *m, r.pointer_of("module"), diags);
    p.module.series_groups = sourced_count(*doc, mr, "series_cells", 1000, diags);
    p.module.cells_per_group = sourced_count(*doc, mr, "parallel_cells", 100, diags);
    p.module.heat_capacity_J_per_K = sourced(*doc, mr, "heat_capacity_J_per_K", 1.0, 1e8, diags).value_or(1.0);
    p.module.to_ambient_W_per_K = sourced(*doc, mr, "to_ambient_W_per_K", 0.0, 1e5, diags).value_or(0.0);
    p.module.balancing_resistance_ohm = sourced(*doc, mr, "balancing_resistance_ohm", 0.1, 1e6, diags).value_or(1.0);
    mr.finish();
  }
  if (const nlohmann::json* b = r.child("branch", true)) {
    ObjectReader br(*doc, *b, r.pointer_of("branch"), diags);
    p.modules_min = sourced_count(*doc, br, "modules_min", 1000, diags);
    p.modules_max = sourced_count(*doc, br, "modules_max", 1000, diags);
    p.parallel_max = sourced_count(*doc, br, "parallel_max", 1000, diags);
    p.branch_resistance_ohm = sourced(*doc, br, "resistance_ohm", 0.0, 10.0, diags).value_or(0.0);
    p.resistance_per_module_ohm = sourced(*doc, br, "resistance_per_module_ohm", 0.0, 10.0, diags).value_or(0.0);
    p.module_coupling_W_per_K = sourced(*doc, br, "module_coupling_W_per_K", 0.0, 1e5, diags).value_or(0.0);
    if (p.modules_max < p.modules_min) br.error("modules_max", "expected at least modules_min");
    br.finish();
  }
  read_ratings(*doc, r, p.ratings, diags);
  r.finish();
  if (diags.size() != before) return std::nullopt;
  return p;
}

}  // namespace stacksim::sim
