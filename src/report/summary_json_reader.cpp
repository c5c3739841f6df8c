#include "report/summary_json_reader.hpp"

#include <limits>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/diagnostics.hpp"
#include "util/json_document.hpp"
#include "util/object_reader.hpp"

namespace stacksim::report {
namespace {

using nlohmann::json;

constexpr double kAny = std::numeric_limits<double>::max();

// "until_s": null means "never" (a fault that stays, a fault never detected).
std::optional<double> number_or_null(ObjectReader& r, const char* key) {
  const json* v = r.child(key, false);
  if (v == nullptr || v->is_null()) return std::nullopt;
  return r.number(key, false, -kAny, kAny);
}

std::string string_or_null(ObjectReader& r, const char* key) {
  const json* v = r.child(key, false);
  if (v == nullptr || v->is_null()) return "";
  return r.string(key, false).value_or("");
}

// The simulator writes the catalogue's "fault" and "mode" (docs/faults.md);
// a plain "kind" is taken as it is.
std::string fault_kind(ObjectReader& f) {
  if (f.has("kind")) return f.string("kind", false).value_or("");
  const std::string fault = f.string("fault", false).value_or("");
  const std::string mode = f.string("mode", false).value_or("");
  return fault.empty() || mode.empty() ? fault + mode : fault + " " + mode;
}

// An optional member object: a reader over it, or over an empty object when
// it is absent (every getter then returns nullopt without a message).
const json& member(ObjectReader& r, const json& node, const char* key) {
  static const json kEmpty = json::object();
  return r.child(key, false) != nullptr ? node.at(key) : kEmpty;
}

void read_scenario_and_system(const JsonDocument& doc, ObjectReader& top, RunSummary& s,
                              Diagnostics& diags) {
  ObjectReader scenario(doc, member(top, doc.root, "scenario"), top.pointer_of("scenario"), diags);
  s.scenario_name = scenario.string("name", false).value_or("");
  s.scenario_file = scenario.string("file", false).value_or("");
  s.scenario_sha256 = scenario.string("sha256", false).value_or("");

  ObjectReader system(doc, member(top, doc.root, "system"), top.pointer_of("system"), diags);
  s.system_name = system.string("name", false).value_or("");
  s.product = system.string("product", false).value_or("");
  s.cell = system.string("cell", false).value_or("");
  constexpr std::int64_t kMaxUnits = 1'000'000;
  s.units = system.integer("units", false, 0, kMaxUnits);
  s.modules_per_unit = system.integer("modules_per_unit", false, 0, kMaxUnits);
}

void read_bms_and_inverter(const JsonDocument& doc, ObjectReader& top, RunSummary& s,
                           Diagnostics& diags) {
  ObjectReader bms(doc, member(top, doc.root, "bms"), top.pointer_of("bms"), diags);
  if (const json* rows = bms.child("protection_rows", false)) {
    if (!rows->is_array()) bms.error("protection_rows", "expected an array of row names");
    for (std::size_t i = 0; rows->is_array() && i < rows->size(); ++i) {
      const json& row = (*rows)[i];
      if (row.is_string()) {
        s.protection_rows.push_back(row.get<std::string>());
      } else {
        doc.error(diags, json_pointer_append(bms.pointer_of("protection_rows"), i),
                  "expected a row name (a string)");
      }
    }
  }
  ObjectReader inverter(doc, member(top, doc.root, "inverter"), top.pointer_of("inverter"), diags);
  s.inverter_protocol = inverter.string("protocol", false).value_or("");
}

// Calls `read` with a reader over each element of the array at `key`.
template <typename Read>
void for_each_object(const JsonDocument& doc, ObjectReader& top, const char* key,
                     Diagnostics& diags, Read read) {
  const json* items = top.child(key, false);
  if (items == nullptr) return;
  if (!items->is_array()) {
    top.error(key, "expected an array of objects");
    return;
  }
  for (std::size_t i = 0; i < items->size(); ++i) {
    ObjectReader item(doc, (*items)[i], json_pointer_append(top.pointer_of(key), i), diags);
    if (item.is_object()) read(item);
  }
}

void read_faults_and_expectations(const JsonDocument& doc, ObjectReader& top, RunSummary& s,
                                  Diagnostics& diags) {
  for_each_object(doc, top, "faults", diags, [&](ObjectReader& f) {
    FaultEvent e;
    e.name = f.string("name", true).value_or("");
    e.kind = fault_kind(f);
    e.target = f.string("target", false).value_or("");
    e.at_s = f.number("at_s", true, -kAny, kAny).value_or(0.0);
    e.until_s = number_or_null(f, "until_s");
    e.detected_s = number_or_null(f, "detected_s");
    e.reacted_s = number_or_null(f, "reacted_s");
    e.detected_by = string_or_null(f, "detected_by");
    s.faults.push_back(std::move(e));
  });
  for_each_object(doc, top, "expectations", diags, [&](ObjectReader& x) {
    Expectation e;
    e.name = x.string("name", true).value_or("");
    e.rule = x.string("rule", false).value_or("");
    e.met = x.choice("result", true, {"met", "missed"}).value_or("") == "met";
    e.at_s = number_or_null(x, "at_s");
    e.detail = x.string("detail", false).value_or("");
    s.expectations.push_back(std::move(e));
  });
  s.verdict = top.choice("verdict", false, {"passed", "failed"});
}

}  // namespace

std::optional<RunSummary> read_summary_json(const std::filesystem::path& path,
                                            const std::string& file_label, std::string& error) {
  Diagnostics diags;
  const auto doc = load_json_file(path, file_label, diags);
  RunSummary s;
  if (doc) {
    ObjectReader top(*doc, doc->root, "", diags);
    s.stacksim_version = top.string("stacksim_version", false).value_or("");
    s.result = top.string("result", false).value_or("");
    s.simulated = top.string("simulated", false).value_or("");
    s.simulated_s = top.number("simulated_s", false, 0.0, kAny);
    if (const json* seed = top.child("seed", false)) {
      if (seed->is_number_integer() || seed->is_number_unsigned()) {
        s.seed = seed->dump();
      } else {
        top.error("seed", "expected an integer");
      }
    }
    read_scenario_and_system(*doc, top, s, diags);
    read_bms_and_inverter(*doc, top, s, diags);
    read_faults_and_expectations(*doc, top, s, diags);
  }
  if (!diags.empty()) {
    error = diags.format();
    if (!error.empty() && error.back() == '\n') error.pop_back();
    return std::nullopt;
  }
  return s;
}

}  // namespace stacksim::report
