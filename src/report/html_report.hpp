// The run report: one self-contained HTML file (inline SVG charts, inline
// style, a little inline script for hover read-outs; nothing from the network)
// that pictures a finished run. What it shows: docs/report.md.
#pragma once

#include <filesystem>
#include <string>

#include "report/html_page.hpp"
#include "report/run_data.hpp"

namespace stacksim::report {

// Reads DIR/signals.csv and DIR/summary.json of a finished run and writes
// DIR/report.html.partial, then renames it to DIR/report.html. On failure
// returns false, sets `error` (naming the file and line) and leaves no
// report.html behind (a stale one from an earlier run in DIR is removed, so
// that it cannot be mistaken for this run's).
bool write_html_report(const std::filesystem::path& run_dir, std::string& error);

}  // namespace stacksim::report
