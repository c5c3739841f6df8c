#include "inverter/energy_manager.hpp"

#include <cmath>

namespace stacksim::inverter {
namespace {

// Below this the terminals are taken as carrying no current (a CV phase that
// has tapered out, a battery at rest).
constexpr double kIdle_A = 1e-3;

double sign_of(bool charging) { return charging ? 1.0 : -1.0; }

}  // namespace

const char* limiter_name(Limiter l) {
  switch (l) {
    case Limiter::kNone: return "demand";
    case Limiter::kChargeLimit: return "ccl";
    case Limiter::kDischargeLimit: return "dcl";
    case Limiter::kChargeVoltage: return "cvl";
    case Limiter::kDischargeVoltage: return "dvl";
    case Limiter::kDisabled: return "disabled";
    case Limiter::kCommLost: return "comm_lost";
    case Limiter::kNoVoltage: return "no_voltage";
    case Limiter::kRamp: return "ramp";
  }
  return "demand";
}

std::int64_t time_of_day_ns(std::int64_t start_epoch_s, std::int64_t now_ns) {
  const std::int64_t t = (start_epoch_s % 86'400) * 1'000'000'000 + now_ns;
  return ((t % scenario::kDay_ns) + scenario::kDay_ns) % scenario::kDay_ns;
}

bool in_daily_window(const scenario::DailyWindow& w, std::int64_t tod_ns) {
  if (w.from_ns <= w.to_ns) return tod_ns >= w.from_ns && tod_ns < w.to_ns;
  return tod_ns >= w.from_ns || tod_ns < w.to_ns;  // wraps midnight
}

bool EnergyManager::in_full_charge_window(std::int64_t now_ns) const {
  return in_daily_window(config_.full_charge_window, time_of_day_ns(config_.start_epoch_s, now_ns));
}

Decision EnergyManager::decide(std::int64_t now_ns, std::int64_t dt_ns, const Demand& demand,
                               const BatteryView& view, bool comm_ok, bool ignore_limits,
                               const Measured& last) const {
  Decision d;
  d.obeying = !ignore_limits;
  const double v_ref = last.voltage_V;
  if (!(v_ref > 0.0)) {
    d.limiter = Limiter::kNoVoltage;
    return d;
  }
  // The demand as a current; a voltage demand charges or discharges towards
  // its voltage (at the set point it keeps the direction it had).
  double demand_A = 0.0;
  double own_voltage_V = kUnknown;
  switch (demand.kind) {
    case Demand::Kind::kCurrent: demand_A = demand.current_A; break;
    case Demand::Kind::kPower: demand_A = demand.power_W / v_ref; break;
    case Demand::Kind::kVoltage: {
      const bool charging = last.current_A > kIdle_A    ? true
                            : last.current_A < -kIdle_A ? false
                                                        : demand.voltage_V >= v_ref;
      demand_A = sign_of(charging) * std::fabs(demand.current_A);
      own_voltage_V = demand.voltage_V;
      break;
    }
  }
  // The battery's requests draw from the grid.
  const bool grid = demand.grid_available && comm_ok;
  bool requested = false;
  if (grid && view.force_charge()) {
    d.force_charging = true;
    const double force_A = config_.force_charge_power_W / v_ref;
    if (demand_A < force_A) {
      demand_A = force_A;
      requested = true;
    }
  }
  if (grid && view.full_charge && in_full_charge_window(now_ns)) {
    d.full_charging = true;
    const double full_A = config_.full_charge_power_W ? *config_.full_charge_power_W / v_ref : INFINITY;
    if (demand_A < full_A) {
      demand_A = full_A;
      requested = true;
    }
  }
  if (requested) own_voltage_V = kUnknown;  // charge to the battery's CVL
  d.demand_A = std::isfinite(demand_A) ? demand_A : view.allowed_charge_A();

  if (ignore_limits) {
    d.target_A = d.demand_A;
    if (!requested && demand.kind == Demand::Kind::kPower) {
      d.command = physics::TerminalCommand::power(demand.power_W);
    } else if (!requested && demand.kind == Demand::Kind::kVoltage) {
      d.command = physics::TerminalCommand::voltage(demand.voltage_V, std::fabs(demand.current_A));
      d.voltage_target_V = demand.voltage_V;
    } else {
      d.command = physics::TerminalCommand::current(d.demand_A);
    }
    return d;
  }
  if (!comm_ok) {
    d.limiter = Limiter::kCommLost;
    return d;
  }
  if (demand_A == 0.0) return d;

  const bool charging = demand_A > 0.0;
  const double allowed_A = charging ? view.allowed_charge_A() : view.allowed_discharge_A();
  double battery_V = charging ? view.charge_voltage_V : view.discharge_voltage_V;
  if (!(allowed_A > 0.0) || (charging && !(battery_V > 0.0))) {
    d.limiter = Limiter::kDisabled;
    return d;
  }
  double limit_A = std::fabs(demand_A);
  if (limit_A > allowed_A) {
    limit_A = allowed_A;
    d.limiter = charging ? Limiter::kChargeLimit : Limiter::kDischargeLimit;
  }
  if (config_.ramp_A_per_s) {
    const bool same_way = charging ? last.current_A > 0.0 : last.current_A < 0.0;
    const double cap_A = (same_way ? std::fabs(last.current_A) : 0.0) +
                         *config_.ramp_A_per_s * static_cast<double>(dt_ns) * 1e-9;
    if (limit_A > cap_A) {
      limit_A = cap_A;
      d.limiter = Limiter::kRamp;
    }
  }
  // The voltage the current tapers at: the battery's, or the demand's own
  // if that is nearer.
  const Limiter voltage_limiter = charging ? Limiter::kChargeVoltage : Limiter::kDischargeVoltage;
  bool own = false;
  if (std::isfinite(own_voltage_V) &&
      (!std::isfinite(battery_V) || (charging ? own_voltage_V < battery_V : own_voltage_V > battery_V))) {
    battery_V = own_voltage_V;
    own = true;
  }
  d.target_A = sign_of(charging) * limit_A;
  if (!std::isfinite(battery_V)) {  // no discharge voltage in this profile
    d.command = physics::TerminalCommand::current(d.target_A);
    return d;
  }
  d.voltage_target_V = battery_V;
  d.voltage_limiter = own ? Limiter::kNone : voltage_limiter;
  // Already at or past the voltage and not moving: nothing to do (a voltage
  // command would push the battery back the other way).
  const bool past = charging ? v_ref >= battery_V && last.current_A <= kIdle_A
                             : v_ref <= battery_V && last.current_A >= -kIdle_A;
  if (past) {
    d.target_A = 0.0;
    d.limiter = d.voltage_limiter;
    return d;
  }
  d.command = physics::TerminalCommand::voltage(battery_V, limit_A);
  return d;
}

Limiter settled_limiter(const Decision& d, const physics::TerminalResult& r) {
  const bool cv = d.command.mode == physics::TerminalCommand::Mode::kVoltage;
  return cv && d.obeying && !r.current_limited ? d.voltage_limiter : d.limiter;
}

}  // namespace stacksim::inverter
