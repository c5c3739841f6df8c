// The virtual inverter (PCS): a node on the system's PCS CAN bus that speaks
// one protocol profile from the inverter's side, turns its demand (the
// scenario's profile, or a household site) into the terminal command of each
// step within the battery's limits (EnergyManager), can misbehave on purpose,
// and reports what it did (docs/inverter.md).
//
// The run calls command() before each physics step and after_step() after
// it. Frames it sends start competing for the bus at the step's start; frames
// from the battery are decoded as they arrive (the bus calls back during the
// plant's step), so a limit the battery sends acts from the next step.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "bus/can_bus.hpp"
#include "inverter/battery_view.hpp"
#include "inverter/energy_manager.hpp"
#include "inverter/inverter_report.hpp"
#include "inverter/misbehaviour.hpp"
#include "inverter/pcs_profile.hpp"
#include "inverter/profile_registry.hpp"
#include "inverter/site_model.hpp"
#include "physics/command.hpp"
#include "protocol/dbc.hpp"
#include "scenario/inverter_section.hpp"

namespace stacksim::inverter {

struct InverterConfig {
  const ProfileInfo* profile = nullptr;
  const protocol::Dbc* dbc = nullptr;  // outlives the inverter
  std::string dbc_label;
  scenario::InverterSetup setup;
  double one_c_A = 0.0;          // turns a C-rate ramp into amperes
  std::int64_t start_epoch_s = 0;
  std::uint64_t seed = 0;
};

class Inverter {
 public:
  // Attaches a node "inverter" to `bus`. nullptr (with diagnostics) if the
  // DBC lacks a message or signal the profile uses.
  static std::unique_ptr<Inverter> create(const InverterConfig& config, bus::CanBus& bus,
                                          Diagnostics& diags);
  Inverter(const Inverter&) = delete;
  Inverter& operator=(const Inverter&) = delete;

  // Before the physics step from `now_ns`: sends what is due and decides.
  // `profile_demand` is the scenario profile's command (ignored with a site).
  physics::TerminalCommand command(std::int64_t now_ns, std::int64_t dt_ns,
                                   const physics::TerminalCommand& profile_demand);
  // After that step (ending at now_ns + dt_ns), with what the terminals did.
  void after_step(std::int64_t now_ns, std::int64_t dt_ns, const physics::TerminalResult& result);

  const BatteryView& view() const { return view_; }
  bool comm_ok() const { return comm_ok_; }
  const Decision& decision() const { return decision_; }
  Limiter last_limiter() const { return last_limiter_; }
  bool has_site() const { return site_.has_value(); }
  const SiteModel::Now& site_now() const { return site_now_; }
  double grid_W() const { return grid_W_; }
  // The report; frame counters of the profile are folded in.
  InverterReport report() const;

 private:
  class BusSink;
  Inverter(const InverterConfig& config, std::unique_ptr<PcsProfile> profile, bus::CanBus& bus);
  void on_frame(const bus::CanFrame& f, std::int64_t end_ns);
  void track_violation(double current_A, std::int64_t dt_ns);
  void maybe_command(std::int64_t now_ns, FrameSink& sink);

  InverterConfig config_;
  std::unique_ptr<PcsProfile> profile_;
  bus::CanBus& bus_;
  std::size_t node_ = 0;
  EnergyManager energy_;
  Misbehaviour misbehaviour_;
  std::optional<SiteModel> site_;
  BatteryView view_;
  Measured measured_;
  Decision decision_;
  Limiter last_limiter_ = Limiter::kNoVoltage;
  SiteModel::Now site_now_;
  double grid_W_ = 0.0;
  bool comm_ok_ = false;
  bool comm_established_ = false;  // comm_ok_ has been true once
  std::int64_t last_heard_ns_ = -1;
  std::int64_t over_limit_ns_ = 0;   // how long the current has been above the allowed limit
  std::int64_t next_command_ns_ = 0;
  InverterReport report_;
};

}  // namespace stacksim::inverter
