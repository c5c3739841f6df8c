// Reads one JSON object of a document key by key, collecting every problem
// and, at finish(), every key that was never asked for (unknown keys are
// errors, never skipped).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/diagnostics.hpp"
#include "util/json_document.hpp"
#include "util/quantity.hpp"

namespace stacksim {

class ObjectReader {
 public:
  // If `node` is not an object, one diagnostic "expected an object" is added
  // and every getter returns nullopt without further messages.
  ObjectReader(const JsonDocument& doc, const nlohmann::json& node,
               std::string pointer, Diagnostics& diags);

  bool is_object() const { return object_; }
  const std::string& pointer() const { return pointer_; }
  std::string pointer_of(std::string_view key) const;
  bool has(std::string_view key) const;

  // Required keys that are missing give "missing key 'k': expected ...".
  // Values of the wrong type or out of range give a message naming the
  // expectation and what was found. All of them mark the key as known.
  std::optional<std::string> string(std::string_view key, bool required);
  std::optional<bool> boolean(std::string_view key, bool required);
  std::optional<double> number(std::string_view key, bool required,
                               double min, double max);
  std::optional<std::int64_t> integer(std::string_view key, bool required,
                                      std::int64_t min, std::int64_t max);
  // A string with a unit (quantity.hpp). Range in base units, inclusive.
  std::optional<ParsedQuantity> quantity(std::string_view key, Dimension d,
                                         bool required, double min, double max);
  std::optional<std::int64_t> duration_ns(std::string_view key, bool required);
  // One of a fixed set of strings.
  std::optional<std::string> choice(std::string_view key, bool required,
                                    const std::vector<std::string>& allowed);
  // Marks the key as known and returns the raw child, or nullptr (with a
  // diagnostic if required).
  const nlohmann::json* child(std::string_view key, bool required);

  // A numeric array of exactly `count` elements (count 0 = any non-empty).
  std::optional<std::vector<double>> numbers(std::string_view key, bool required,
                                             std::size_t count);

  // Adds a problem about `key` (or about the object itself if key is empty).
  void error(std::string_view key, std::string message);

  // Reports each key never asked for: "unknown key 'k' (expected one of: a, b)".
  void finish();

 private:
  const nlohmann::json* find(std::string_view key, bool required,
                             std::string_view expected);

  const JsonDocument& doc_;
  const nlohmann::json& node_;
  std::string pointer_;
  Diagnostics& diags_;
  bool object_ = false;
  std::set<std::string, std::less<>> asked_;
};

}  // namespace stacksim
