// models/cells/*.json -> physics::CellParams.
#include <cmath>
#include <string>
#include <vector>

#include "sim/model_files.hpp"
#include "sim/model_reading.hpp"

namespace stacksim::sim {
namespace {

constexpr double kSecondsPerMonth = 30.0 * 86400.0;

struct ResistanceAt50 {
  double r0_ohm, r1_ohm, tau1_s, r2_ohm, tau2_s;
};

struct Grid {
  std::size_t soc_points = 0;
  double t_from_C = 0.0, t_to_C = 0.0;
  std::size_t t_points = 0;
};

// R(SOC, T) = R(50 %, T_ref) * shape(SOC) / arrhenius_rate(T); tau scales with
// R because the capacitance of each pair is taken as constant.
physics::RcTables build_rc(const ResistanceAt50& r, const physics::Breakpoints& shape,
                           const Grid& grid, double activation, double reference_C) {
  std::vector<double> factor(grid.soc_points * grid.t_points);
  for (std::size_t i = 0; i < grid.soc_points; ++i) {
    const double soc = static_cast<double>(i) / static_cast<double>(grid.soc_points - 1);
    for (std::size_t j = 0; j < grid.t_points; ++j) {
      const double t_C = grid.t_from_C + (grid.t_to_C - grid.t_from_C) * static_cast<double>(j) /
                                             static_cast<double>(grid.t_points - 1);
      factor[i * grid.t_points + j] = shape(soc) / physics::arrhenius_rate(activation, t_C, reference_C);
    }
  }
  const auto table = [&](double at50) {
    std::vector<double> v(factor);
    for (double& x : v) x *= at50;
    return physics::UniformTable2D(0.0, 1.0, grid.soc_points, grid.t_from_C, grid.t_to_C,
                                   grid.t_points, std::move(v));
  };
  return {table(r.r0_ohm), table(r.r1_ohm), table(r.tau1_s), table(r.r2_ohm), table(r.tau2_s)};
}

void read_thermal(const JsonDocument& doc, ObjectReader& top, physics::ThermalParams& t,
                  Diagnostics& diags) {
  const nlohmann::json* node = top.child("thermal", true);
  if (!node) return;
  ObjectReader r(doc, *node, top.pointer_of("thermal"), diags);
  t.heat_capacity_J_per_K = sourced(doc, r, "heat_capacity_J_per_K", 1.0, 1e7, diags).value_or(1.0);
  t.to_ambient_W_per_K = sourced(doc, r, "to_ambient_W_per_K", 0.0, 1e4, diags).value_or(0.0);
  t.to_neighbour_W_per_K = sourced(doc, r, "to_neighbour_W_per_K", 0.0, 1e4, diags).value_or(0.0);
  t.to_module_W_per_K = sourced(doc, r, "to_module_W_per_K", 0.0, 1e4, diags).value_or(0.0);
  r.finish();
}

void read_ageing(const JsonDocument& doc, ObjectReader& top, physics::AgeingParams& a,
                 Diagnostics& diags) {
  const nlohmann::json* node = top.child("ageing", true);
  if (!node) return;
  ObjectReader r(doc, *node, top.pointer_of("ageing"), diags);
  a.reference_temperature_C = r.number("reference_temperature_C", true, -50, 100).value_or(25.0);
  a.update_period_s = r.number("update_period_s", true, 1.0, 86400.0 * 30).value_or(3600.0);
  if (const nlohmann::json* cal = r.child("calendar", true)) {
    ObjectReader c(doc, *cal, r.pointer_of("calendar"), diags);
    a.calendar_k_per_day_pow = sourced(doc, c, "k_per_day_pow", 0.0, 1.0, diags).value_or(0.0);
    a.calendar_exponent = sourced(doc, c, "exponent", 0.1, 2.0, diags).value_or(0.5);
    a.calendar_activation_J_per_mol = sourced(doc, c, "activation_J_per_mol", 0.0, 2e5, diags).value_or(0.0);
    a.calendar_soc_cubic = sourced(doc, c, "soc_cubic", -8.0, 8.0, diags).value_or(0.0);
    c.finish();
  }
  if (const nlohmann::json* cyc = r.child("cycle", true)) {
    ObjectReader c(doc, *cyc, r.pointer_of("cycle"), diags);
    a.cycle_k_per_efc_pow = sourced(doc, c, "k_per_efc_pow", 0.0, 1.0, diags).value_or(0.0);
    a.cycle_exponent = sourced(doc, c, "exponent", 0.1, 2.0, diags).value_or(0.55);
    a.cycle_activation_J_per_mol = sourced(doc, c, "activation_J_per_mol", 0.0, 2e5, diags).value_or(0.0);
    a.cycle_c_rate_slope = sourced(doc, c, "c_rate_slope", 0.0, 100.0, diags).value_or(0.0);
    a.cycle_reference_c_rate = sourced(doc, c, "reference_c_rate", 0.01, 10.0, diags).value_or(0.5);
    a.cycle_dod_cubic = sourced(doc, c, "dod_cubic", -100.0, 100.0, diags).value_or(0.0);
    a.cycle_dod_offset = sourced(doc, c, "dod_offset", 0.01, 100.0, diags).value_or(1.0);
    a.cycle_reference_dod = sourced(doc, c, "reference_dod", 0.01, 1.0, diags).value_or(0.8);
    c.finish();
  }
  if (const nlohmann::json* res = r.child("resistance", true)) {
    ObjectReader c(doc, *res, r.pointer_of("resistance"), diags);
    a.resistance_per_efc = sourced(doc, c, "per_efc", 0.0, 1.0, diags).value_or(0.0);
    a.resistance_per_day = sourced(doc, c, "per_day", 0.0, 1.0, diags).value_or(0.0);
    c.finish();
  }
  r.finish();
}

void read_spread(const JsonDocument& doc, ObjectReader& top, physics::SpreadParams& s,
                 Diagnostics& diags) {
  const nlohmann::json* node = top.child("spread", true);
  if (!node) return;
  ObjectReader r(doc, *node, top.pointer_of("spread"), diags);
  s.capacity_sigma = sourced(doc, r, "capacity_sigma", 0.0, 0.2, diags).value_or(0.0);
  s.resistance_sigma = sourced(doc, r, "resistance_sigma", 0.0, 0.2, diags).value_or(0.0);
  s.self_discharge_sigma = sourced(doc, r, "self_discharge_log_sigma", 0.0, 2.0, diags).value_or(0.0);
  r.finish();
}

std::optional<physics::OcvTable> read_ocv(const JsonDocument& doc, ObjectReader& top,
                                          double& hysteresis_rate, Diagnostics& diags) {
  const nlohmann::json* node = top.child("ocv", true);
  if (!node) return std::nullopt;
  ObjectReader r(doc, *node, top.pointer_of("ocv"), diags);
  const auto ref_C = r.number("reference_temperature_C", true, -50.0, 100.0);
  const auto intervals = r.integer("grid_intervals", true, 10, 100000);
  const auto soc = r.numbers("soc", true, 0);
  const auto mean = r.numbers("mean_V", true, 0);
  require_source(r);
  const auto gap = breakpoints(doc, r, "half_gap", "V", 0.0, 0.5, 1.0, diags, false);
  const auto ent = breakpoints(doc, r, "entropic", "mV_per_K", -5.0, 5.0, 1e-3, diags, false);
  hysteresis_rate = sourced(doc, r, "hysteresis_rate", 0.0, 1e4, diags).value_or(0.0);
  r.finish();
  if (!soc || !mean || !gap || !ent || !ref_C || !intervals) return std::nullopt;
  bool ok = soc->size() == mean->size() && soc->size() >= 2 && soc->front() == 0.0 &&
            soc->back() == 1.0;
  for (std::size_t i = 1; ok && i < soc->size(); ++i) {
    ok = (*soc)[i] > (*soc)[i - 1] && (*mean)[i] > (*mean)[i - 1] && (*mean)[i - 1] > 0.0;
  }
  if (!ok) {
    r.error("mean_V",
            "expected 'soc' from 0 to 1 and 'mean_V' of the same length, both strictly increasing");
    return std::nullopt;
  }
  return physics::OcvTable::build({*soc, *mean}, *ent, *gap, *ref_C,
                                  static_cast<std::size_t>(*intervals));
}

bool read_resistance(const JsonDocument& doc, ObjectReader& top, physics::CellParams& cell,
                     Diagnostics& diags) {
  const nlohmann::json* node = top.child("resistance", true);
  if (!node) return false;
  ObjectReader r(doc, *node, top.pointer_of("resistance"), diags);
  const auto ref_C = r.number("reference_temperature_C", true, -50.0, 100.0);
  Grid grid;
  grid.soc_points = static_cast<std::size_t>(r.integer("soc_points", true, 2, 1001).value_or(2));
  if (const nlohmann::json* t = r.child("temperature_C", true)) {
    ObjectReader tr(doc, *t, r.pointer_of("temperature_C"), diags);
    grid.t_from_C = tr.number("from", true, -100.0, 100.0).value_or(0.0);
    grid.t_to_C = tr.number("to", true, -100.0, 200.0).value_or(0.0);
    grid.t_points = static_cast<std::size_t>(tr.integer("points", true, 2, 1001).value_or(2));
    if (grid.t_to_C <= grid.t_from_C) tr.error("to", "expected 'to' above 'from'");
    tr.finish();
  }
  const auto activation = sourced(doc, r, "activation_J_per_mol", 0.0, 2e5, diags);
  ResistanceAt50 at50{};
  bool ok = true;
  if (const nlohmann::json* a = r.child("at_50pct_soc", true)) {
    ObjectReader ar(doc, *a, r.pointer_of("at_50pct_soc"), diags);
    const auto r0 = ar.number("r0_mOhm", true, 1e-6, 1e4);
    const auto r1 = ar.number("r1_mOhm", true, 1e-6, 1e4);
    const auto t1 = ar.number("tau1_s", true, 1e-6, 1e6);
    const auto r2 = ar.number("r2_mOhm", true, 1e-6, 1e4);
    const auto t2 = ar.number("tau2_s", true, 1e-6, 1e6);
    require_source(ar);
    ar.finish();
    ok = r0 && r1 && t1 && r2 && t2;
    if (ok) at50 = {*r0 * 1e-3, *r1 * 1e-3, *t1, *r2 * 1e-3, *t2};
  }
  std::optional<physics::Breakpoints> dis, chg;
  if (const nlohmann::json* s = r.child("soc_shape", true)) {
    ObjectReader sr(doc, *s, r.pointer_of("soc_shape"), diags);
    const auto soc = sr.numbers("soc", true, 0);
    const auto d = sr.numbers("discharge", true, soc ? soc->size() : 0);
    const auto c = sr.numbers("charge", true, soc ? soc->size() : 0);
    require_source(sr);
    sr.finish();
    if (soc && d && c) {
      // The shape must cover SOC 0..1: beyond its ends it would extrapolate,
      // possibly to negative resistances.
      bool shape_ok = soc->size() >= 2 && soc->front() == 0.0 && soc->back() == 1.0;
      for (std::size_t i = 0; shape_ok && i < soc->size(); ++i) {
        shape_ok = (i == 0 || (*soc)[i] > (*soc)[i - 1]) && (*d)[i] > 0.0 && (*c)[i] > 0.0;
      }
      if (shape_ok) {
        dis = physics::Breakpoints{*soc, *d};
        chg = physics::Breakpoints{*soc, *c};
      } else {
        sr.error("soc", "expected at least 2 points from SOC 0 to 1, strictly increasing, with "
                        "positive 'discharge' and 'charge' factors");
      }
    }
  }
  r.finish();
  if (!ok || !dis || !chg || !activation || !ref_C || grid.t_to_C <= grid.t_from_C) return false;
  cell.discharge = build_rc(at50, *dis, grid, *activation, *ref_C);
  cell.charge = build_rc(at50, *chg, grid, *activation, *ref_C);
  return true;
}

}  // namespace

std::optional<physics::CellParams> load_cell_file(const std::filesystem::path& path,
                                                  Diagnostics& diags) {
  const std::size_t before = diags.size();
  auto doc = load_json_file(path, path.string(), diags);
  if (!doc) return std::nullopt;
  ObjectReader r(*doc, doc->root, "", diags);
  check_format(r, "stacksim-cell");
  physics::CellParams cell;
  cell.name = r.string("name", true).value_or("");
  if (!cell.name.empty() && cell.name != path.stem().string()) {
    r.error("name", "expected the file's own name \"" + path.stem().string() + "\"");
  }
  r.string("description", true);
  r.child("references", false);
  cell.capacity_Ah = sourced(*doc, r, "capacity_Ah", 0.001, 1e5, diags).value_or(1.0);
  cell.coulombic_efficiency = sourced(*doc, r, "coulombic_efficiency", 0.9, 1.0, diags).value_or(1.0);
  cell.self_discharge_per_s =
      sourced(*doc, r, "self_discharge_per_month", 0.0, 0.5, diags).value_or(0.0) / kSecondsPerMonth;
  cell.self_discharge_activation_J_per_mol =
      sourced(*doc, r, "self_discharge_activation_J_per_mol", 0.0, 2e5, diags).value_or(0.0);
  if (const nlohmann::json* lim = r.child("voltage_limits_V", true)) {
    ObjectReader lr(*doc, *lim, r.pointer_of("voltage_limits_V"), diags);
    cell.min_voltage_V = lr.number("min", true, 0.0, 10.0).value_or(0.0);
    cell.max_voltage_V = lr.number("max", true, 0.0, 10.0).value_or(0.0);
    require_source(lr);
    if (cell.max_voltage_V <= cell.min_voltage_V) lr.error("max", "expected 'max' above 'min'");
    lr.finish();
  }
  auto ocv = read_ocv(*doc, r, cell.hysteresis_rate, diags);
  const bool rc_ok = read_resistance(*doc, r, cell, diags);
  read_thermal(*doc, r, cell.thermal, diags);
  read_ageing(*doc, r, cell.ageing, diags);
  read_spread(*doc, r, cell.spread, diags);
  r.finish();
  if (!ocv || !rc_ok || diags.size() != before) return std::nullopt;
  cell.ocv = std::move(*ocv);
  return cell;
}

}  // namespace stacksim::sim
