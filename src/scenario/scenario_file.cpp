// Reading a scenario file: every key is known, every quantity has its unit,
// every problem is reported with file, line, column and JSON pointer.
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"
#include "util/json_document.hpp"
#include "util/object_reader.hpp"
#include "util/quantity.hpp"
#include "util/sha256.hpp"

namespace stacksim::scenario {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::size_t kMaxProfileSteps = 1'000'000;  // after expanding repeats
constexpr int kMaxRepeatDepth = 8;

struct Reader {
  const JsonDocument& doc;
  Diagnostics& diags;
  std::int64_t step_ns = 0;  // the scenario's step; 0 if it is not valid
};

// A step's own duration: longer than zero and on the step grid, so that it
// ends exactly when written (a step can only end at the end of a physics step).
std::optional<std::int64_t> read_step_duration(const Reader& rd, ObjectReader& r, const char* key,
                                               bool required) {
  const auto ns = r.duration_ns(key, required);
  if (!ns) return ns;
  if (*ns <= 0) {
    r.error(key, "expected a duration longer than 0s");
    return std::nullopt;
  }
  if (rd.step_ns > 0 && *ns % rd.step_ns != 0) {
    r.error(key, "expected a whole multiple of the step (" + format_duration_ns(rd.step_ns) + ")");
    return std::nullopt;
  }
  return ns;
}

std::optional<Current> read_current(ObjectReader& r, const char* key, bool required) {
  // C-rates are bounded here; amperes are bounded by the quantity range.
  auto q = r.quantity(key, Dimension::kCurrent, required, -1e6, 1e6);
  if (!q) return std::nullopt;
  if (q->c_rate && (q->value < -100.0 || q->value > 100.0)) {
    r.error(key, "expected a C-rate between -100C and 100C");
    return std::nullopt;
  }
  return Current{q->value, q->c_rate};
}

void read_until(const Reader& rd, ObjectReader& step, ProfileStep& out) {
  const nlohmann::json* node = step.child("until", false);
  if (!node) return;
  ObjectReader r(rd.doc, *node, step.pointer_of("until"), rd.diags);
  using K = StopCondition::Kind;
  struct Spec {
    const char* key;
    K kind;
    Dimension dim;
  };
  static const Spec specs[] = {
      {"voltage_above", K::kVoltageAbove, Dimension::kVoltage},
      {"voltage_below", K::kVoltageBelow, Dimension::kVoltage},
      {"cell_voltage_above", K::kCellVoltageAbove, Dimension::kVoltage},
      {"cell_voltage_below", K::kCellVoltageBelow, Dimension::kVoltage},
      {"current_below", K::kCurrentBelow, Dimension::kCurrent},
      {"soc_above", K::kSocAbove, Dimension::kRatio},
      {"soc_below", K::kSocBelow, Dimension::kRatio},
      {"temperature_above", K::kTemperatureAbove, Dimension::kTemperature},
  };
  for (const Spec& s : specs) {
    if (!r.has(s.key)) {
      r.quantity(s.key, s.dim, false, -kInf, kInf);  // marks it known for finish()
      continue;
    }
    double min = 0.0, max = 1e6;
    if (s.dim == Dimension::kRatio) max = 1.0;
    if (s.dim == Dimension::kTemperature) min = -273.15;
    auto q = r.quantity(s.key, s.dim, true, min, max);
    if (!q) continue;
    if (q->c_rate && q->value < 0.0) {
      r.error(s.key, "expected a positive C-rate");
      continue;
    }
    out.until.push_back({s.kind, q->value, q->c_rate, s.key});
  }
  // Only an empty object: written keys were either used or are reported, once
  // each, as wrong values or unknown keys.
  if (r.is_object() && node->empty()) {
    r.error("", "expected at least one condition (voltage_above, voltage_below, cell_voltage_above, "
                "cell_voltage_below, current_below, soc_above, soc_below, temperature_above)");
  }
  r.finish();
}

void read_steps(const Reader& rd, const nlohmann::json& list, const std::string& pointer,
                std::vector<ProfileStep>& out, int depth);

void read_step(const Reader& rd, const nlohmann::json& node, const std::string& pointer,
               std::vector<ProfileStep>& out, int depth) {
  ObjectReader r(rd.doc, node, pointer, rd.diags);
  if (!r.is_object()) return;
  const char* kinds[] = {"rest", "current", "power", "voltage", "repeat"};
  std::vector<std::string> present;
  for (const char* k : kinds) {
    if (r.has(k)) present.emplace_back(k);
  }
  if (present.size() != 1) {
    // One problem, one diagnostic: without a kind the other keys cannot be
    // judged, so they are not also reported as unknown.
    std::string got;
    for (const std::string& k : present) got += (got.empty() ? "'" : ", '") + k + "'";
    r.error("", present.empty()
                    ? "expected one of 'rest', 'current', 'power', 'voltage' or 'repeat'"
                    : "expected exactly one of 'rest', 'current', 'power', 'voltage' or 'repeat', "
                      "got " + got);
    return;
  }
  const std::string& kind = present.front();
  if (kind == "repeat") {
    const auto count = r.integer("repeat", true, 1, 1'000'000);
    const nlohmann::json* steps = r.child("steps", true);
    r.finish();
    if (!count || !steps) return;
    if (depth >= kMaxRepeatDepth) {
      r.error("steps", "expected repeats nested at most " + std::to_string(kMaxRepeatDepth) + " deep");
      return;
    }
    std::vector<ProfileStep> body;
    read_steps(rd, *steps, r.pointer_of("steps"), body, depth + 1);
    if (body.empty()) return;
    if (static_cast<double>(body.size()) * static_cast<double>(*count) +
            static_cast<double>(out.size()) > static_cast<double>(kMaxProfileSteps)) {
      r.error("repeat", "expected at most " + std::to_string(kMaxProfileSteps) +
                            " profile steps after expanding repeats");
      return;
    }
    for (std::int64_t i = 0; i < *count; ++i) out.insert(out.end(), body.begin(), body.end());
    return;
  }
  ProfileStep step;
  step.pointer = pointer;
  if (kind == "rest") {
    step.kind = ProfileStep::Kind::kRest;
    step.duration_ns = read_step_duration(rd, r, "rest", true);
  } else {
    if (kind == "current") {
      step.kind = ProfileStep::Kind::kCurrent;
      if (auto c = read_current(r, "current", true)) step.current = *c;
    } else if (kind == "power") {
      step.kind = ProfileStep::Kind::kPower;
      if (auto p = r.quantity("power", Dimension::kPower, true, -1e9, 1e9)) step.power_W = p->value;
    } else {
      step.kind = ProfileStep::Kind::kVoltage;
      if (auto v = r.quantity("voltage", Dimension::kVoltage, true, 0.0, 2000.0)) step.voltage_V = v->value;
      if (auto c = read_current(r, "current_limit", true)) {
        if (c->value <= 0.0) {
          r.error("current_limit", "expected a positive current limit");
        }
        step.current = *c;
      }
    }
    step.duration_ns = read_step_duration(rd, r, "for", false);
  }
  read_until(rd, r, step);
  // If either was written but is wrong, that is already reported.
  if (kind != "rest" && !r.has("for") && !r.has("until")) {
    r.error("", "expected 'for' (a duration), 'until' (stop conditions) or both");
  }
  r.finish();
  out.push_back(std::move(step));
}

void read_steps(const Reader& rd, const nlohmann::json& list, const std::string& pointer,
                std::vector<ProfileStep>& out, int depth) {
  if (!list.is_array() || list.empty()) {
    rd.doc.error(rd.diags, pointer, "expected a non-empty array of profile steps");
    return;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    read_step(rd, list[i], json_pointer_append(pointer, i), out, depth);
  }
}

void read_initial(const Reader& rd, ObjectReader& top, Scenario& s) {
  const nlohmann::json* node = top.child("initial", false);
  if (!node) return;
  ObjectReader r(rd.doc, *node, top.pointer_of("initial"), rd.diags);
  if (auto q = r.quantity("soc", Dimension::kRatio, false, 0.0, 1.0)) s.initial_soc = q->value;
  if (auto q = r.quantity("temperature", Dimension::kTemperature, false, -40.0, 80.0)) {
    s.initial_temperature_C = q->value;
  }
  if (auto h = r.choice("hysteresis", false, {"mean", "after-charge", "after-discharge"})) {
    s.initial_hysteresis = *h == "after-charge" ? 1.0 : (*h == "after-discharge" ? -1.0 : 0.0);
  }
  if (const nlohmann::json* units = r.child("units", false)) {
    const std::string up = r.pointer_of("units");
    if (!units->is_array() || units->empty()) {
      rd.doc.error(rd.diags, up, "expected a non-empty array with one object per unit");
    } else {
      for (std::size_t i = 0; i < units->size(); ++i) {
        ObjectReader u(rd.doc, (*units)[i], json_pointer_append(up, i), rd.diags);
        InitialUnit iu;
        iu.pointer = json_pointer_append(up, i);
        if (auto q = u.quantity("soc", Dimension::kRatio, false, 0.0, 1.0)) iu.soc = q->value;
        if (auto q = u.quantity("temperature", Dimension::kTemperature, false, -40.0, 80.0)) {
          iu.temperature_C = q->value;
        }
        if (const nlohmann::json* modules = u.child("modules", false)) {
          const std::string mp = u.pointer_of("modules");
          if (!modules->is_array() || modules->empty()) {
            rd.doc.error(rd.diags, mp, "expected a non-empty array with one object per module of the string");
          } else {
            for (std::size_t k = 0; k < modules->size(); ++k) {
              ObjectReader m(rd.doc, (*modules)[k], json_pointer_append(mp, k), rd.diags);
              InitialModule im;
              if (auto q = m.quantity("soc", Dimension::kRatio, false, 0.0, 1.0)) im.soc = q->value;
              if (auto q = m.quantity("temperature", Dimension::kTemperature, false, -40.0, 80.0)) {
                im.temperature_C = q->value;
              }
              m.finish();
              iu.modules.push_back(im);
            }
          }
        }
        u.finish();
        s.units.push_back(iu);
      }
    }
  }
  r.finish();
}

void read_bms(Reader& rd, ObjectReader& parent, Scenario& s) {
  const nlohmann::json* node = parent.child("bms", false);
  if (node == nullptr) return;
  ObjectReader r(rd.doc, *node, parent.pointer_of("bms"), rd.diags);
  if (auto f = r.choice("firmware", false, {"reference", "none"})) s.bms.firmware = *f == "reference";
  if (auto p = r.choice("power_on", false, {"button", "off"})) s.bms.power_on = *p == "button";
  if (const nlohmann::json* params = r.child("parameters", false)) {
    s.bms.parameters_pointer = r.pointer_of("parameters");
    if (!params->is_object()) {
      rd.doc.error(rd.diags, s.bms.parameters_pointer,
                   "expected an object of firmware parameter keys and integer values");
    } else {
      for (const auto& [key, value] : params->items()) {
        const std::string pointer = json_pointer_append(s.bms.parameters_pointer, key);
        if (value.is_string()) {
          s.bms.parameters.push_back({key, 0, value.get<std::string>()});
          continue;
        }
        if (!value.is_number_integer()) {
          rd.doc.error(rd.diags, pointer,
                       "expected an integer in the parameter's unit, or the name of a value of an "
                       "enumerated parameter");
          continue;
        }
        s.bms.parameters.push_back({key, value.get<std::int64_t>(), ""});
      }
    }
  }
  if (const nlohmann::json* cables = r.child("swapped_link_cables", false)) {
    s.bms.swapped_link_cables_pointer = r.pointer_of("swapped_link_cables");
    const std::string expected = "expected an array of unit numbers (2 or more: the unit whose incoming cable is swapped)";
    if (!cables->is_array()) {
      rd.doc.error(rd.diags, s.bms.swapped_link_cables_pointer, expected);
    } else {
      for (std::size_t i = 0; i < cables->size(); ++i) {
        const nlohmann::json& v = (*cables)[i];
        if (!v.is_number_unsigned() || v.get<std::uint64_t>() < 2) {
          rd.doc.error(rd.diags, json_pointer_append(s.bms.swapped_link_cables_pointer, std::to_string(i)), expected);
          continue;
        }
        s.bms.swapped_link_cables.push_back(static_cast<std::size_t>(v.get<std::uint64_t>()));
      }
    }
  }
  r.finish();
}

std::optional<std::string> read_file(const std::filesystem::path& path, Diagnostics& diags) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.add(path.string(), "", {}, "cannot read the file; expected a readable scenario file");
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::optional<std::int64_t> parse_local_time(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  char tail = 0;
  if (text.size() != 19 || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
      text[13] != ':' || text[16] != ':' ||
      std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &sec, &tail) != 6) {
    return std::nullopt;
  }
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u, 11u, 12u, 14u, 15u, 17u, 18u}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const int month_days[] = {31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > month_days[mo - 1] || h > 23 || mi > 59 ||
      sec > 59) {
    return std::nullopt;
  }
  // Days from civil (H. Hinnant's algorithm).
  const int yy = mo <= 2 ? y - 1 : y;
  const int era = yy / 400;
  const int yoe = yy - era * 400;
  const int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = static_cast<std::int64_t>(era) * 146097 + doe - 719468;
  return days * 86400 + h * 3600 + mi * 60 + sec;
}

std::optional<Scenario> load_scenario(const std::filesystem::path& path, Diagnostics& diags) {
  const std::size_t before = diags.size();
  const auto text = read_file(path, diags);
  if (!text) return std::nullopt;
  auto doc = parse_json_document(path.string(), *text, diags);
  if (!doc) return std::nullopt;
  Reader rd{*doc, diags};
  ObjectReader r(*doc, doc->root, "", diags);
  Scenario s;
  s.file = path.string();
  s.sha256 = sha256_hex(*text);
  r.choice("format", true, {"stacksim-scenario"});
  r.integer("version", true, kScenarioVersion, kScenarioVersion);
  s.name = r.string("name", true).value_or("");
  s.description = r.string("description", false).value_or("");
  s.system = r.string("system", true).value_or("");
  s.seed = static_cast<std::uint64_t>(r.integer("seed", false, 0, std::numeric_limits<std::int64_t>::max()).value_or(0));
  const std::string start = r.string("start", false).value_or(kDefaultStart);
  if (auto t = parse_local_time(start)) {
    s.start_epoch_s = *t;
  } else {
    r.error("start", "expected a local date and time \"YYYY-MM-DDTHH:MM:SS\" between 1970 and "
                     "9999, got \"" + start + "\"");
  }
  read_bms(rd, r, s);
  const auto duration = r.duration_ns("duration", true);
  // A step or record interval written wrongly is reported once; nothing else
  // is then checked against it.
  const bool step_written = r.has("step"), record_written = r.has("record_every");
  const auto step_read = r.duration_ns("step", false);
  const auto record_read = r.duration_ns("record_every", false);
  s.step_ns = step_read.value_or(10'000'000);
  s.record_ns = record_read.value_or(1'000'000'000);
  const bool step_known = step_read || !step_written;
  const bool record_known = record_read || !record_written;
  rd.step_ns = step_known && s.step_ns > 0 ? s.step_ns : 0;
  s.stop_after_profile = r.boolean("stop_after_profile", false).value_or(false);
  if (auto a = r.quantity("ambient", Dimension::kTemperature, false, -40.0, 80.0)) s.ambient_C = a->value;
  read_initial(rd, r, s);
  // Read from the text too, so that a mistake elsewhere in the section does
  // not also make the profile look missing.
  bool site = false;
  if (const nlohmann::json* inverter = r.child("inverter", false)) {
    s.inverter = read_inverter_section(*doc, *inverter, r.pointer_of("inverter"), rd.step_ns, diags);
    site = inverter->is_object() && inverter->contains("demand") && (*inverter)["demand"] == "site";
    if (!s.bms.firmware) {
      r.error("inverter", "expected a BMS to talk to: the inverter needs \"bms\": {\"firmware\": "
                          "\"reference\"}");
    }
  }
  // A site model drives the inverter instead of a profile.
  if (const nlohmann::json* profile = r.child("profile", !site)) {
    if (site) {
      r.error("profile", "expected no profile: the inverter follows the site (\"demand\": \"site\")");
    } else {
      read_steps(rd, *profile, r.pointer_of("profile"), s.profile, 0);
    }
  }
  if (site && s.stop_after_profile) {
    r.error("stop_after_profile", "expected false: with \"demand\": \"site\" there is no profile to end");
  }
  if (step_known && s.step_ns <= 0) r.error("step", "expected a step longer than 0s");
  if (record_known && (s.record_ns <= 0 || (rd.step_ns > 0 && s.record_ns % rd.step_ns != 0) ||
                       s.record_ns % 1'000'000 != 0)) {
    r.error("record_every", "expected a whole number of milliseconds that is a whole multiple of "
                            "the step (" + format_duration_ns(s.step_ns) + ")");
  }
  if (duration) {
    s.duration_ns = *duration;
    if (*duration <= 0 || (rd.step_ns > 0 && *duration % rd.step_ns != 0)) {
      r.error("duration", "expected a duration longer than 0s that is a whole multiple of the step (" +
                              format_duration_ns(s.step_ns) + ")");
    }
    // Steps that can only end by their duration must fit in the scenario.
    std::int64_t fixed_ns = 0;
    for (const ProfileStep& step : s.profile) {
      if (step.until.empty() && step.duration_ns) fixed_ns += *step.duration_ns;
      if (fixed_ns > *duration) {
        doc->error(diags, step.pointer,
                   "expected the profile to fit in the duration (" + format_duration_ns(*duration) +
                       "); this step ends after " + format_duration_ns(fixed_ns));
        break;
      }
    }
  }
  // Times in the timeline and deadlines are checked against the duration
  // only when it is valid.
  const std::int64_t duration_ns =
      duration && *duration > 0 && (rd.step_ns == 0 || *duration % rd.step_ns == 0) ? *duration : 0;
  if (const nlohmann::json* timeline = r.child("timeline", false)) {
    s.timeline = read_timeline(*doc, *timeline, r.pointer_of("timeline"), rd.step_ns, duration_ns, diags);
  }
  // Inverter faults are the inverter's misbehaviour windows.
  for (const FaultEvent& e : s.timeline) {
    if (std::string_view(e.spec->name) != "inverter" || e.mode == nullptr) continue;
    if (!s.inverter) {
      doc->error(diags, json_pointer_append(e.pointer, "fault"),
                 "expected an \"inverter\" section: an inverter fault needs the virtual inverter");
      continue;
    }
    Misbehaviour m;
    for (std::size_t k = 0; k < std::size(kMisbehaviourNames); ++k) {
      if (std::string_view(kMisbehaviourNames[k]) == e.mode->name) m.kind = static_cast<MisbehaviourKind>(k);
    }
    m.window = {e.at_ns, e.for_ns ? e.at_ns + *e.for_ns : INT64_MAX};
    m.pointer = e.pointer;
    s.inverter->misbehaviour.push_back(m);
  }
  if (const nlohmann::json* expect = r.child("expect", false)) {
    std::vector<std::string> events;
    for (const FaultEvent& e : s.timeline) events.push_back(e.name);
    s.expectations = read_expectations(*doc, *expect, r.pointer_of("expect"), duration_ns, events, diags);
  }
  r.finish();
  if (diags.size() != before) return std::nullopt;
  s.source = std::move(*doc);
  return s;
}

}  // namespace stacksim::scenario
