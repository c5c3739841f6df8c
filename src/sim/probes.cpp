#include "sim/probes.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <string_view>

#include "sim/bms_setup.hpp"
#include "sim/can_watch.hpp"
#include "sim/module_reports.hpp"
#include "sim/plant.hpp"

namespace stacksim::sim {
namespace {

using scenario::Expectation;

struct Named {
  const char* name;
  std::uint32_t value;
};

// The HAL's diagnosis bits (ssim_debug_status.faults) by the names scenarios use.
constexpr Named kDiagnoses[] = {
    {"afe", SSIM_FAULT_AFE},
    {"temp_sensor", SSIM_FAULT_TEMP_SENSOR},
    {"current_sensor", SSIM_FAULT_CURRENT_SENSOR},
    {"contactor_welded", SSIM_FAULT_CONTACTOR_WELDED},
    {"contactor_stuck_open", SSIM_FAULT_CONTACTOR_STUCK_OPEN},
    {"precharge", SSIM_FAULT_PRECHARGE},
    {"internal_comm", SSIM_FAULT_INTERNAL_COMM},
    {"pcs_comm", SSIM_FAULT_PCS_COMM},
    {"fuse", SSIM_FAULT_FUSE},
    {"supply", SSIM_FAULT_SUPPLY},
    {"zero_volt_cell", SSIM_FAULT_ZERO_VOLT_CELL},
    {"addressing", SSIM_FAULT_ADDRESSING},
    {"parallel", SSIM_FAULT_PARALLEL},
};

constexpr Named kOutputs[] = {
    {"dry1", SSIM_OUT_DRY1},
    {"dry2", SSIM_OUT_DRY2},
    {"charge_block", SSIM_OUT_CHARGE_BLOCK},
};

constexpr Named kColours[] = {
    {"off", SSIM_LED_OFF},     {"red", SSIM_LED_RED},       {"green", SSIM_LED_GREEN}, {"yellow", SSIM_LED_YELLOW},
    {"blue", SSIM_LED_BLUE},   {"purple", SSIM_LED_PURPLE}, {"white", SSIM_LED_WHITE},
};

template <std::size_t N>
const Named* find(const Named (&table)[N], std::string_view name) {
  for (const Named& n : table) {
    if (name == n.name) return &n;
  }
  return nullptr;
}

template <std::size_t N>
std::string names(const Named (&table)[N]) {
  std::string out;
  for (const Named& n : table) out += (out.empty() ? "" : ", ") + std::string(n.name);
  return out;
}

template <std::size_t N>
const char* name_of(const Named (&table)[N], std::uint32_t value) {
  for (const Named& n : table) {
    if (n.value == value) return n.name;
  }
  return "?";
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Enough digits to see why a threshold was missed: mV, 10 mA, 0.1 degC, 0.1 %.
std::string format(double v, const char* unit) {
  const std::string_view u(unit);
  const int decimals = u == "V" ? 3 : u == "A" ? 2 : (u == "C" || u == "%") ? 1 : 4;
  char buf[48];
  std::snprintf(buf, sizeof buf, u.empty() ? "%.*g" : "%.*f %s", u.empty() ? 6 : decimals, v, unit);
  return buf;
}

bool is(const Expectation& e, std::string_view probe) { return probe == e.probe->name; }

}  // namespace

bool Probe::resolve_can(const protocol::Dbc& dbc, std::string& error) {
  const Expectation& e = *e_;
  const protocol::Message* found = nullptr;
  std::string holders;
  for (const protocol::Message& m : dbc.messages()) {
    if (!e.message.empty() && m.name != e.message) continue;
    if (m.signal(e.detail) == nullptr) continue;
    holders += (holders.empty() ? "" : ", ") + m.name;
    if (found != nullptr) {
      found = nullptr;
      break;
    }
    found = &m;
  }
  if (found == nullptr && !holders.empty() && holders.find(',') != std::string::npos) {
    error = "expected one message to hold the signal \"" + e.detail + "\"; name it with \"message\" (more than one has it)";
    return false;
  }
  if (found == nullptr) {
    error = "expected a signal of the PCS protocol's DBC" +
            (e.message.empty() ? std::string() : " in message \"" + e.message + "\"") + ", got \"" + e.detail + "\"";
    return false;
  }
  codec_ = std::make_shared<protocol::MessageCodec>(*found);
  signal_ = *codec_->index(e.detail);
  return true;
}

std::optional<Probe> Probe::resolve(const Expectation& e, const SystemConfig& config, const BmsSetup* bms,
                                    const protocol::Dbc* pcs_dbc, const JsonDocument& source, Diagnostics& diags) {
  const std::size_t before = diags.size();
  const auto error = [&](const std::string& key, const std::string& message) {
    source.error(diags, key.empty() ? e.pointer : json_pointer_append(e.pointer, key), message);
  };
  Probe p;
  p.e_ = &e;
  p.threshold_ = e.threshold;
  if (e.c_rate) {
    const double one_c_A = config.nominal_capacity_Ah() / (e.unit == 0 ? 1.0 : static_cast<double>(config.units));
    p.threshold_ = e.threshold * one_c_A;
  }
  if (e.unit > config.units) {
    error("unit", "expected a unit from 1 to " + std::to_string(config.units) + " of " + config.name + ", got " +
                      std::to_string(e.unit));
  }
  const bool from_status = std::string_view(e.probe->name).starts_with("bms_") || is(e, "charge_limit") ||
                           is(e, "discharge_limit") || is(e, "state");
  const bool module_report = std::string_view(e.probe->name).starts_with("module_");
  const bool physics_probe = e.probe->dimension && !from_status && !module_report;
  if (physics_probe) {
    p.source_ = Source::kPhysics;
  } else if (bms == nullptr) {
    error("probe", std::string("expected a BMS for the probe ") + e.probe->name +
                       " (\"bms\": {\"firmware\": \"reference\"})");
    return std::nullopt;
  }
  // Without a unit: the system for physics and bits (any unit), the master
  // (unit 1, which reports the system) for the firmware's own values.
  p.unit_ = e.unit == 0 ? SIZE_MAX : e.unit - 1;
  if (!physics_probe && e.unit == 0 && !e.probe->unit_optional) p.unit_ = 0;
  const bool hv = config.product.kind == ProductKind::kHvString;
  const hw::BoardSpec* master = bms ? bms->hardware.board(hv ? SSIM_ROLE_BCU : SSIM_ROLE_PACK) : nullptr;
  if (from_status) {
    p.source_ = Source::kStatus;
  } else if (is(e, "warning") || is(e, "alarm") || is(e, "protection")) {
    p.source_ = Source::kBits;
    const auto& rows = bms->params.protection_ids;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (rows[i] == e.detail) p.mask_ = 1u << i;
    }
    if (p.mask_ == 0) error("row", "expected a protection row of " + config.product.name + ": " + join(rows) +
                                       ", got \"" + e.detail + "\"");
  } else if (is(e, "fault")) {
    p.source_ = Source::kBits;
    if (const Named* n = find(kDiagnoses, e.detail)) p.mask_ = n->value;
    else error("diagnosis", "expected one of " + names(kDiagnoses) + ", got \"" + e.detail + "\"");
  } else if (is(e, "contactors")) {
    p.source_ = Source::kContactors;
  } else if (is(e, "led") || is(e, "led_flash")) {
    p.source_ = is(e, "led") ? Source::kLed : Source::kLedFlash;
    p.index_ = std::stoi(e.detail) - 1;
    if (p.index_ >= master->leds) {
      error("led", "expected an LED from 1 to " + std::to_string(master->leds) + " of the " +
                       (hv ? "BCU" : "pack") + ", got " + e.detail);
    }
  } else if (module_report) {
    p.source_ = Source::kModuleReport;
    p.index_ = std::stoi(e.detail);
    if (!hv) {
      error("probe", "expected a GTX3000 system: a " + config.product.name + " pack has no internal bus between boards");
    } else if (static_cast<std::size_t>(p.index_) > config.modules_per_unit) {
      error("module", "expected a module from 1 to " + std::to_string(config.modules_per_unit) + " of " + config.name +
                          ", got " + e.detail);
    }
  } else if (is(e, "can")) {
    p.source_ = Source::kCan;
    std::string why;
    if (pcs_dbc == nullptr) error("probe", "expected a firmware that speaks a PCS protocol for the probe can");
    else if (!p.resolve_can(*pcs_dbc, why)) error("signal", why);
  } else if (is(e, "output")) {
    p.source_ = Source::kOutput;
    const Named* n = find(kOutputs, e.detail);
    if (n == nullptr) {
      error("output", "expected one of " + names(kOutputs) + ", got \"" + e.detail + "\"");
    } else {
      p.index_ = static_cast<int>(n->value);
      const bool present = n->value == SSIM_OUT_CHARGE_BLOCK
                               ? master->charge_block
                               : static_cast<int>(n->value - SSIM_OUT_DRY1) < master->dry_contacts;
      if (!present) error("output", "expected an output the " + std::string(hv ? "BCU" : "pack") + " has");
    }
  }
  if (diags.size() != before) return std::nullopt;
  return p;
}

// The LED's last whole flash cycle: the last switch-on to the colour, the
// switch-off before it and the switch-on before that. It matches when both
// times are within one firmware tick of `on` and `off` and the LED is still
// flashing (no longer than a cycle since the last switch-on).
std::string Probe::flash(const ProbeView& v, bool describe) const {
  constexpr std::int64_t kTolerance_ns = 20'000'000;
  const auto& events = v.plant->led_events(v.plant->master(unit_));
  std::int64_t times[3] = {0, 0, 0};  // on2, off1, on1 going back
  int found = 0;
  ssim_led_colour on_colour = SSIM_LED_OFF;
  for (auto it = events.rbegin(); it != events.rend() && found < 3; ++it) {
    if (it->led != index_) continue;
    const bool lit = it->colour != SSIM_LED_OFF;
    if (found == 0 && !lit) continue;  // switched off after the last switch-on: still the same cycle
    if ((found != 1) != lit) break;    // on, off, on expected
    if (found == 0) on_colour = it->colour;
    else if (lit && it->colour != on_colour) break;
    times[found++] = it->t_ns;
  }
  if (found < 3) return describe ? "not flashing" : "no";
  const std::int64_t on_ns = times[1] - times[2], off_ns = times[0] - times[1];
  const std::int64_t now_ns = v.physics.time_ns();
  const char* colour = name_of(kColours, on_colour);
  if (describe) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%s %.2f s on / %.2f s off", colour, static_cast<double>(on_ns) * 1e-9,
                  static_cast<double>(off_ns) * 1e-9);
    return buf;
  }
  const Expectation& e = *e_;
  const bool matches = std::llabs(on_ns - e.on_ns) <= kTolerance_ns && std::llabs(off_ns - e.off_ns) <= kTolerance_ns &&
                       now_ns - times[0] <= e.on_ns + e.off_ns + kTolerance_ns;
  return matches ? colour : "no";
}

std::optional<double> Probe::number(const ProbeView& v) const {
  const Expectation& e = *e_;
  if (source_ == Source::kCan) {
    const bus::CanFrame* f = v.can ? v.can->last(codec_->id(), codec_->extended()) : nullptr;
    if (f == nullptr) return std::nullopt;
    std::vector<double> values(codec_->size());
    codec_->decode(*f, values.data());
    if (std::isnan(values[signal_])) return std::nullopt;
    return values[signal_];
  }
  if (source_ == Source::kModuleReport) {
    const fw::ibus::Report* r = v.reports ? v.reports->last(unit_, static_cast<std::uint8_t>(index_)) : nullptr;
    if (r == nullptr) return std::nullopt;
    const bool cells = is(e, "module_cell_voltage_max") || is(e, "module_cell_voltage_min");
    const bool max = is(e, "module_cell_voltage_max") || is(e, "module_temperature_max");
    const std::size_t n = cells ? r->cells : r->temps;
    if (n == 0) return std::nullopt;
    double best = cells ? r->cell_mV[0] : r->temp_dC[0];
    for (std::size_t i = 1; i < n; ++i) {
      const double x = cells ? r->cell_mV[i] : r->temp_dC[i];
      best = max ? std::max(best, x) : std::min(best, x);
    }
    return cells ? best * 1e-3 : best * 0.1;
  }
  if (source_ == Source::kStatus) {
    const hw::Board& b = v.plant->board(v.plant->master(unit_));
    if (!b.powered() || !b.last_status()) return std::nullopt;
    const ssim_debug_status& s = *b.last_status();
    if (is(e, "bms_soc")) return s.soc_permille * 1e-3;
    if (is(e, "bms_current")) return s.current_mA * 1e-3;
    if (is(e, "bms_cell_voltage_max")) return s.cell_max_mV * 1e-3;
    if (is(e, "bms_cell_voltage_min")) return s.cell_min_mV * 1e-3;
    if (is(e, "bms_temperature_max")) return s.temp_max_dC * 0.1;
    if (is(e, "bms_temperature_min")) return s.temp_min_dC * 0.1;
    if (is(e, "charge_limit")) return s.charge_limit_mA * 1e-3;
    return s.discharge_limit_mA * 1e-3;
  }
  const bool system = unit_ == SIZE_MAX;
  const UnitView& cells = system ? v.sampler.observation().cells : v.sampler.unit(unit_);
  if (is(e, "voltage")) return system ? v.terminals.voltage_V : v.physics.branch_voltage_V(unit_);
  if (is(e, "current")) return system ? v.terminals.current_A : v.physics.branch_current_A(unit_);
  if (is(e, "soc")) return system ? system_soc(v.physics) : v.physics.branch_soc(unit_);
  if (is(e, "cell_voltage_max")) return cells.cell_max_V;
  if (is(e, "cell_voltage_min")) return cells.cell_min_V;
  if (is(e, "temperature_max")) return cells.temp_max_C;
  return cells.temp_min_C;
}

std::string Probe::state(const ProbeView& v) const {
  const Expectation& e = *e_;
  const auto bits_of = [&](std::size_t unit) -> std::uint32_t {
    const hw::Board& b = v.plant->board(v.plant->master(unit));
    if (!b.powered() || !b.last_status()) return 0;
    const ssim_debug_status& s = *b.last_status();
    if (is(e, "warning")) return s.warnings;
    if (is(e, "alarm")) return s.alarms;
    if (is(e, "protection")) return s.protections;
    return s.faults;
  };
  const std::size_t units = v.physics.branch_count();
  const std::size_t first = unit_ == SIZE_MAX ? 0 : unit_;
  const std::size_t last = unit_ == SIZE_MAX ? units : unit_ + 1;
  switch (source_) {
    case Source::kBits:
      for (std::size_t u = first; u < last; ++u) {
        if (bits_of(u) & mask_) return "raised";
      }
      return "clear";
    case Source::kContactors: {
      std::size_t closed = 0;
      for (std::size_t u = first; u < last; ++u) closed += v.plant->board(v.plant->master(u)).main_path_closed() ? 1 : 0;
      if (closed == last - first) return "closed";
      return closed == 0 ? "open" : "mixed";
    }
    case Source::kStatus: {
      const hw::Board& b = v.plant->board(v.plant->master(unit_));
      if (!b.powered() || !b.last_status()) return "off";
      return ssim_bms_state_name(b.last_status()->state);
    }
    case Source::kLed: {
      const hw::Board& b = v.plant->board(v.plant->master(unit_));
      return name_of(kColours, b.led(static_cast<std::uint16_t>(index_)));
    }
    case Source::kLedFlash: return flash(v, false);
    case Source::kOutput: {
      const hw::Board& b = v.plant->board(v.plant->master(unit_));
      return b.output(static_cast<ssim_output>(index_)) ? "on" : "off";
    }
    case Source::kPhysics:
    case Source::kCan:
    case Source::kModuleReport: break;
  }
  return "";
}

bool Probe::holds(const ProbeView& v) const {
  const Expectation& e = *e_;
  if (e.compare == Expectation::Compare::kIs) return state(v) == e.state;
  const auto x = number(v);
  if (!x) return false;
  switch (e.compare) {
    case Expectation::Compare::kAbove: return *x > threshold_;
    case Expectation::Compare::kBelow: return *x < threshold_;
    case Expectation::Compare::kAtLeast: return *x >= threshold_;
    case Expectation::Compare::kAtMost: return *x <= threshold_;
    case Expectation::Compare::kIs: break;
  }
  return false;
}

std::string Probe::reading(const ProbeView& v) const {
  const Expectation& e = *e_;
  if (source_ == Source::kLedFlash) return flash(v, true);
  if (e.compare == Expectation::Compare::kIs) return state(v);
  const auto x = number(v);
  if (!x) {
    if (source_ == Source::kCan) return "nothing (no such frame on the bus yet)";
    if (source_ == Source::kModuleReport) return "nothing (no report from the module yet)";
    return "nothing (no status from the firmware)";
  }
  if (!e.probe->dimension) return format(*x, "");
  switch (*e.probe->dimension) {
    case Dimension::kVoltage: return format(*x, "V");
    case Dimension::kCurrent: return format(*x, "A");
    case Dimension::kTemperature: return format(*x, "C");
    case Dimension::kRatio: return format(*x * 100.0, "%");
    default: return format(*x, "");
  }
}

std::optional<std::vector<Probe>> resolve_probes(const scenario::Scenario& sc, const SystemConfig& config,
                                                 const BmsSetup* bms, const protocol::Dbc* pcs_dbc,
                                                 Diagnostics& diags) {
  std::vector<Probe> probes;
  bool ok = true;
  for (const scenario::Expectation& e : sc.expectations) {
    auto p = Probe::resolve(e, config, bms, pcs_dbc, sc.source, diags);
    ok = ok && p.has_value();
    if (p) probes.push_back(*p);
  }
  if (!ok) return std::nullopt;
  return probes;
}

}  // namespace stacksim::sim
