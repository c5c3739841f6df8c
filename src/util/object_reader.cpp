#include "util/object_reader.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

namespace stacksim {

namespace {

using nlohmann::json;

std::string json_quoted(std::string_view text) {
  // Replacing invalid UTF-8 keeps dump() from throwing on odd user input.
  return json(std::string(text)).dump(-1, ' ', false, json::error_handler_t::replace);
}

// "number 3", "string \"x\"": what was found, for "expected X, got Y".
std::string describe(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return v.get<bool>() ? "boolean true" : "boolean false";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "number " + v.dump();
    case json::value_t::number_float:
      // dump() would print NaN and infinities as null.
      return std::isfinite(v.get<double>()) ? "number " + v.dump()
                                            : "a non-finite number";
    case json::value_t::string: return "string " + json_quoted(v.get_ref<const std::string&>());
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    case json::value_t::binary:
    case json::value_t::discarded: break;
  }
  return "an unexpected value";
}

// 12 significant digits hide binary noise like 7.000000000000001 (0.07 * 100).
std::string format_number(double v) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, v,
                                    std::chars_format::general, 12);
  return std::string(buffer, result.ptr);
}

// " between 0V and 1000V", " of at least 0V", or "" when unbounded; `show`
// writes one bound.
template <typename Show>
std::string range_text(double min, double max, Show show) {
  constexpr double kHuge = std::numeric_limits<double>::max();
  const bool has_min = std::isfinite(min) && min > -kHuge;
  const bool has_max = std::isfinite(max) && max < kHuge;
  if (has_min && has_max) return " between " + show(min) + " and " + show(max);
  if (has_min) return " of at least " + show(min);
  if (has_max) return " of at most " + show(max);
  return "";
}

// The unit ranges are stated in: the dimension's base unit as users write it.
std::pair<std::string_view, double> base_unit(Dimension d) {
  switch (d) {
    case Dimension::kTime: return {"s", 1.0};
    case Dimension::kCurrent: return {"A", 1.0};
    case Dimension::kVoltage: return {"V", 1.0};
    case Dimension::kPower: return {"W", 1.0};
    case Dimension::kEnergy: return {"Wh", 1.0};
    case Dimension::kTemperature: return {"C", 1.0};
    case Dimension::kRatio: return {"%", 100.0};
    case Dimension::kResistance: return {"Ohm", 1.0};
    case Dimension::kCharge: return {"Ah", 1.0};
  }
  return {"", 1.0};
}

// A bound as users write the quantity: durations in the duration syntax
// ("1ns", "10s", "1d"; "1e-09s" would not parse), the others in the base unit.
std::string show_quantity(double v, Dimension d) {
  if (d == Dimension::kTime) return format_duration_ns(std::llround(v * 1e9));
  const auto [unit, scale] = base_unit(d);
  return format_number(v * scale) + std::string(unit);
}

std::string join(const auto& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

std::string quantity_expectation(Dimension d) {
  return std::string(dimension_name(d)) + " like " + std::string(dimension_example(d));
}

}  // namespace

ObjectReader::ObjectReader(const JsonDocument& doc, const nlohmann::json& node,
                           std::string pointer, Diagnostics& diags)
    : doc_(doc), node_(node), pointer_(std::move(pointer)), diags_(diags),
      object_(node.is_object()) {
  if (!object_) doc_.error(diags_, pointer_, "expected an object, got " + describe(node_));
}

std::string ObjectReader::pointer_of(std::string_view key) const {
  return json_pointer_append(pointer_, key);
}

bool ObjectReader::has(std::string_view key) const {
  return object_ && node_.contains(std::string(key));
}

const nlohmann::json* ObjectReader::find(std::string_view key, bool required,
                                         std::string_view expected) {
  if (!object_) return nullptr;
  asked_.emplace(key);
  const auto it = node_.find(std::string(key));
  if (it != node_.end()) return &*it;
  if (required) {
    // Reported at the object: the key itself has no location to point at.
    doc_.error(diags_, pointer_,
               "missing key '" + std::string(key) + "': expected " + std::string(expected));
  }
  return nullptr;
}

void ObjectReader::error(std::string_view key, std::string message) {
  doc_.error(diags_, key.empty() ? pointer_ : pointer_of(key), std::move(message));
}

std::optional<std::string> ObjectReader::string(std::string_view key, bool required) {
  const json* v = find(key, required, "a string");
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    error(key, "expected a string, got " + describe(*v));
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<bool> ObjectReader::boolean(std::string_view key, bool required) {
  const json* v = find(key, required, "true or false");
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) {
    error(key, "expected true or false, got " + describe(*v));
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<double> ObjectReader::number(std::string_view key, bool required,
                                           double min, double max) {
  const std::string expected = "a number" + range_text(min, max, format_number);
  const json* v = find(key, required, expected);
  if (v == nullptr) return std::nullopt;
  // is_number() is false for booleans, which nlohmann keeps apart.
  if (!v->is_number() || !std::isfinite(v->get<double>()) ||
      v->get<double>() < min || v->get<double>() > max) {
    error(key, "expected " + expected + ", got " + describe(*v));
    return std::nullopt;
  }
  return v->get<double>();
}

std::optional<std::int64_t> ObjectReader::integer(std::string_view key, bool required,
                                                  std::int64_t min, std::int64_t max) {
  const std::string expected =
      "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
  const json* v = find(key, required, expected);
  if (v == nullptr) return std::nullopt;
  std::optional<std::int64_t> value;
  if (v->is_number_unsigned()) {
    const auto u = v->get<std::uint64_t>();
    if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      value = static_cast<std::int64_t>(u);
    }
  } else if (v->is_number_integer()) {
    value = v->get<std::int64_t>();
  } else if (v->is_number_float()) {
    // "1e6" is a whole number; beyond 2^53 a double may no longer be the
    // integer the user wrote, so those are refused rather than rounded.
    const double d = v->get<double>();
    constexpr double kExact = 9007199254740992.0;  // 2^53
    if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) <= kExact) {
      value = static_cast<std::int64_t>(d);
    }
  }
  if (!value || *value < min || *value > max) {
    error(key, "expected " + expected + ", got " + describe(*v));
    return std::nullopt;
  }
  return value;
}

std::optional<ParsedQuantity> ObjectReader::quantity(std::string_view key, Dimension d,
                                                     bool required, double min,
                                                     double max) {
  const json* v = find(key, required, quantity_expectation(d));
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    error(key, "expected " + quantity_expectation(d) + ", got " + describe(*v));
    return std::nullopt;
  }
  const std::string& text = v->get_ref<const std::string&>();
  std::string message;
  std::optional<ParsedQuantity> q = parse_quantity(text, d, &message);
  if (!q) {
    error(key, std::move(message));
    return std::nullopt;
  }
  // A C-rate is relative to a capacity only the caller knows, so its range is
  // the caller's to check.
  if (!q->c_rate && (q->value < min || q->value > max)) {
    const auto show = [d](double bound) { return show_quantity(bound, d); };
    error(key, "expected " + std::string(dimension_name(d)) + range_text(min, max, show) + ", got " +
                   json_quoted(text));
    return std::nullopt;
  }
  return q;
}

std::optional<std::int64_t> ObjectReader::duration_ns(std::string_view key,
                                                      bool required) {
  const std::string expected = quantity_expectation(Dimension::kTime);
  const json* v = find(key, required, expected);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    error(key, "expected " + expected + ", got " + describe(*v));
    return std::nullopt;
  }
  std::string message;
  const auto ns = parse_duration_ns(v->get_ref<const std::string&>(), &message);
  if (!ns) error(key, std::move(message));
  return ns;
}

std::optional<std::string> ObjectReader::choice(std::string_view key, bool required,
                                                const std::vector<std::string>& allowed) {
  const std::string expected = "one of: " + join(allowed);
  const json* v = find(key, required, expected);
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) {
    const std::string& s = v->get_ref<const std::string&>();
    for (const std::string& a : allowed) {
      if (a == s) return s;
    }
  }
  error(key, "expected " + expected + "; got " +
                 (v->is_string() ? json_quoted(v->get_ref<const std::string&>()) : describe(*v)));
  return std::nullopt;
}

const nlohmann::json* ObjectReader::child(std::string_view key, bool required) {
  return find(key, required, "a value");
}

std::optional<std::vector<double>> ObjectReader::numbers(std::string_view key,
                                                         bool required,
                                                         std::size_t count) {
  const std::string expected = count > 0
                                   ? "an array of " + std::to_string(count) + " numbers"
                                   : std::string("a non-empty array of numbers");
  const json* v = find(key, required, expected);
  if (v == nullptr) return std::nullopt;
  if (!v->is_array() || v->empty() || (count > 0 && v->size() != count)) {
    const std::string found = v->is_array() ? "an array of " + std::to_string(v->size())
                                            : describe(*v);
    error(key, "expected " + expected + ", got " + found);
    return std::nullopt;
  }
  std::vector<double> out;
  out.reserve(v->size());
  bool ok = true;
  // Every bad element is reported, each at its own location.
  for (std::size_t i = 0; i < v->size(); ++i) {
    const json& e = (*v)[i];
    if (!e.is_number() || !std::isfinite(e.get<double>())) {
      doc_.error(diags_, json_pointer_append(pointer_of(key), i),
                 "expected a finite number, got " + describe(e));
      ok = false;
      continue;
    }
    out.push_back(e.get<double>());
  }
  if (!ok) return std::nullopt;
  return out;
}

void ObjectReader::finish() {
  if (!object_) return;
  for (const auto& [key, value] : node_.items()) {
    if (asked_.find(key) != asked_.end()) continue;
    const std::string known =
        asked_.empty() ? "no keys are expected here" : "expected one of: " + join(asked_);
    doc_.error(diags_, pointer_of(key), "unknown key '" + key + "' (" + known + ")");
  }
}

}  // namespace stacksim
