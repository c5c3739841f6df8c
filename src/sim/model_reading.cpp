#include "sim/model_reading.hpp"

#include "sim/model_files.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include "util/json_document.hpp"
#include "util/object_reader.hpp"

namespace stacksim::sim {

// {"value": x, "source": "..."}: every number in a model file says where it
// comes from.
std::optional<double> sourced(const JsonDocument& doc, ObjectReader& parent, const char* key,
                              double min, double max, Diagnostics& diags) {
  const nlohmann::json* node = parent.child(key, true);
  if (!node) return std::nullopt;
  ObjectReader r(doc, *node, parent.pointer_of(key), diags);
  auto value = r.number("value", true, min, max);
  require_source(r);
  r.finish();
  return value;
}

void require_source(ObjectReader& r) {
  const auto source = r.string("source", true);
  if (source && source->empty()) r.error("source", "expected a non-empty source");
}

void check_format(ObjectReader& r, const char* format) {
  r.choice("format", true, {format});
  r.integer("version", true, 1, 1);
}

namespace {

// x strictly increasing within [lo, hi], same length as y.
bool check_breakpoints(ObjectReader& r, const char* x_key, const std::vector<double>& x,
                       const char* y_key, const std::vector<double>& y, double lo, double hi) {
  bool ok = true;
  if (x.size() < 2) {
    r.error(x_key, "expected at least 2 breakpoints");
    return false;
  }
  if (x.size() != y.size()) {
    r.error(y_key, "expected " + std::to_string(x.size()) + " values, one per entry of '" +
                       x_key + "', got " + std::to_string(y.size()));
    ok = false;
  }
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (x[i] < lo || x[i] > hi || (i > 0 && x[i] <= x[i - 1])) {
      r.error(x_key, "expected strictly increasing values within [" + std::to_string(lo) + ", " +
                         std::to_string(hi) + "]; entry " + std::to_string(i) + " breaks it");
      return false;
    }
  }
  return ok;
}

}  // namespace

std::optional<physics::Breakpoints> breakpoints(const JsonDocument& doc, ObjectReader& parent,
                                                const char* key, const char* y_key, double y_min,
                                                double y_max, double scale, Diagnostics& diags,
                                                bool needs_full_range) {
  const nlohmann::json* node = parent.child(key, true);
  if (!node) return std::nullopt;
  ObjectReader r(doc, *node, parent.pointer_of(key), diags);
  auto x = r.numbers("soc", true, 0);
  auto y = r.numbers(y_key, true, 0);
  require_source(r);
  r.finish();
  if (!x || !y || !check_breakpoints(r, "soc", *x, y_key, *y, 0.0, 1.0)) return std::nullopt;
  if (needs_full_range && (x->front() != 0.0 || x->back() != 1.0)) {
    r.error("soc", "expected the table to span SOC 0 to 1");
    return std::nullopt;
  }
  for (double& v : *y) {
    if (!(v >= y_min && v <= y_max)) {
      r.error(y_key, "expected values within [" + std::to_string(y_min) + ", " +
                         std::to_string(y_max) + "]");
      return std::nullopt;
    }
    v *= scale;
  }
  return physics::Breakpoints{*x, *y};
}

bool is_safe_name(const std::string& name) {
  if (name.empty() || name.size() > 100 || name.front() == '.') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace stacksim::sim
