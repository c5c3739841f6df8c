// DIR/summary.json: what the run was (scenario hash, seed, system, version)
// and what happened (totals, extremes, how each profile step ended).
#pragma once

#include <filesystem>

#include "scenario/scenario.hpp"
#include "sim/run.hpp"
#include "sim/system_config.hpp"

namespace stacksim::sim {

// False (errno set) if the file could not be written.
bool write_summary_json(const std::filesystem::path& path, const scenario::Scenario& scenario,
                        const SystemConfig& system, const RunSummary& summary);

}  // namespace stacksim::sim
