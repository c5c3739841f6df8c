#include "scenario/timeline.hpp"

#include <set>

#include "util/object_reader.hpp"
#include "util/quantity.hpp"

namespace stacksim::scenario {
namespace {

struct Grid {
  std::int64_t step_ns = 0;      // 0: unknown (the step itself is wrong)
  std::int64_t duration_ns = 0;  // 0: unknown
};

bool on_grid(const Grid& g, ObjectReader& r, const char* key, std::int64_t ns) {
  if (g.step_ns > 0 && ns % g.step_ns != 0) {
    r.error(key, "expected a whole multiple of the step (" + format_duration_ns(g.step_ns) + ")");
    return false;
  }
  return true;
}

std::size_t read_index(ObjectReader& r, const char* key) {
  return static_cast<std::size_t>(r.integer(key, true, 1, 1000).value_or(0));
}

void read_targets(ObjectReader& r, const FaultSpec& spec, FaultEvent& e) {
  if (spec.targets & kTargetUnit) e.unit = read_index(r, "unit");
  // Whether a module is needed depends on the product (GTX3000 strings have
  // modules, LV packs do not): optional here, checked against the system.
  if (spec.targets & kTargetModule) {
    e.module = static_cast<std::size_t>(r.integer("module", false, 1, 1000).value_or(0));
  }
  if (spec.targets & kTargetCell) e.cell = read_index(r, "cell");
  if (spec.targets & kTargetSensor) e.sensor = read_index(r, "sensor");
  if (spec.targets & kTargetContactor) {
    e.contactor = r.choice("contactor", true, {"positive", "negative", "precharge"}).value_or("");
  }
  if (std::string_view(spec.name) == "link") {
    e.bus = r.choice("bus", true, {"internal", "link", "pcs"}).value_or("");
    e.module = static_cast<std::size_t>(r.integer("module", false, 1, 1000).value_or(0));
    if (e.module != 0 && !e.bus.empty() && e.bus != "internal") {
      r.error("module", "expected no module: only \"bus\": \"internal\" reaches a module board");
    }
  }
}

std::optional<FaultEvent> read_event(const JsonDocument& doc, const nlohmann::json& node,
                                     const std::string& pointer, const Grid& g, Diagnostics& diags) {
  ObjectReader r(doc, node, pointer, diags);
  if (!r.is_object()) return std::nullopt;
  FaultEvent e;
  e.pointer = pointer;
  const auto fault = r.string("fault", true);
  const auto at = r.duration_ns("at", true);
  const auto name = r.string("name", false);
  if (fault) {
    e.spec = find_fault(*fault);
    if (e.spec == nullptr) {
      // Without the fault its other keys cannot be judged: one problem only.
      r.error("fault", "expected one of " + fault_names() + ", got \"" + *fault + "\"");
      return std::nullopt;
    }
  }
  if (!e.spec) return std::nullopt;
  const FaultSpec& spec = *e.spec;
  if (const auto mode = r.string("mode", false)) {
    e.mode = find_mode(spec, *mode);
    if (e.mode == nullptr) {
      r.error("mode", "expected a mode of " + std::string(spec.name) + ": " + mode_names(spec) + ", got \"" +
                          *mode + "\"");
    }
  } else {
    e.mode = &spec.modes.front();
  }
  read_targets(r, spec, e);
  if (e.mode != nullptr && e.mode->value) {
    if (auto q = r.quantity("value", *e.mode->value, true, e.mode->value_min, e.mode->value_max)) {
      e.value = q->value;
      if (q->c_rate) r.error("value", "expected amperes (a C-rate is not a fault current)");
    }
  }
  if (e.mode != nullptr && std::string_view(e.mode->name) == "ramp") {
    if (const auto over = r.duration_ns("over", true)) {
      if (*over <= 0) r.error("over", "expected a duration longer than 0s");
      else if (on_grid(g, r, "over", *over)) e.over_ns = *over;
    }
  }
  if (spec.duration_key != nullptr) {
    if (const auto hold = r.duration_ns(spec.duration_key, true)) {
      if (*hold <= 0) {
        r.error(spec.duration_key, "expected a duration longer than 0s");
      } else if (on_grid(g, r, spec.duration_key, *hold)) {
        e.hold_ns = *hold;
      }
    }
  }
  if (spec.recoverable) {
    if (const auto f = r.duration_ns("for", false)) {
      if (*f <= 0) {
        r.error("for", "expected a duration longer than 0s (leave 'for' out to keep the fault to the end)");
      } else if (on_grid(g, r, "for", *f)) {
        e.for_ns = *f;
      }
    }
  }
  if (at) {
    e.at_ns = *at;
    if (*at < 0 || (g.duration_ns > 0 && *at >= g.duration_ns)) {
      r.error("at", "expected a time inside the run (0s up to before " + format_duration_ns(g.duration_ns) + ")");
    } else if (on_grid(g, r, "at", *at) && e.for_ns && g.duration_ns > 0 && *at + *e.for_ns > g.duration_ns) {
      r.error("for", "expected the fault to end by the end of the run (" + format_duration_ns(g.duration_ns) +
                         "); leave 'for' out to keep it to the end");
    }
  }
  e.name = name.value_or(std::string(spec.name) + " at " + format_duration_ns(e.at_ns));
  r.finish();
  return e;
}

}  // namespace

std::vector<FaultEvent> read_timeline(const JsonDocument& doc, const nlohmann::json& node,
                                      const std::string& pointer, std::int64_t step_ns,
                                      std::int64_t duration_ns, Diagnostics& diags) {
  std::vector<FaultEvent> events;
  if (!node.is_array()) {
    doc.error(diags, pointer, "expected an array of timeline events ({\"at\", \"fault\", ...})");
    return events;
  }
  const Grid g{step_ns, duration_ns};
  std::set<std::string> names;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string p = json_pointer_append(pointer, i);
    auto e = read_event(doc, node[i], p, g, diags);
    if (!e) continue;
    // Expectations refer to events by name ("after"): a name written twice
    // is an error; a generated one gets a number.
    const bool written = node[i].is_object() && node[i].contains("name");
    if (!written) {
      const std::string base = e->name;
      for (int n = 2; names.count(e->name) != 0; ++n) e->name = base + " (" + std::to_string(n) + ")";
    }
    if (!names.insert(e->name).second) {
      doc.error(diags, json_pointer_append(p, "name"), "expected a unique event name; \"" + e->name + "\" is used twice");
    }
    events.push_back(std::move(*e));
  }
  return events;
}

}  // namespace stacksim::scenario
