#include "scenario/expectations.hpp"

#include <cstdio>
#include <limits>

#include "util/object_reader.hpp"

namespace stacksim::scenario {
namespace {

const std::vector<ProbeSpec>& table() {
  using D = Dimension;
  static const std::vector<ProbeSpec> specs = {
      // Physics: the ground truth.
      {"voltage", D::kVoltage, {}, nullptr, true, "terminal voltage of the system, or of the unit"},
      {"current", D::kCurrent, {}, nullptr, true, "current into the system or the unit (+ charge)"},
      {"soc", D::kRatio, {}, nullptr, true, "true state of charge"},
      {"cell_voltage_max", D::kVoltage, {}, nullptr, true, "highest series-group voltage"},
      {"cell_voltage_min", D::kVoltage, {}, nullptr, true, "lowest series-group voltage"},
      {"temperature_max", D::kTemperature, {}, nullptr, true, "hottest cell"},
      {"temperature_min", D::kTemperature, {}, nullptr, true, "coldest cell"},
      // The firmware's debug status (the HAL's debug port).
      {"bms_soc", D::kRatio, {}, nullptr, false, "the firmware's SOC estimate"},
      {"bms_current", D::kCurrent, {}, nullptr, false, "the current the firmware measures (+ charge)"},
      {"bms_cell_voltage_max", D::kVoltage, {}, nullptr, false, "the highest cell voltage the firmware measures"},
      {"bms_cell_voltage_min", D::kVoltage, {}, nullptr, false, "the lowest cell voltage the firmware measures"},
      {"bms_temperature_max", D::kTemperature, {}, nullptr, false, "the highest cell temperature the firmware measures"},
      {"bms_temperature_min", D::kTemperature, {}, nullptr, false, "the lowest cell temperature the firmware measures"},
      {"charge_limit", D::kCurrent, {}, nullptr, false, "the firmware's allowed charge current"},
      {"discharge_limit", D::kCurrent, {}, nullptr, false, "the firmware's allowed discharge current (positive)"},
      {"state", std::nullopt,
       {"shutdown", "standby", "charge", "discharge", "full-charge", "protect", "fault", "over-discharged",
        "starting", "off"},
       nullptr, false, "the firmware's state; \"off\" when the board has no power or no status yet"},
      {"warning", std::nullopt, {"raised", "clear"}, "row", true, "a protection row at warning tier or above"},
      {"alarm", std::nullopt, {"raised", "clear"}, "row", true, "a protection row at alarm tier or above"},
      {"protection", std::nullopt, {"raised", "clear"}, "row", true, "a protection row tripped"},
      {"fault", std::nullopt, {"raised", "clear"}, "diagnosis", true, "a diagnosis bit"},
      // The board's hardware.
      {"contactors", std::nullopt, {"open", "closed"}, nullptr, true,
       "the unit's main power path (without unit: every unit's)"},
      {"led", std::nullopt, {"off", "red", "green", "yellow", "blue", "purple", "white"}, "led", false,
       "a front-panel LED's colour at the instant"},
      {"led_flash", std::nullopt, {"red", "green", "yellow", "blue", "purple", "white"}, "led", false,
       "a front-panel LED flashing in that colour, `on` then `off`, in its last whole cycle"},
      {"output", std::nullopt, {"on", "off"}, "output", false, "a board output: dry1, dry2, charge_block"},
      // A GTX3000 module's last report to its BCU on the internal RS485 bus.
      {"module_cell_voltage_max", D::kVoltage, {}, "module", false, "the highest cell voltage in the module's last report"},
      {"module_cell_voltage_min", D::kVoltage, {}, "module", false, "the lowest cell voltage in the module's last report"},
      {"module_temperature_max", D::kTemperature, {}, "module", false, "the highest temperature in the module's last report"},
      {"module_temperature_min", D::kTemperature, {}, "module", false, "the lowest temperature in the module's last report"},
      // The PCS bus, decoded through the protocol's DBC.
      {"can", std::nullopt, {}, "signal", true,
       "the last value of a signal on the PCS bus, in the DBC's unit (plain number thresholds)"},
  };
  return specs;
}

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string probe_names() {
  std::string out;
  for (const ProbeSpec& p : table()) out += (out.empty() ? "" : ", ") + std::string(p.name);
  return out;
}

void read_condition(ObjectReader& r, Expectation& e) {
  const ProbeSpec& p = *e.probe;
  if (!p.dimension && !reads_dbc_signal(p)) {
    e.compare = Expectation::Compare::kIs;
    e.state = r.choice("is", true, {p.states.begin(), p.states.end()}).value_or("");
    return;
  }
  struct Key {
    const char* key;
    Expectation::Compare compare;
  };
  static const Key keys[] = {{"above", Expectation::Compare::kAbove},
                             {"below", Expectation::Compare::kBelow},
                             {"at_least", Expectation::Compare::kAtLeast},
                             {"at_most", Expectation::Compare::kAtMost}};
  int found = 0;
  for (const Key& k : keys) {
    if (!r.has(k.key)) continue;
    ++found;
    if (reads_dbc_signal(p)) {
      if (auto x = r.number(k.key, true, -kInf, kInf)) {
        e.compare = k.compare;
        e.threshold = *x;
      }
      continue;
    }
    const double min = *p.dimension == Dimension::kTemperature ? -273.15 : -kInf;
    if (auto q = r.quantity(k.key, *p.dimension, true, min, kInf)) {
      e.compare = k.compare;
      e.threshold = q->value;
      e.c_rate = q->c_rate;
    }
  }
  if (found != 1) {
    r.error("", "expected exactly one of 'above', 'below', 'at_least' or 'at_most' for the numeric probe " +
                    std::string(p.name));
  }
}

void read_when(ObjectReader& r, Expectation& e, std::int64_t duration_ns, const std::vector<std::string>& events) {
  const char* kinds[] = {"by", "within", "during", "always", "never"};
  int found = 0;
  for (const char* k : kinds) found += r.has(k) ? 1 : 0;
  if (found != 1) {
    r.error("", "expected exactly one time rule: 'by' (a time), 'within' (a duration, with 'after'), "
                "'during' ([from, to]), 'always' (true) or 'never' (true)");
    // Judged once, here: the keys are not also reported as unknown.
    for (const char* k : {"by", "within", "during", "always", "never", "after"}) r.child(k, false);
    return;
  }
  const auto inside = [&](const char* key, std::int64_t t) {
    if (t < 0 || (duration_ns > 0 && t > duration_ns)) {
      r.error(key, "expected a time inside the run (0s to " + format_duration_ns(duration_ns) + ")");
      return false;
    }
    return true;
  };
  if (r.has("by")) {
    e.when = Expectation::When::kBy;
    if (auto t = r.duration_ns("by", true); t && inside("by", *t)) e.to_ns = *t;
  } else if (r.has("within")) {
    e.when = Expectation::When::kWithin;
    if (auto d = r.duration_ns("within", true)) {
      if (*d <= 0) r.error("within", "expected a duration longer than 0s");
      e.to_ns = *d;
    }
    if (auto a = r.string("after", true)) {
      e.after = *a;
      bool known = false;
      std::string list;
      for (const std::string& n : events) {
        known = known || n == *a;
        list += (list.empty() ? "\"" : ", \"") + n + "\"";
      }
      if (!known) {
        r.error("after", "expected the name of a timeline event (" + (list.empty() ? "the timeline has none" : list) +
                             "), got \"" + *a + "\"");
      }
    }
  } else if (r.has("during")) {
    e.when = Expectation::When::kDuring;
    const nlohmann::json* d = r.child("during", true);
    bool ok = d && d->is_array() && d->size() == 2 && (*d)[0].is_string() && (*d)[1].is_string();
    std::optional<std::int64_t> from, to;
    if (ok) {
      from = parse_duration_ns((*d)[0].get<std::string>());
      to = parse_duration_ns((*d)[1].get<std::string>());
      ok = from && to && *from <= *to;
    }
    if (!ok) {
      r.error("during", "expected [from, to]: two times (\"10m\", \"20m\") with from no later than to");
    } else if (inside("during", *from) && inside("during", *to)) {
      e.from_ns = *from;
      e.to_ns = *to;
    }
  } else {
    const char* key = r.has("always") ? "always" : "never";
    e.when = r.has("always") ? Expectation::When::kAlways : Expectation::When::kNever;
    if (auto b = r.boolean(key, true); b && !*b) r.error(key, "expected true (leave the key out otherwise)");
  }
}

std::optional<Expectation> read_one(const JsonDocument& doc, const nlohmann::json& node, const std::string& pointer,
                                    std::int64_t duration_ns, const std::vector<std::string>& events,
                                    Diagnostics& diags) {
  ObjectReader r(doc, node, pointer, diags);
  if (!r.is_object()) return std::nullopt;
  Expectation e;
  e.pointer = pointer;
  const auto probe = r.string("probe", true);
  const auto name = r.string("name", false);
  if (!probe) return std::nullopt;
  e.probe = find_probe(*probe);
  if (e.probe == nullptr) {
    r.error("probe", "expected one of " + probe_names() + ", got \"" + *probe + "\"");
    return std::nullopt;
  }
  // A PCS-bus signal belongs to no unit: "unit" is then an unknown key.
  if (!reads_dbc_signal(*e.probe)) e.unit = static_cast<std::size_t>(r.integer("unit", false, 1, 1000).value_or(0));
  if (e.probe->detail_key != nullptr) {
    if (std::string_view(e.probe->detail_key) == "led" || std::string_view(e.probe->detail_key) == "module") {
      if (auto n = r.integer(e.probe->detail_key, true, 1, 64)) e.detail = std::to_string(*n);
    } else {
      e.detail = r.string(e.probe->detail_key, true).value_or("");
    }
  }
  if (reads_dbc_signal(*e.probe)) e.message = r.string("message", false).value_or("");
  read_condition(r, e);
  if (std::string_view(e.probe->name) == "led_flash") {
    for (const auto& [key, out] : {std::pair{"on", &e.on_ns}, std::pair{"off", &e.off_ns}}) {
      if (const auto d = r.duration_ns(key, true)) {
        if (*d <= 0) r.error(key, "expected a duration longer than 0s");
        *out = *d;
      }
    }
  }
  read_when(r, e, duration_ns, events);
  e.name = name.value_or(describe(e));
  r.finish();
  return e;
}

const char* compare_word(Expectation::Compare c) {
  switch (c) {
    case Expectation::Compare::kAbove: return "above";
    case Expectation::Compare::kBelow: return "below";
    case Expectation::Compare::kAtLeast: return "at least";
    case Expectation::Compare::kAtMost: return "at most";
    case Expectation::Compare::kIs: return "is";
  }
  return "?";
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string threshold_text(const Expectation& e) {
  if (e.compare == Expectation::Compare::kIs) return e.state;
  if (e.c_rate) return number(e.threshold) + "C";
  if (!e.probe->dimension) return number(e.threshold);
  switch (*e.probe->dimension) {
    case Dimension::kVoltage: return number(e.threshold) + "V";
    case Dimension::kCurrent: return number(e.threshold) + "A";
    case Dimension::kTemperature: return number(e.threshold) + "C";
    case Dimension::kRatio: return number(e.threshold * 100.0) + "%";
    default: return number(e.threshold);
  }
}

}  // namespace

std::span<const ProbeSpec> probe_catalogue() { return table(); }

bool reads_dbc_signal(const ProbeSpec& p) { return std::string_view(p.name) == "can"; }

const ProbeSpec* find_probe(std::string_view name) {
  for (const ProbeSpec& p : table()) {
    if (name == p.name) return &p;
  }
  return nullptr;
}

std::string describe(const Expectation& e) {
  std::string s;
  if (e.unit != 0) s += "unit " + std::to_string(e.unit) + " ";
  s += e.probe->name;
  if (!e.detail.empty()) s += " " + e.detail;
  s += std::string(" ") + compare_word(e.compare) + " " + threshold_text(e);
  switch (e.when) {
    case Expectation::When::kBy: s += " by " + format_duration_ns(e.to_ns); break;
    case Expectation::When::kWithin: s += " within " + format_duration_ns(e.to_ns) + " after " + e.after; break;
    case Expectation::When::kDuring:
      s += " during " + format_duration_ns(e.from_ns) + ".." + format_duration_ns(e.to_ns);
      break;
    case Expectation::When::kAlways: s += " always"; break;
    case Expectation::When::kNever: s += " never"; break;
  }
  return s;
}

std::vector<Expectation> read_expectations(const JsonDocument& doc, const nlohmann::json& node,
                                           const std::string& pointer, std::int64_t duration_ns,
                                           const std::vector<std::string>& events, Diagnostics& diags) {
  std::vector<Expectation> out;
  if (!node.is_array()) {
    doc.error(diags, pointer, "expected an array of expectations ({\"probe\", ..., a time rule})");
    return out;
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    if (auto e = read_one(doc, node[i], json_pointer_append(pointer, i), duration_ns, events, diags)) {
      out.push_back(std::move(*e));
    }
  }
  return out;
}

}  // namespace stacksim::scenario
