#include "sim/inverter_output.hpp"

#include <cmath>
#include <cstdio>


namespace stacksim::sim {
namespace {

using Json = nlohmann::ordered_json;

double round_to(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

double seconds(std::int64_t ns) { return static_cast<double>(ns) / 1e9; }

// An unknown value (NaN) is an empty field.
void field(std::string& out, double v, const char* format) {
  out += ',';
  if (std::isnan(v)) return;
  char text[48];
  std::snprintf(text, sizeof text, format, v);
  out += text;
}

const char* mode_name(const physics::TerminalCommand& c) {
  switch (c.mode) {
    case physics::TerminalCommand::Mode::kCurrent: return "current";
    case physics::TerminalCommand::Mode::kPower: return "power";
    case physics::TerminalCommand::Mode::kVoltage: return "cv";
  }
  return "current";
}

}  // namespace

std::string inverter_csv_header(bool site) {
  std::string h = ",inv_demand_A,inv_target_A,inv_mode,inv_cv_V,inv_cvl_V,inv_dvl_V,inv_ccl_A,inv_dcl_A,"
                  "inv_charge_enable,inv_discharge_enable,inv_force_charge,inv_full_charge,inv_comm_ok,"
                  "inv_limited_by";
  if (site) h += ",site_load_W,site_pv_W,site_grid_W,site_grid_up";
  return h;
}

std::string inverter_csv_fields(const inverter::Inverter& inv) {
  const inverter::Decision& d = inv.decision();
  const inverter::BatteryView& v = inv.view();
  std::string out;
  out.reserve(160);
  field(out, d.demand_A, "%.3f");
  field(out, d.target_A, "%.3f");
  out += ',';
  out += mode_name(d.command);
  field(out, d.voltage_target_V, "%.2f");
  field(out, v.charge_voltage_V, "%.2f");
  field(out, v.discharge_voltage_V, "%.2f");
  field(out, v.charge_limit_A, "%.1f");
  field(out, v.discharge_limit_A, "%.1f");
  for (bool b : {v.charge_enable, v.discharge_enable, v.force_charge(), v.full_charge, inv.comm_ok()}) {
    out += b ? ",1" : ",0";
  }
  out += ',';
  out += inverter::limiter_name(inv.last_limiter());
  if (inv.has_site()) {
    const auto& n = inv.site_now();
    field(out, n.load_W, "%.1f");
    field(out, n.pv_W, "%.1f");
    field(out, inv.grid_W(), "%.1f");
    out += n.grid ? ",1" : ",0";
  }
  return out;
}

Json inverter_json(const inverter::InverterReport& r) {
  Json limited = Json::object();
  for (std::size_t i = 0; i < r.limited_ns.size(); ++i) {
    limited[inverter::limiter_name(static_cast<inverter::Limiter>(i))] = seconds(r.limited_ns[i]);
  }
  Json j{{"protocol", r.protocol},
         {"address", r.address},
         {"comm_timeout_s", seconds(r.comm_timeout_ns)},
         {"comm_timeout_source", r.timeout_source},
         {"frames", {{"sent", r.frames_sent},
                     {"bad_sent", r.bad_frames_sent},
                     {"received", r.frames_received},
                     {"decoded", r.frames_decoded},
                     {"malformed_from_battery", r.frames_malformed},
                     {"other_address", r.frames_other_address},
                     {"commands_sent", r.commands_sent},
                     {"mask_accepted", r.mask_accepted},
                     {"mask_refused", r.mask_refused}}},
         {"comm", {{"first_heard_s", r.first_heard_ns < 0 ? Json(nullptr) : Json(seconds(r.first_heard_ns))},
                   {"timeouts", r.comm_losses},
                   {"in_timeout_s", seconds(r.comm_lost_ns)}}},
         {"limited_by_s", limited},
         {"force_charge_s", seconds(r.force_charge_ns)},
         {"full_charge_s", seconds(r.full_charge_ns)},
         {"ignoring_limits_s", seconds(r.misbehaving_ns)},
         {"limit_violations", {{"count", r.limit_violations}, {"time_s", seconds(r.violation_ns)}}},
         {"energy", {{"charged_Wh", round_to(r.charged_Wh, 3)}, {"discharged_Wh", round_to(r.discharged_Wh, 3)}}}};
  if (r.site) {
    const auto& e = r.site_energies;
    j["site"] = {{"load_Wh", round_to(e.load_Wh, 3)},
                 {"pv_Wh", round_to(e.pv_Wh, 3)},
                 {"grid_import_Wh", round_to(e.grid_import_Wh, 3)},
                 {"grid_export_Wh", round_to(e.grid_export_Wh, 3)},
                 {"unserved_Wh", round_to(e.unserved_Wh, 3)},
                 {"curtailed_Wh", round_to(e.curtailed_Wh, 3)},
                 {"grid_down_s", seconds(e.grid_down_ns)}};
  }
  return j;
}

}  // namespace stacksim::sim
