// Reads the parts of summary.json the report shows (README, "What a run
// writes"; the faults, expectations and verdict of issue 5 when present).
// Keys the report does not show are left alone: summary.json grows with the
// simulator, and an older report must still read a newer file.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "report/run_data.hpp"

namespace stacksim::report {

// Faults may name their kind as "kind" or, as the simulator writes them, as
// "fault" and "mode". Every key is optional, but a key that is present must
// have the type the report expects; otherwise `error` gets one line per
// problem, each "<label>:<line>:<column>: /pointer: what was expected".
std::optional<RunSummary> read_summary_json(const std::filesystem::path& path,
                                            const std::string& file_label, std::string& error);

}  // namespace stacksim::report
