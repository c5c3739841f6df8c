// `stacksim serve` (docs/serve.md): a run paced to the wall clock, with buses
// bound to external transports, until its duration ends or SIGINT / SIGTERM
// stops it (outputs then written as for any run).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "scenario/scenario.hpp"
#include "sim/run.hpp"
#include "sim/system_config.hpp"

namespace stacksim::serve {

struct BusBinding {
  std::string bus;   // a bus of the plant (Plant::bus_names)
  std::string spec;  // a transport string (bus/transport.hpp)
};

struct ServeSettings {
  double speed = 1.0;          // simulated seconds per wall second
  bool status_line = false;    // a live line on stderr (a terminal)
  std::vector<BusBinding> buses;
  // Boards run by real devices on bound buses (Plant::set_external), by name.
  std::vector<std::string> externals;
};

// Runs `scenario` as run_scenario does, with the bindings and the pacer as
// step hooks. A binding that cannot be opened (a port in use) is an error
// before anything runs (outcome.error, no outputs).
sim::RunOutcome serve_scenario(const scenario::Scenario& scenario, const sim::SystemConfig& system,
                               sim::RunOptions options, const ServeSettings& settings);

}  // namespace stacksim::serve
