#include "sim/system_config.hpp"

#include "sim/model_files.hpp"
#include "sim/model_reading.hpp"
#include "util/json_document.hpp"
#include "util/object_reader.hpp"
#include "util/quantity.hpp"

namespace stacksim::sim {
namespace {

// "overrides": {"ratings": {"charge_voltage": "56.16V", ...}}: a system may
// replace any rating its product file chose, written with units like a
// scenario. The product file stays the documented default.
void apply_overrides(const JsonDocument& doc, const nlohmann::json& node, const std::string& pointer,
                     ProductRatings& p, Diagnostics& diags) {
  ObjectReader o(doc, node, pointer, diags);
  if (const nlohmann::json* ratings = o.child("ratings", true)) {
    ObjectReader r(doc, *ratings, o.pointer_of("ratings"), diags);
    struct Field {
      const char* key;
      Dimension dim;
      double* value;
    };
    const Field fields[] = {
        {"nominal_voltage", Dimension::kVoltage, &p.nominal_voltage_V},
        {"capacity", Dimension::kCharge, &p.capacity_Ah},
        {"nominal_energy", Dimension::kEnergy, &p.nominal_energy_Wh},
        {"usable_energy", Dimension::kEnergy, &p.usable_energy_Wh},
        {"charge_voltage", Dimension::kVoltage, &p.charge_voltage_V},
        {"max_charge_voltage", Dimension::kVoltage, &p.max_charge_voltage_V},
        {"min_discharge_voltage", Dimension::kVoltage, &p.min_discharge_voltage_V},
        {"nominal_charge_current", Dimension::kCurrent, &p.nominal_charge_current_A},
        {"max_charge_current", Dimension::kCurrent, &p.max_charge_current_A},
        {"nominal_discharge_current", Dimension::kCurrent, &p.nominal_discharge_current_A},
        {"max_discharge_current", Dimension::kCurrent, &p.max_discharge_current_A},
        {"charge_min", Dimension::kTemperature, &p.charge_min_C},
        {"charge_max", Dimension::kTemperature, &p.charge_max_C},
        {"discharge_min", Dimension::kTemperature, &p.discharge_min_C},
        {"discharge_max", Dimension::kTemperature, &p.discharge_max_C},
    };
    for (const Field& f : fields) {
      const double min = f.dim == Dimension::kTemperature ? -100.0 : 0.0;
      if (auto q = r.quantity(f.key, f.dim, false, min, 1e6)) {
        if (q->c_rate) {
          r.error(f.key, "expected amperes, not a C-rate");
        } else {
          *f.value = q->value;
        }
      }
    }
    for (const RatingProblem& problem : rating_problems(p)) r.error(problem.rating, problem.message);
    r.finish();
  }
  o.finish();
}

}  // namespace

physics::SystemLayout SystemConfig::layout() const {
  physics::SystemLayout l;
  l.cell_types.push_back(cell);
  physics::ModuleLayout m = product.module;
  m.cell_type = 0;
  for (std::size_t u = 0; u < units; ++u) {
    physics::BranchLayout b;
    b.name = unit_name(u);
    b.modules.assign(modules_per_unit, m);
    b.resistance_ohm = product.branch_resistance_ohm +
                       product.resistance_per_module_ohm * static_cast<double>(modules_per_unit);
    b.module_coupling_W_per_K = product.module_coupling_W_per_K;
    l.branches.push_back(std::move(b));
  }
  return l;
}

std::string SystemConfig::unit_name(std::size_t unit) const {
  return (product.kind == ProductKind::kHvString ? "string" : "pack") + std::to_string(unit + 1);
}

namespace {
double per_unit(const SystemConfig& s, double per_module) {
  return per_module * static_cast<double>(s.modules_per_unit);
}
}  // namespace

double SystemConfig::unit_nominal_energy_Wh() const { return per_unit(*this, product.ratings.nominal_energy_Wh); }
double SystemConfig::unit_usable_energy_Wh() const { return per_unit(*this, product.ratings.usable_energy_Wh); }
double SystemConfig::unit_charge_voltage_V() const { return per_unit(*this, product.ratings.charge_voltage_V); }
double SystemConfig::unit_min_discharge_voltage_V() const {
  return per_unit(*this, product.ratings.min_discharge_voltage_V);
}
double SystemConfig::unit_max_charge_voltage_V() const {
  return per_unit(*this, product.ratings.max_charge_voltage_V);
}
double SystemConfig::nominal_capacity_Ah() const {
  return product.ratings.capacity_Ah * static_cast<double>(units);
}

std::optional<SystemConfig> load_system_config(const std::filesystem::path& data_dir,
                                               const std::string& name, Diagnostics& diags) {
  const std::size_t before = diags.size();
  const auto path = data_dir / "configs" / (name + ".json");
  auto doc = load_json_file(path, path.string(), diags);
  if (!doc) return std::nullopt;
  ObjectReader r(*doc, doc->root, "", diags);
  check_format(r, "stacksim-system");
  SystemConfig s;
  s.name = r.string("name", true).value_or("");
  if (!s.name.empty() && s.name != name) r.error("name", "expected the file's own name \"" + name + "\"");
  s.description = r.string("description", true).value_or("");
  const auto product = r.string("product", true);
  const auto units = r.integer("units_in_parallel", true, 1, 64);
  const auto modules = r.integer("modules_in_series", false, 1, 1000);
  const nlohmann::json* overrides = r.child("overrides", false);
  r.finish();
  if (!product) return std::nullopt;
  if (!is_safe_name(*product)) {
    r.error("product", "expected a product name of lower-case letters, digits, '-', '_' or '.'");
    return std::nullopt;
  }
  auto p = load_product_file(data_dir / "models" / "products" / (*product + ".json"), diags);
  if (!p) return std::nullopt;
  auto cell = load_cell_file(data_dir / "models" / "cells" / (p->cell + ".json"), diags);
  if (!cell) return std::nullopt;
  s.product = std::move(*p);
  s.cell = std::move(*cell);
  if (overrides) apply_overrides(*doc, *overrides, r.pointer_of("overrides"), s.product.ratings, diags);
  s.units = static_cast<std::size_t>(units.value_or(1));
  s.modules_per_unit = static_cast<std::size_t>(modules.value_or(static_cast<std::int64_t>(s.product.modules_min)));
  if (s.units > s.product.parallel_max) {
    r.error("units_in_parallel", "expected at most " + std::to_string(s.product.parallel_max) +
                                     " for " + s.product.name);
  }
  if (s.modules_per_unit < s.product.modules_min || s.modules_per_unit > s.product.modules_max) {
    r.error(modules ? "modules_in_series" : "",
            "expected " + std::to_string(s.product.modules_min) + " to " +
                std::to_string(s.product.modules_max) + " modules in series for " + s.product.name);
  }
  if (diags.size() != before) return std::nullopt;
  return s;
}

}  // namespace stacksim::sim
