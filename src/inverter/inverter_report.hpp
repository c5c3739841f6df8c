// What the inverter did over a run (summary.json "inverter", docs/inverter.md).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "inverter/energy_manager.hpp"
#include "inverter/site_model.hpp"

namespace stacksim::inverter {

inline constexpr std::size_t kLimiterCount = static_cast<std::size_t>(Limiter::kRamp) + 1;

struct InverterReport {
  std::string protocol;
  int address = 0;
  std::int64_t comm_timeout_ns = 0;
  std::string timeout_source;

  // Frames.
  std::uint64_t frames_sent = 0;       // everything it put on the bus, bad frames included
  std::uint64_t bad_frames_sent = 0;   // malformed_frames / out_of_range windows
  std::uint64_t frames_received = 0;   // every frame it saw
  std::uint64_t frames_decoded = 0;    // battery frames applied to its view
  std::uint64_t frames_malformed = 0;  // battery frames it reads, but broken
  std::uint64_t frames_other_address = 0;
  std::uint64_t commands_sent = 0;     // Pylon HV 0x8210 charge / discharge commands
  int mask_accepted = 0, mask_refused = 0;

  // Communication.
  std::int64_t first_heard_ns = -1;   // first battery frame decoded; -1: never
  std::int64_t comm_lost_ns = 0;      // time in comm timeout (after the battery was first heard)
  int comm_losses = 0;                // times the timeout expired

  // Time each bound set the current (the step's limiter), and requests.
  std::array<std::int64_t, kLimiterCount> limited_ns{};
  std::int64_t force_charge_ns = 0;
  std::int64_t full_charge_ns = 0;
  std::int64_t misbehaving_ns = 0;    // ignoring the battery's limits

  // Current above the allowed CCL / DCL for more than 2 s while obeying.
  int limit_violations = 0;
  std::int64_t violation_ns = 0;

  // Energy at the battery terminals.
  double charged_Wh = 0.0;
  double discharged_Wh = 0.0;

  bool site = false;
  SiteEnergies site_energies;
};

}  // namespace stacksim::inverter
