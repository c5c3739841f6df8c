// The inverter's energy management: from the demand and what the battery
// allows (BatteryView) to the terminal command of one step.
//
//   - charge: at most the charge limit (CCL) and only with the charge enable;
//     CC-CV at the charge voltage (CVL): TerminalCommand::voltage(CVL, limit),
//     so the current tapers as the battery approaches CVL;
//   - discharge: at most the discharge limit (DCL) and only with the discharge
//     enable, held at the discharge voltage (DVL) the same way, so it stops
//     there; a battery already past CVL / DVL is not pushed back (current 0);
//   - force charge (I or II): charges from the grid, if available, at
//     `force_charge_power_W` (at least), even against a discharge demand, until
//     the request clears;
//   - full-charge request: inside the daily window, charges from the grid at
//     `full_charge_power_W` (default: as much as CCL allows) up to CVL until
//     the request clears;
//   - communication lost (or never established): current 0;
//   - no DC voltage at the terminals (the battery's path is open): current 0;
//   - an optional ramp: the current's magnitude rises by at most
//     `ramp_A_per_s` per second; it may always fall at once (a PCS follows a
//     lowered limit immediately).
// With `ignore_limits` (a misbehaving PCS) the demand goes to the terminals
// as it is.
#pragma once

#include <cstdint>
#include <optional>

#include "inverter/battery_view.hpp"
#include "inverter/demand.hpp"
#include "physics/command.hpp"
#include "scenario/inverter_section.hpp"

namespace stacksim::inverter {

struct EnergyConfig {
  double force_charge_power_W = 500.0;
  scenario::DailyWindow full_charge_window{3 * 3'600'000'000'000, 6 * 3'600'000'000'000};
  std::optional<double> full_charge_power_W;
  std::optional<double> ramp_A_per_s;
  std::int64_t start_epoch_s = 0;  // local calendar time at 0 s
};

// What bounded the current of a step.
enum class Limiter : std::uint8_t {
  kNone,              // the demand itself
  kChargeLimit,       // CCL
  kDischargeLimit,    // DCL
  kChargeVoltage,     // CVL (the taper)
  kDischargeVoltage,  // DVL
  kDisabled,          // the direction's enable bit is clear (or its limit is 0)
  kCommLost,
  kNoVoltage,         // no DC voltage at the terminals
  kRamp,
};
const char* limiter_name(Limiter l);

// The terminals as the inverter measured them after the previous step.
struct Measured {
  double voltage_V = 0.0;
  double current_A = 0.0;
};

struct Decision {
  physics::TerminalCommand command;
  double demand_A = 0.0;  // the demand as a current, force / full charge included
  double target_A = 0.0;  // the current the command allows (a CV phase may give less)
  double voltage_target_V = kUnknown;  // the CV voltage, if any
  Limiter limiter = Limiter::kNone;
  // What bounds the current if the CV voltage, not the limit, sets it: the
  // battery's CVL / DVL, or kNone for the demand's own voltage.
  Limiter voltage_limiter = Limiter::kNone;
  bool force_charging = false;
  bool full_charging = false;
  bool obeying = true;    // false while ignoring the battery's limits
};

class EnergyManager {
 public:
  explicit EnergyManager(const EnergyConfig& config) : config_(config) {}

  Decision decide(std::int64_t now_ns, std::int64_t dt_ns, const Demand& demand,
                  const BatteryView& view, bool comm_ok, bool ignore_limits,
                  const Measured& last) const;
  // Whether `now_ns` lies in the full-charge window of the local day.
  bool in_full_charge_window(std::int64_t now_ns) const;

 private:
  EnergyConfig config_;
};

// What actually bounded the step's current, once the physics has run: a CV
// command whose current stayed below its limit was bounded by the voltage.
Limiter settled_limiter(const Decision& d, const physics::TerminalResult& r);

// ns since local midnight of the time `now_ns` after a start at `start_epoch_s`.
std::int64_t time_of_day_ns(std::int64_t start_epoch_s, std::int64_t now_ns);
bool in_daily_window(const scenario::DailyWindow& w, std::int64_t time_of_day_ns);

}  // namespace stacksim::inverter
