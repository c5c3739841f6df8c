// models/firmware/*.json -> FirmwareParams.
#include "sim/firmware_params_file.hpp"

#include <array>
#include <set>

#include "firmware/core/param_spec.hpp"
#include "firmware/core/protection_codes.hpp"
#include "sim/model_files.hpp"
#include "sim/model_reading.hpp"

namespace stacksim::sim {
namespace {

template <std::size_t N>
std::vector<std::string> names_of(const char* const (&names)[N]) {
  return std::vector<std::string>(std::begin(names), std::end(names));
}

std::vector<std::string> names_of(const char* const* names, int count) {
  return std::vector<std::string>(names, names + count);
}

int index_of(const std::vector<std::string>& names, const std::string& name) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

class Flattener {
 public:
  explicit Flattener(FirmwareParams& out) : out_(out) {}
  void add(std::string key, std::int64_t value) {
    out_.keys.push_back(std::move(key));
    out_.values.push_back(static_cast<std::int32_t>(value));
  }

 private:
  FirmwareParams& out_;
};

// {"value": integer or null, "source": "..."}. Returns the value; `absent`
// tells a null apart from a problem.
std::optional<std::int64_t> sourced_int(const JsonDocument& doc, ObjectReader& parent,
                                        const char* key, std::int64_t min, std::int64_t max,
                                        bool null_allowed, bool& absent, Diagnostics& diags) {
  absent = false;
  const nlohmann::json* node = parent.child(key, true);
  if (!node) return std::nullopt;
  ObjectReader r(doc, *node, parent.pointer_of(key), diags);
  std::optional<std::int64_t> v;
  if (null_allowed && r.has("value") && (*node)["value"].is_null()) {
    r.child("value", true);
    absent = true;
  } else {
    v = r.integer("value", true, min, max);
  }
  require_source(r);
  r.finish();
  return v;
}

// A value range per quantity, in its unit.
std::pair<std::int64_t, std::int64_t> quantity_range(fw::Quantity q) {
  switch (q) {
    case fw::Quantity::kCellMax_mV:
    case fw::Quantity::kCellMin_mV:
    case fw::Quantity::kCellDiff_mV: return {0, 5000};
    case fw::Quantity::kPackMax_mV:
    case fw::Quantity::kPackMin_mV: return {0, 1000000};
    case fw::Quantity::kChargeCurrent_mA:
    case fw::Quantity::kDischargeCurrent_mA: return {0, 2000000};
    case fw::Quantity::kCellTempMax_dC:
    case fw::Quantity::kCellTempMin_dC:
    case fw::Quantity::kBoardTempMax_dC: return {-600, 2000};
  }
  return {0, 0};
}

void read_protection_row(const JsonDocument& doc, const nlohmann::json& node, const std::string& pointer,
                         int index, std::set<std::string>& ids, Flattener& flat, FirmwareParams& out,
                         Diagnostics& diags) {
  ObjectReader r(doc, node, pointer, diags);
  const std::string prefix = "prot." + std::to_string(index) + ".";
  const auto id = r.string("id", true);
  if (id) {
    if (!is_safe_name(*id)) {
      r.error("id", "expected an id of lower-case letters, digits, '-', '_' or '.'");
    } else if (!ids.insert(*id).second) {
      r.error("id", "expected a unique id; \"" + *id + "\" names an earlier row too");
    }
  }
  out.protection_ids.push_back(id.value_or(""));
  const auto quantity = r.choice("quantity", true, names_of(fw::kQuantityNames));
  const auto trip = r.choice("trip", true, names_of(fw::kTripNames));
  const auto applies = r.choice("applies", true, names_of(fw::kAppliesNames));
  const auto reaction = r.choice("reaction", true, names_of(fw::kReactionNames));
  const int q = quantity ? index_of(names_of(fw::kQuantityNames), *quantity) : 0;
  const auto [lo, hi] = quantity_range(static_cast<fw::Quantity>(q));
  std::array<std::optional<std::int64_t>, fw::kTierCount> tier;
  int nulls = 0;
  for (int t = 0; t < fw::kTierCount; ++t) {
    bool absent = false;
    tier[static_cast<std::size_t>(t)] = sourced_int(doc, r, fw::kTierNames[t], lo, hi, true, absent, diags);
    if (absent) ++nulls;
  }
  bool absent = false;
  const auto hysteresis = sourced_int(doc, r, "hysteresis", 0, hi - lo, false, absent, diags);
  const auto debounce = sourced_int(doc, r, "debounce_ms", 0, 3600000, false, absent, diags);
  const auto delay = sourced_int(doc, r, "delay_ms", 0, 3600000, false, absent, diags);
  r.finish();

  // Warning must be out of limit before alarm, alarm before protection.
  const bool above = !trip || *trip == "above";
  int previous = -1;
  for (int t = 0; t < fw::kTierCount; ++t) {
    const auto& v = tier[static_cast<std::size_t>(t)];
    if (!v) continue;
    if (previous >= 0) {
      const std::int64_t p = *tier[static_cast<std::size_t>(previous)];
      if (above ? *v <= p : *v >= p) {
        r.error(fw::kTierNames[t], std::string("expected ") + (above ? "above" : "below") + " the " +
                                       fw::kTierNames[previous] + " threshold " + std::to_string(p) +
                                       " (trip \"" + (above ? "above" : "below") +
                                       "\": warning, then alarm, then protection), got " + std::to_string(*v));
      }
    }
    previous = t;
  }
  if (nulls == fw::kTierCount) r.error("", "expected at least one tier with a value, got three nulls");

  if (quantity) flat.add(prefix + "quantity", q);
  if (trip) flat.add(prefix + "trip", index_of(names_of(fw::kTripNames), *trip));
  if (applies) flat.add(prefix + "applies", index_of(names_of(fw::kAppliesNames), *applies));
  if (reaction) flat.add(prefix + "reaction", index_of(names_of(fw::kReactionNames), *reaction));
  for (int t = 0; t < fw::kTierCount; ++t) {
    const auto& v = tier[static_cast<std::size_t>(t)];
    if (v) flat.add(prefix + fw::kTierNames[t], *v);
  }
  if (hysteresis) flat.add(prefix + "hysteresis", *hysteresis);
  if (debounce) flat.add(prefix + "debounce_ms", *debounce);
  if (delay) flat.add(prefix + "delay_ms", *delay);
}

void read_protection(const JsonDocument& doc, ObjectReader& top, Flattener& flat, FirmwareParams& out,
                     Diagnostics& diags) {
  const nlohmann::json* node = top.child("protection", true);
  if (!node) return;
  const std::string pointer = top.pointer_of("protection");
  if (!node->is_array() || node->empty()) {
    doc.error(diags, pointer, "expected a non-empty array of protection rows");
    return;
  }
  if (node->size() > static_cast<std::size_t>(fw::kMaxProtectionRows)) {
    doc.error(diags, pointer, "expected at most " + std::to_string(fw::kMaxProtectionRows) +
                                  " rows (one bit each in the 32-bit alarm words), got " +
                                  std::to_string(node->size()));
    return;
  }
  std::set<std::string> ids;
  flat.add("prot.count", static_cast<std::int64_t>(node->size()));
  for (std::size_t i = 0; i < node->size(); ++i) {
    read_protection_row(doc, (*node)[i], json_pointer_append(pointer, i), static_cast<int>(i), ids,
                        flat, out, diags);
  }
}

// An array of integers in [min, max]; problems are reported per element.
std::optional<std::vector<std::int64_t>> int_array(const JsonDocument& doc, ObjectReader& r,
                                                   const char* key, std::int64_t min, std::int64_t max,
                                                   Diagnostics& diags) {
  const nlohmann::json* node = r.child(key, true);
  if (!node) return std::nullopt;
  const std::string pointer = r.pointer_of(key);
  if (!node->is_array()) {
    doc.error(diags, pointer, "expected an array of integers");
    return std::nullopt;
  }
  std::vector<std::int64_t> out;
  bool ok = true;
  for (std::size_t i = 0; i < node->size(); ++i) {
    const nlohmann::json& v = (*node)[i];
    if (!v.is_number_integer() || v.get<std::int64_t>() < min || v.get<std::int64_t>() > max) {
      doc.error(diags, json_pointer_append(pointer, i),
                "expected an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "], got " + v.dump());
      ok = false;
      continue;
    }
    out.push_back(v.get<std::int64_t>());
  }
  if (!ok) return std::nullopt;
  return out;
}

void read_table(const JsonDocument& doc, ObjectReader& parent, const fw::TableSpec& spec, Flattener& flat,
                Diagnostics& diags) {
  const nlohmann::json* node = parent.child(spec.key, true);
  if (!node) return;
  ObjectReader r(doc, *node, parent.pointer_of(spec.key), diags);
  const auto x = int_array(doc, r, spec.x_column, spec.x_min, spec.x_max, diags);
  std::optional<std::vector<std::int64_t>> y;
  if (spec.y_column) y = int_array(doc, r, spec.y_column, spec.y_min, spec.y_max, diags);
  require_source(r);
  r.finish();
  if (!x || (spec.y_column && !y)) return;
  const auto n = static_cast<int>(x->size());
  if (n < spec.min_rows || n > spec.max_rows) {
    r.error(spec.x_column, "expected " + std::to_string(spec.min_rows) + " to " + std::to_string(spec.max_rows) +
                               " entries, got " + std::to_string(n));
    return;
  }
  if (y && y->size() != x->size()) {
    r.error(spec.y_column, "expected " + std::to_string(n) + " values, one per entry of '" + spec.x_column +
                               "', got " + std::to_string(y->size()));
    return;
  }
  for (int i = 1; i < n; ++i) {
    if ((*x)[static_cast<std::size_t>(i)] <= (*x)[static_cast<std::size_t>(i - 1)]) {
      r.error(spec.x_column, "expected strictly increasing values; entry " + std::to_string(i) + " breaks it");
      return;
    }
  }
  const std::string key = spec.key;
  flat.add(key + ".count", n);
  for (int i = 0; i < n; ++i) {
    const std::string row = key + "." + std::to_string(i) + ".";
    flat.add(row + spec.x_column, (*x)[static_cast<std::size_t>(i)]);
    if (y) flat.add(row + spec.y_column, (*y)[static_cast<std::size_t>(i)]);
  }
}

void read_scalar(const JsonDocument& doc, ObjectReader& parent, const fw::ScalarSpec& spec, Flattener& flat,
                 Diagnostics& diags) {
  const nlohmann::json* node = parent.child(spec.key, true);
  if (!node) return;
  ObjectReader r(doc, *node, parent.pointer_of(spec.key), diags);
  std::optional<std::int64_t> value;
  if (spec.names) {
    const auto names = names_of(spec.names, spec.name_count);
    if (const auto name = r.choice("value", true, names)) value = index_of(names, *name);
  } else {
    value = r.integer("value", true, spec.min, spec.max);
  }
  require_source(r);
  r.finish();
  if (value) flat.add(spec.key, *value);
}

// Parameters that contradict each other, reported at the later key.
void cross_check(const JsonDocument& doc, const std::string& pointer, const FirmwareParams& p,
                 Diagnostics& diags) {
  const auto get = [&](const char* key) { return find_param(p, key); };
  const auto complain = [&](const char* key, const std::string& message) {
    doc.error(diags, json_pointer_append(pointer, key), message);
  };
  const auto less_equal = [&](const char* a, const char* b, const char* what) {
    const auto va = get(a), vb = get(b);
    if (va && vb && *va > *vb) complain(b, std::string("expected at least '") + a + "' (" + what + ")");
  };
  less_equal("current.charge_nominal_mA", "current.charge_max_mA", "the nominal current within the maximum");
  less_equal("current.discharge_nominal_mA", "current.discharge_max_mA", "the nominal current within the maximum");
  less_equal("soc.force_charge_permille", "soc.force_charge_clear_permille", "the request clears above where it is set");
  less_equal("soh.learn_accept_min_permille", "soh.learn_accept_max_permille", "a non-empty acceptance range");
  less_equal("pack.discharge_mV", "pack.charge_mV", "cut-off below the charge voltage");
  const auto leds = get("led.count"), soc_leds = get("led.soc.count");
  if (leds && soc_leds) {
    if (*soc_leds >= *leds) complain("led.soc.count", "expected fewer SOC LEDs than 'led.count'");
    for (const char* key : {"led.run.index", "led.alm.index"}) {
      const auto v = get(key);
      if (v && (*v < *soc_leds || *v >= *leds)) {
        complain(key, "expected an index after the SOC LEDs and below 'led.count'");
      }
    }
    for (const char* table : {"led.soc_discharge", "led.soc_charge"}) {
      const auto rows = get((std::string(table) + ".count").c_str());
      if (rows && *rows != *soc_leds - 1) {
        complain(table, "expected " + std::to_string(*soc_leds - 1) +
                            " bounds, one per SOC LED after LED1 ('led.soc.count' - 1)");
      }
    }
  }
  const auto ocv_count = get("ocv.count");
  if (ocv_count) {
    const auto first = get("ocv.0.permille");
    const auto last = get(("ocv." + std::to_string(*ocv_count - 1) + ".permille").c_str());
    if (first && last && (*first != 0 || *last != 1000)) complain("ocv", "expected the table to span 0 to 1000 permille");
    for (std::int32_t i = 1; i < *ocv_count; ++i) {
      const auto a = get(("ocv." + std::to_string(i - 1) + ".mV").c_str());
      const auto b = get(("ocv." + std::to_string(i) + ".mV").c_str());
      if (a && b && *b <= *a) {
        complain("ocv", "expected mV strictly increasing with SOC; entry " + std::to_string(i) + " breaks it");
        break;
      }
    }
  }
}

}  // namespace

std::optional<int32_t> find_param(const FirmwareParams& params, const std::string& key) {
  for (std::size_t i = 0; i < params.keys.size(); ++i) {
    if (params.keys[i] == key) return params.values[i];
  }
  return std::nullopt;
}

std::vector<ssim_param> to_ssim_params(const FirmwareParams& params) {
  std::vector<ssim_param> out;
  out.reserve(params.keys.size());
  for (std::size_t i = 0; i < params.keys.size(); ++i) out.push_back({params.keys[i].c_str(), params.values[i]});
  return out;
}

std::optional<FirmwareParams> load_firmware_params_file(const std::filesystem::path& path, Diagnostics& diags) {
  const std::size_t before = diags.size();
  auto doc = load_json_file(path, path.string(), diags);
  if (!doc) return std::nullopt;
  ObjectReader r(*doc, doc->root, "", diags);
  check_format(r, "stacksim-firmware");
  const auto product = r.string("product", true);
  if (product && *product != path.stem().string()) {
    r.error("product", "expected the file's own name \"" + path.stem().string() + "\"");
  }
  FirmwareParams out;
  Flattener flat(out);
  read_protection(*doc, r, flat, out, diags);
  if (const nlohmann::json* node = r.child("parameters", true)) {
    ObjectReader pr(*doc, *node, r.pointer_of("parameters"), diags);
    for (const fw::ScalarSpec& spec : fw::kScalarParams) read_scalar(*doc, pr, spec, flat, diags);
    for (const fw::TableSpec& spec : fw::kTableParams) read_table(*doc, pr, spec, flat, diags);
    pr.finish();
    cross_check(*doc, r.pointer_of("parameters"), out, diags);
  }
  r.finish();
  if (diags.size() != before) return std::nullopt;
  return out;
}

std::optional<FirmwareParams> load_firmware_params(const std::filesystem::path& data_dir,
                                                   const std::string& product, Diagnostics& diags) {
  if (!is_safe_name(product)) {
    diags.add(product, "", {}, "expected a product name of lower-case letters, digits, '-', '_' or '.'");
    return std::nullopt;
  }
  return load_firmware_params_file(data_dir / "models" / "firmware" / (product + ".json"), diags);
}

}  // namespace stacksim::sim
