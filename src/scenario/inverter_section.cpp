// Reading the scenario's "inverter" section: every key known, every quantity
// with its unit, every problem reported with its JSON pointer, all at once.
#include "scenario/inverter_section.hpp"

#include <cstdio>
#include <limits>

#include "util/quantity.hpp"

namespace stacksim::scenario {
namespace {

constexpr double kMaxPower_W = 1e9;
constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

struct Ctx {
  const JsonDocument& doc;
  Diagnostics& diags;
  std::int64_t step_ns;
};

std::vector<std::string> protocol_choices() {
  std::vector<std::string> names{kAutoProtocol};
  for (const char* n : kInverterProtocols) names.emplace_back(n);
  return names;
}

std::optional<std::int64_t> read_time_of_day(ObjectReader& r, const char* key, bool required) {
  const auto text = r.string(key, required);
  if (!text) return std::nullopt;
  const auto ns = parse_time_of_day_ns(*text);
  if (!ns) r.error(key, "expected a time of day \"HH:MM\" or \"HH:MM:SS\" from 00:00 to 24:00, got \"" + *text + "\"");
  return ns;
}

std::optional<double> read_power(ObjectReader& r, const char* key, bool required, double min_W) {
  const auto q = r.quantity(key, Dimension::kPower, required, min_W, kMaxPower_W);
  if (!q) return std::nullopt;
  return q->value;
}

// A positive period on the step grid.
std::optional<std::int64_t> read_period(const Ctx& c, ObjectReader& r, const char* key, bool required) {
  const auto ns = r.duration_ns(key, required);
  if (!ns) return std::nullopt;
  if (*ns <= 0 || (c.step_ns > 0 && *ns % c.step_ns != 0)) {
    r.error(key, "expected a duration longer than 0s that is a whole multiple of the step (" +
                     format_duration_ns(c.step_ns) + ")");
    return std::nullopt;
  }
  return ns;
}

// Points of a series ("at": a duration) or a daily curve ("at": a time of day),
// strictly increasing in time.
void read_points(const Ctx& c, const nlohmann::json& list, const std::string& pointer, bool daily,
                 PowerCurve& out) {
  if (!list.is_array() || list.empty()) {
    c.doc.error(c.diags, pointer, "expected a non-empty array of {\"at\", \"power\"} points");
    return;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    ObjectReader p(c.doc, list[i], json_pointer_append(pointer, i), c.diags);
    const auto at = daily ? read_time_of_day(p, "at", true) : p.duration_ns("at", true);
    const auto power = read_power(p, "power", true, 0.0);
    p.finish();
    if (!at || !power) continue;
    if (daily && *at >= kDay_ns) {
      p.error("at", "expected a time of day before 24:00 (the curve wraps midnight by itself)");
      continue;
    }
    if (!out.points.empty() && *at <= out.points.back().at_ns) {
      p.error("at", "expected a time after the previous point's");
      continue;
    }
    out.points.push_back({*at, *power});
  }
}

std::optional<PowerCurve> read_curve(const Ctx& c, ObjectReader& parent, const char* key) {
  const nlohmann::json* node = parent.child(key, false);
  PowerCurve curve;
  if (node == nullptr) {
    curve.points.push_back({0, 0.0});
    return curve;
  }
  if (node->is_string()) {
    const auto w = read_power(parent, key, true, 0.0);
    if (!w) return std::nullopt;
    curve.points.push_back({0, *w});
    return curve;
  }
  ObjectReader r(c.doc, *node, parent.pointer_of(key), c.diags);
  if (!r.is_object()) return std::nullopt;
  const bool daily = r.has("daily"), series = r.has("series");
  if (daily == series) {
    r.error("", "expected a power like \"500W\" or an object with exactly one of 'daily' "
                "(points at times of day) or 'series' (points at times since 0s)");
    return std::nullopt;
  }
  const char* which = daily ? "daily" : "series";
  curve.kind = daily ? PowerCurve::Kind::kDaily : PowerCurve::Kind::kSeries;
  const std::size_t before = c.diags.size();
  read_points(c, *r.child(which, true), r.pointer_of(which), daily, curve);
  r.finish();
  if (c.diags.size() != before) return std::nullopt;
  return curve;
}

void read_site(const Ctx& c, ObjectReader& r, SiteSetup& site) {
  if (auto load = read_curve(c, r, "load")) site.load = std::move(*load);
  if (auto pv = read_curve(c, r, "pv")) site.pv = std::move(*pv);
  if (const nlohmann::json* outages = r.child("grid_outages", false)) {
    const std::string up = r.pointer_of("grid_outages");
    if (!outages->is_array()) c.doc.error(c.diags, up, "expected an array of {\"at\", \"for\"} windows");
    for (std::size_t i = 0; outages->is_array() && i < outages->size(); ++i) {
      ObjectReader w(c.doc, (*outages)[i], json_pointer_append(up, i), c.diags);
      const auto at = w.duration_ns("at", true);
      const auto length = read_period(c, w, "for", true);
      w.finish();
      if (at && length) site.grid_outages.push_back({*at, *at + *length});
    }
  }
  if (const nlohmann::json* tariffs = r.child("tariff_windows", false)) {
    const std::string up = r.pointer_of("tariff_windows");
    if (!tariffs->is_array()) {
      c.doc.error(c.diags, up, "expected an array of {\"from\", \"to\", \"charge_power\"} windows");
    }
    for (std::size_t i = 0; tariffs->is_array() && i < tariffs->size(); ++i) {
      ObjectReader w(c.doc, (*tariffs)[i], json_pointer_append(up, i), c.diags);
      const auto from = read_time_of_day(w, "from", true);
      const auto to = read_time_of_day(w, "to", true);
      const auto power = read_power(w, "charge_power", true, 0.0);
      w.finish();
      if (from && to && *from % kDay_ns == *to % kDay_ns) {
        w.error("to", "expected a time other than 'from' (a window of zero length or a whole day)");
      } else if (from && to && power) {
        site.tariffs.push_back({{*from % kDay_ns, *to % kDay_ns}, *power});
      }
    }
  }
  site.export_limit_W = read_power(r, "export_limit", false, 0.0);
}

void read_misbehaviour(const Ctx& c, const nlohmann::json& list, const std::string& pointer,
                       std::vector<Misbehaviour>& out) {
  if (!list.is_array()) {
    c.doc.error(c.diags, pointer, "expected an array of {\"kind\", \"at\", \"for\"} objects");
    return;
  }
  std::vector<std::string> kinds(std::begin(kMisbehaviourNames), std::end(kMisbehaviourNames));
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = json_pointer_append(pointer, i);
    ObjectReader r(c.doc, list[i], p, c.diags);
    Misbehaviour m;
    m.pointer = p;
    const auto kind = r.choice("kind", true, kinds);
    const auto at = r.duration_ns("at", true);
    const auto length = read_period(c, r, "for", false);
    bool ok = kind && at && (length || !r.has("for"));
    if (kind) {
      for (std::size_t k = 0; k < kinds.size(); ++k) {
        if (kinds[k] == *kind) m.kind = static_cast<MisbehaviourKind>(k);
      }
      // Only the keys a kind uses are known to it (finish() reports the rest).
      if (m.kind == MisbehaviourKind::kMalformedFrames || m.kind == MisbehaviourKind::kOutOfRange) {
        const auto every = read_period(c, r, "every", false);
        ok = ok && (every || !r.has("every"));
        m.every_ns = every.value_or(m.every_ns);
      }
      if (m.kind == MisbehaviourKind::kWrongAddress) {
        const auto address = r.integer("address", true, 0, 15);
        ok = ok && address;
        m.address = static_cast<int>(address.value_or(1));
      }
    }
    r.finish();
    if (!ok) continue;
    m.window = {*at, length ? *at + *length : kNever};
    out.push_back(m);
  }
}

}  // namespace

std::optional<std::int64_t> parse_time_of_day_ns(const std::string& text) {
  int h = 0, m = 0, s = 0;
  char tail = 0;
  const bool with_seconds = text.size() == 8;
  if (text.size() != 5 && !with_seconds) return std::nullopt;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool colon = i == 2 || i == 5;
    if (colon ? text[i] != ':' : (text[i] < '0' || text[i] > '9')) return std::nullopt;
  }
  const int fields = with_seconds ? std::sscanf(text.c_str(), "%2d:%2d:%2d%c", &h, &m, &s, &tail)
                                  : std::sscanf(text.c_str(), "%2d:%2d%c", &h, &m, &tail);
  if (fields != (with_seconds ? 3 : 2) || m > 59 || s > 59 || h > 24 || (h == 24 && (m || s))) {
    return std::nullopt;
  }
  return ((static_cast<std::int64_t>(h) * 60 + m) * 60 + s) * 1'000'000'000;
}

std::optional<InverterSetup> read_inverter_section(const JsonDocument& doc,
                                                   const nlohmann::json& node,
                                                   const std::string& pointer,
                                                   std::int64_t step_ns, Diagnostics& diags) {
  const std::size_t before = diags.size();
  const Ctx c{doc, diags, step_ns};
  ObjectReader r(doc, node, pointer, diags);
  if (!r.is_object()) return std::nullopt;
  InverterSetup s;
  s.pointer = pointer;
  if (auto p = r.choice("protocol", false, protocol_choices())) s.protocol = *p;
  if (auto a = r.integer("address", false, 0, 15)) s.address = static_cast<int>(*a);
  s.comm_timeout_ns = read_period(c, r, "comm_timeout", false);
  if (auto d = r.choice("demand", false, {"profile", "site"})) {
    s.demand = *d == "site" ? InverterSetup::Demand::kSite : InverterSetup::Demand::kProfile;
  }
  const nlohmann::json* site = r.child("site", false);
  if (site != nullptr && s.demand != InverterSetup::Demand::kSite) {
    r.error("site", "expected no 'site' unless \"demand\" is \"site\"");
  } else if (site != nullptr) {
    ObjectReader sr(doc, *site, r.pointer_of("site"), diags);
    if (sr.is_object()) read_site(c, sr, s.site);
    sr.finish();
  } else if (s.demand == InverterSetup::Demand::kSite) {
    r.error("", "missing key 'site': expected the site (load, pv, grid_outages, tariff_windows, "
                "export_limit) that \"demand\": \"site\" follows");
  }
  if (auto w = read_power(r, "force_charge_power", false, 0.0)) s.force_charge_power_W = *w;
  if (const nlohmann::json* full = r.child("full_charge", false)) {
    ObjectReader fr(doc, *full, r.pointer_of("full_charge"), diags);
    const auto from = read_time_of_day(fr, "from", false);
    const auto to = read_time_of_day(fr, "to", false);
    if (from) s.full_charge_window.from_ns = *from % kDay_ns;
    if (to) s.full_charge_window.to_ns = *to % kDay_ns;
    s.full_charge_power_W = read_power(fr, "power", false, 0.0);
    if (s.full_charge_window.from_ns == s.full_charge_window.to_ns) {
      fr.error("", "expected a window: 'from' and 'to' are the same time of day");
    }
    fr.finish();
  }
  if (const auto q = r.quantity("ramp_per_second", Dimension::kCurrent, false, 0.0, 1e6)) {
    if (q->value <= 0.0) {
      r.error("ramp_per_second", "expected a positive current per second like \"20A\" or \"0.1C\"");
    } else {
      s.ramp_per_s = q->value;
      s.ramp_c_rate = q->c_rate;
    }
  }
  if (const nlohmann::json* list = r.child("misbehaviour", false)) {
    read_misbehaviour(c, *list, r.pointer_of("misbehaviour"), s.misbehaviour);
  }
  r.finish();
  if (diags.size() != before) return std::nullopt;
  return s;
}

}  // namespace stacksim::scenario
