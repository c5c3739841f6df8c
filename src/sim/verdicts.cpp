#include "sim/verdicts.hpp"

#include "sim/plant.hpp"
#include "util/quantity.hpp"

namespace stacksim::sim {
namespace {

using scenario::Expectation;
using When = scenario::Expectation::When;

std::string target_of(const scenario::FaultEvent& e) {
  std::string t;
  const auto add = [&t](const std::string& part) { t += (t.empty() ? "" : " ") + part; };
  if (e.unit) add("unit " + std::to_string(e.unit));
  if (e.module) add("module " + std::to_string(e.module));
  if (e.cell) add("cell " + std::to_string(e.cell));
  if (e.sensor) add("sensor " + std::to_string(e.sensor));
  if (!e.contactor.empty()) add(e.contactor + " contactor");
  if (!e.bus.empty()) add("bus " + e.bus);
  return t.empty() ? "system" : t;
}

// The first bit of `bits` by name: a protection row, or a diagnosis.
std::string first_bit(const ssim_debug_status& now, std::uint32_t old_bits, const std::vector<std::string>& rows) {
  const std::uint32_t rows_new = (now.warnings | now.alarms | now.protections) & ~old_bits;
  for (std::size_t i = 0; i < rows.size() && i < 32; ++i) {
    if (rows_new & (1u << i)) {
      const char* tier = (now.protections >> i) & 1u ? "protection" : ((now.alarms >> i) & 1u ? "alarm" : "warning");
      return std::string(tier) + " " + rows[i];
    }
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "diagnosis 0x%x", now.faults & ~old_bits);
  return buf;
}

}  // namespace

Judge::Judge(const scenario::Scenario& sc, std::vector<Probe> probes, std::vector<std::string> protection_rows)
    : sc_(sc), probes_(std::move(probes)), rows_(std::move(protection_rows)) {
  for (const Expectation& e : sc.expectations) {
    Verdict v;
    v.name = e.name;
    v.rule = scenario::describe(e);
    v.pointer = e.pointer;
    verdicts_.push_back(v);
    pending_.push_back({});
  }
  for (const scenario::FaultEvent& e : sc.timeline) {
    FaultTiming f;
    f.name = e.name;
    f.fault = e.spec->name;
    f.mode = e.mode->name;
    f.target = target_of(e);
    f.at_ns = e.at_ns;
    if (e.for_ns) f.until_ns = e.at_ns + *e.for_ns;
    faults_.push_back(f);
  }
  baselines_.resize(faults_.size());
  fault_active_.assign(faults_.size(), false);
}

void Judge::decide(std::size_t i, bool met, std::int64_t t_ns, std::string detail) {
  pending_[i].open = false;
  verdicts_[i].met = met;
  verdicts_[i].at_ns = t_ns;
  verdicts_[i].detail = std::move(detail);
}

void Judge::fault_started(std::size_t event, std::int64_t t_ns, const ProbeView& v) {
  for (std::size_t i = 0; i < sc_.expectations.size(); ++i) {
    const Expectation& e = sc_.expectations[i];
    if (e.when == When::kWithin && e.after == sc_.timeline[event].name && !pending_[i].window_start_ns) {
      pending_[i].window_start_ns = t_ns;
    }
  }
  fault_active_[event] = true;
  if (v.plant == nullptr) return;
  std::vector<UnitBaseline>& base = baselines_[event];
  base.assign(v.physics.branch_count(), {});
  for (std::size_t u = 0; u < base.size(); ++u) {
    const hw::Board& b = v.plant->board(v.plant->master(u));
    base[u].path_closed = b.main_path_closed();
    if (b.powered() && b.last_status()) {
      const ssim_debug_status& s = *b.last_status();
      base[u].bits = s.warnings | s.alarms | s.protections;
      base[u].bits |= s.faults;
      base[u].charge_allowed = s.charge_limit_mA > 0;
      base[u].discharge_allowed = s.discharge_limit_mA > 0;
    }
  }
}

void Judge::time_faults(std::int64_t t_ns, const ProbeView& v) {
  if (v.plant == nullptr) return;
  for (std::size_t f = 0; f < faults_.size(); ++f) {
    FaultTiming& ft = faults_[f];
    if (!fault_active_[f]) continue;
    if (ft.until_ns && t_ns > *ft.until_ns) {
      fault_active_[f] = false;
      continue;
    }
    for (std::size_t u = 0; u < baselines_[f].size(); ++u) {
      const UnitBaseline& base = baselines_[f][u];
      const hw::Board& b = v.plant->board(v.plant->master(u));
      const bool status = b.powered() && b.last_status();
      if (!ft.detected_ns && status) {
        const ssim_debug_status& s = *b.last_status();
        // Rows and diagnoses share one baseline word: a new bit in either counts.
        const std::uint32_t now_bits = s.warnings | s.alarms | s.protections | s.faults;
        if ((now_bits & ~base.bits) != 0) {
          ft.detected_ns = t_ns;
          ft.detected_by = "unit " + std::to_string(u + 1) + " " + first_bit(s, base.bits, rows_);
        }
      }
      if (!ft.reacted_ns) {
        const bool opened = base.path_closed && !b.main_path_closed();
        const bool limited = status && ((base.charge_allowed && b.last_status()->charge_limit_mA <= 0) ||
                                        (base.discharge_allowed && b.last_status()->discharge_limit_mA <= 0));
        if (opened || limited) ft.reacted_ns = t_ns;
      }
    }
  }
}

void Judge::observe(std::int64_t t_ns, const ProbeView& v) {
  time_faults(t_ns, v);
  for (std::size_t i = 0; i < probes_.size(); ++i) {
    if (!pending_[i].open) continue;
    const Expectation& e = sc_.expectations[i];
    switch (e.when) {
      case When::kBy: {
        // Holds at the deadline; met when it last became true before it.
        auto& since = pending_[i].holding_since_ns;
        const bool holds = probes_[i].holds(v);
        if (!holds) since.reset();
        else if (!since) since = t_ns;
        if (t_ns < e.to_ns) break;
        if (holds) decide(i, true, *since, probes_[i].reading(v) + " from " + format_duration_ns(*since));
        else decide(i, false, t_ns, "not at " + format_duration_ns(e.to_ns) + "; it read " + probes_[i].reading(v));
        break;
      }
      case When::kWithin: {
        const auto start = pending_[i].window_start_ns;
        if (!start) break;
        if (t_ns > *start + e.to_ns) {
          decide(i, false, *start + e.to_ns,
                 "not within " + format_duration_ns(e.to_ns) + " after " + e.after + "; it read " + probes_[i].reading(v));
        } else if (probes_[i].holds(v)) {
          decide(i, true, t_ns, probes_[i].reading(v) + ", " + format_duration_ns(t_ns - *start) + " after " + e.after);
        }
        break;
      }
      case When::kDuring:
        if (t_ns < e.from_ns) break;
        if (!probes_[i].holds(v)) decide(i, false, t_ns, "it read " + probes_[i].reading(v));
        else if (t_ns >= e.to_ns) decide(i, true, t_ns, probes_[i].reading(v));
        break;
      case When::kAlways:
        if (!probes_[i].holds(v)) decide(i, false, t_ns, "it read " + probes_[i].reading(v));
        break;
      case When::kNever:
        if (probes_[i].holds(v)) decide(i, false, t_ns, "it read " + probes_[i].reading(v));
        break;
    }
  }
}

void Judge::finish(std::int64_t end_ns, const ProbeView& v) {
  const std::string ended = "the run ended at " + format_duration_ns(end_ns);
  for (std::size_t i = 0; i < probes_.size(); ++i) {
    if (!pending_[i].open) continue;
    const Expectation& e = sc_.expectations[i];
    switch (e.when) {
      case When::kAlways:
      case When::kNever: decide(i, true, end_ns, "held to the end; it reads " + probes_[i].reading(v)); break;
      case When::kWithin:
        decide(i, false, end_ns, pending_[i].window_start_ns ? ended + " inside the window" : e.after + " never happened");
        break;
      case When::kBy:
      case When::kDuring: decide(i, false, end_ns, ended + " before " + format_duration_ns(e.to_ns)); break;
    }
  }
}

bool Judge::passed() const {
  for (const Verdict& v : verdicts_) {
    if (!v.met) return false;
  }
  return true;
}

}  // namespace stacksim::sim
