// Page assembly: the header (scenario, system, seed, verdict), the charts,
// the fault and expectation tables and the notes, as one self-contained HTML
// document. Deterministic: the same RunData gives the same bytes (no clock,
// no locale, no unordered iteration).
#pragma once

#include <string>

#include "report/run_data.hpp"

namespace stacksim::report {

std::string render_html(const RunData& run);

}  // namespace stacksim::report
