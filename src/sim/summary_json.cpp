#include "sim/summary_json.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/inverter_output.hpp"
#include "util/quantity.hpp"

#ifndef STACKSIM_VERSION
#define STACKSIM_VERSION "unknown"
#endif

namespace stacksim::sim {
namespace {

using Json = nlohmann::ordered_json;

std::string hex32(std::uint32_t v) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", v);
  return text;
}

Json bms_json(const BmsSummary& b, const std::vector<UnitTotals>& totals) {
  Json firmware = Json::array();
  for (const auto& f : b.firmware) {
    firmware.push_back({{"role", f.role}, {"name", f.name}, {"version", f.version},
                        {"origin", f.origin},
                        {f.sha256.empty() ? "build_id" : "sha256", f.sha256.empty() ? f.build_id : f.sha256}});
  }
  Json units = Json::array();
  for (std::size_t i = 0; i < b.units.size(); ++i) {
    const BmsUnitEnd& u = b.units[i];
    units.push_back({{"name", i < totals.size() ? totals[i].name : ""},
                     {"state", u.state},
                     {"soc_pct", u.soc_pct},
                     {"alarms", hex32(u.alarms)},
                     {"protections", hex32(u.protections)},
                     {"faults", hex32(u.faults)},
                     {"path_closed", u.path_closed},
                     {"cross_check", {{"instants", u.compared},
                                      {"cell_error_max_mV", std::round(u.cell_error_max_mV * 10) / 10},
                                      {"temp_error_max_C", std::round(u.temp_error_max_C * 100) / 100}}}});
  }
  return {{"firmware", firmware},
          {"protection_rows", b.protection_rows},
          {"boards", b.boards},
          {"units", units},
          {"log_lines", b.log_lines},
          {"failed_starts", b.failed_starts},
          {"buses", {{"can_frames", b.can_frames},
                     {"rs485_bursts", b.rs485_bursts},
                     {"rs485_collisions", b.rs485_collisions}}}};
}

// Rounded to `decimals` so the file shows meaningful digits, not binary noise
// (dividing by the power of ten gives the double nearest the decimal).
double round_to(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

// Dividing (one rounding) gives the double nearest the exact time; multiplying
// by 1e-9 (itself inexact) printed 120 s as 120.00000000000001.
double seconds(std::int64_t ns) { return static_cast<double>(ns) / 1e9; }

Json totals(const UnitTotals& t) {
  return Json{{"name", t.name},
              {"soc_start_pct", round_to(t.soc_start * 100.0, 4)},
              {"soc_end_pct", round_to(t.soc_end * 100.0, 4)},
              {"voltage_end_V", round_to(t.voltage_end_V, 4)},
              {"cell_min_V", round_to(t.cell_min_V, 4)},
              {"cell_max_V", round_to(t.cell_max_V, 4)},
              {"temp_min_C", round_to(t.temp_min_C, 3)},
              {"temp_max_C", round_to(t.temp_max_C, 3)},
              {"charge_in_Ah", round_to(t.charge_in_Ah, 4)},
              {"charge_out_Ah", round_to(t.charge_out_Ah, 4)},
              {"energy_in_Wh", round_to(t.energy_in_Wh, 3)},
              {"energy_out_Wh", round_to(t.energy_out_Wh, 3)},
              {"capacity_end_Ah", round_to(t.capacity_Ah, 4)}};
}

}  // namespace

namespace {

Json optional_seconds(const std::optional<std::int64_t>& ns) { return ns ? Json(seconds(*ns)) : Json(nullptr); }

Json verdicts_json(const std::vector<Verdict>& verdicts) {
  Json out = Json::array();
  for (const Verdict& v : verdicts) {
    out.push_back({{"name", v.name},
                   {"rule", v.rule},
                   {"pointer", v.pointer},
                   {"result", v.met ? "met" : "missed"},
                   {"at_s", seconds(v.at_ns)},
                   {"detail", v.detail}});
  }
  return out;
}

Json faults_json(const std::vector<FaultTiming>& faults) {
  Json out = Json::array();
  for (const FaultTiming& f : faults) {
    const auto after = [&f](const std::optional<std::int64_t>& t) {
      return t ? std::optional<std::int64_t>(*t - f.at_ns) : std::nullopt;
    };
    out.push_back({{"name", f.name},
                   {"fault", f.fault},
                   {"mode", f.mode},
                   {"target", f.target},
                   {"at_s", seconds(f.at_ns)},
                   {"until_s", optional_seconds(f.until_ns)},
                   {"detected_s", optional_seconds(f.detected_ns)},
                   {"detection_time_s", optional_seconds(after(f.detected_ns))},
                   {"detected_by", f.detected_by},
                   {"reacted_s", optional_seconds(f.reacted_ns)},
                   {"reaction_time_s", optional_seconds(after(f.reacted_ns))}});
  }
  return out;
}

Json serve_json(const ServeReport& r) {
  Json buses = Json::array();
  for (const ExternalBusReport& b : r.buses) {
    buses.push_back({{"bus", b.bus}, {"spec", b.spec}, {"frames_in", b.frames_in}, {"frames_out", b.frames_out},
                     {"frames_dropped", b.frames_dropped}, {"frames_refused", b.frames_refused},
                     {"malformed", b.malformed}, {"clients", b.clients}});
    if (!b.controller_state.empty()) {
      buses.back()["error_frames"] = b.error_frames;
      buses.back()["controller_state"] = b.controller_state;
    }
    if (!b.slcan_mode.empty()) {
      buses.back()["slcan_bitrate_bps"] = b.slcan_bitrate_bps;
      buses.back()["slcan_mode"] = b.slcan_mode;
    }
  }
  const auto ms = [](std::int64_t ns) { return round_to(static_cast<double>(ns) * 1e-6, 3); };
  return {{"speed", r.speed},
          {"stopped_by_signal", r.stopped_by_signal},
          {"lateness_ms", {{"ticks", r.lateness.ticks}, {"p50", ms(r.lateness.p50_ns)}, {"p99", ms(r.lateness.p99_ns)},
                           {"max", ms(r.lateness.max_ns)}}},
          {"buses", buses}};
}

}  // namespace

bool write_summary_json(const std::filesystem::path& path, const scenario::Scenario& sc,
                        const SystemConfig& config, const RunSummary& s) {
  Json profile = Json::array();
  for (const StepEnd& e : s.profile) {
    profile.push_back({{"step", e.step + 1},
                       {"pointer", sc.profile[e.step].pointer},
                       {"ended_at", format_duration_ns(e.time_ns)},
                       {"ended_at_s", seconds(e.time_ns)},
                       {"ended_by", e.reason}});
  }
  Json units = Json::array();
  for (const UnitTotals& u : s.units) units.push_back(totals(u));
  Json j{{"stacksim_version", STACKSIM_VERSION},
         {"scenario", {{"file", sc.file}, {"name", sc.name}, {"sha256", sc.sha256}}},
         {"seed", s.seed},
         {"system", {{"name", config.name},
                     {"product", config.product.name},
                     {"units", config.units},
                     {"modules_per_unit", config.modules_per_unit},
                     {"cell", config.cell.name}}},
         {"result", "completed"},
         {"simulated", format_duration_ns(s.simulated_ns)},
         {"simulated_s", seconds(s.simulated_ns)},
         {"step", format_duration_ns(sc.step_ns)},
         {"steps", s.steps},
         {"terminals", totals(s.system)},
         {"units", units},
         {"profile", profile},
         {"flags", {{"open_circuit_steps", s.open_circuit_steps},
                    {"power_limited_steps", s.power_limited_steps}}},
         {"heat", {{"cells_J", round_to(s.cell_heat_J, 3)},
                   {"resistors_J", round_to(s.external_heat_J, 3)}}}};
  if (s.bms) j["bms"] = bms_json(*s.bms, s.units);
  if (s.inverter) j["inverter"] = inverter_json(*s.inverter);
  if (s.replay) j["replay"] = replay_json(*s.replay);
  if (s.stopped_early) j["stopped_early"] = true;
  if (s.serve) j["serve"] = serve_json(*s.serve);
  j["verdict"] = s.passed() ? "passed" : "failed";
  j["expectations"] = verdicts_json(s.verdicts);
  j["faults"] = faults_json(s.faults);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  const std::string text = j.dump(2) + "\n";
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  return (std::fclose(f) == 0) && ok;
}

}  // namespace stacksim::sim
