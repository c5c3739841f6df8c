// The scenario's optional "inverter" section as the user wrote it, checked for
// form and units (docs/scenarios.md, docs/inverter.md). The inverter model
// (src/inverter) runs from it; nothing here knows about CAN or physics.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/diagnostics.hpp"
#include "util/json_document.hpp"
#include "util/object_reader.hpp"

namespace stacksim::scenario {

// PCS protocol profiles a scenario may name ("auto" is accepted too: the
// profile the firmware is configured for). src/inverter registers one profile
// per name; a test keeps the two lists equal.
inline constexpr const char* kInverterProtocols[] = {"pylon-lv", "pylon-hv", "sofar-hv",
                                                     "growatt-lv"};
inline constexpr const char* kAutoProtocol = "auto";

inline constexpr std::int64_t kDay_ns = 86'400'000'000'000;

// A power over time. Series points are times since 0 s, daily points times
// of the local day; between points the power is linear, before the first and
// after the last point of a series it holds, and a daily curve wraps midnight.
struct PowerCurve {
  enum class Kind { kConstant, kSeries, kDaily };
  struct Point {
    std::int64_t at_ns = 0;
    double power_W = 0.0;
  };
  Kind kind = Kind::kConstant;
  std::vector<Point> points;  // kConstant: exactly one, at 0
};

// [from, to) since 0 s.
struct RunWindow {
  std::int64_t from_ns = 0;
  std::int64_t to_ns = 0;
};

// [from, to) of the local day; from > to wraps midnight ("22:00" to "06:00").
struct DailyWindow {
  std::int64_t from_ns = 0;
  std::int64_t to_ns = 0;
};

struct TariffWindow {
  DailyWindow window;
  double charge_power_W = 0.0;  // charged from the grid while it is available
};

struct SiteSetup {
  PowerCurve load;  // household consumption, W >= 0
  PowerCurve pv;    // PV production, W >= 0
  std::vector<RunWindow> grid_outages;
  std::vector<TariffWindow> tariffs;
  std::optional<double> export_limit_W;  // none: unlimited
};

enum class MisbehaviourKind { kIgnoreLimits, kSilent, kMalformedFrames, kOutOfRange, kWrongAddress };
inline constexpr const char* kMisbehaviourNames[] = {"ignore_limits", "silent", "malformed_frames",
                                                     "out_of_range", "wrong_address"};

struct Misbehaviour {
  MisbehaviourKind kind = MisbehaviourKind::kSilent;
  RunWindow window;                      // to_ns = INT64_MAX: until the end
  std::int64_t every_ns = 1'000'000'000;  // malformed_frames, out_of_range: one bad frame per period
  int address = 1;                        // wrong_address: the address used instead
  std::string pointer;
};

struct InverterSetup {
  std::string protocol = kAutoProtocol;  // a kInverterProtocols name or "auto"
  std::string pointer;                   // of the section, for later checks
  std::optional<int> address;            // Pylon HV nibble / Sofar battery id; none: the profile's
  std::optional<std::int64_t> comm_timeout_ns;  // none: the profile's documented value
  enum class Demand { kProfile, kSite };
  Demand demand = Demand::kProfile;
  SiteSetup site;
  double force_charge_power_W = 500.0;
  DailyWindow full_charge_window{3 * 3'600'000'000'000, 6 * 3'600'000'000'000};
  std::optional<double> full_charge_power_W;  // none: as much as the charge limit allows
  // Largest rise of the current magnitude per second; none: no ramp.
  std::optional<double> ramp_per_s;
  bool ramp_c_rate = false;
  std::vector<Misbehaviour> misbehaviour;
};

// "HH:MM" or "HH:MM:SS" (00:00 ... 24:00) to ns since local midnight.
std::optional<std::int64_t> parse_time_of_day_ns(const std::string& text);

// Reads the "inverter" object at `pointer`; every problem goes to `diags`.
// `step_ns` is the scenario's step (0 if unknown): periods must be multiples.
std::optional<InverterSetup> read_inverter_section(const JsonDocument& doc,
                                                   const nlohmann::json& node,
                                                   const std::string& pointer,
                                                   std::int64_t step_ns, Diagnostics& diags);

}  // namespace stacksim::scenario
