// Reads signals.csv as src/sim/signals_csv.cpp writes it (README, "What a run
// writes"): a header row, then one row per record instant. Columns are found
// by name in the header, never by position, so that new columns (the
// inverter's, future ones) neither break the reader nor shift what it draws;
// columns it does not draw are skipped. Fields are plain: the writer never
// quotes, so a comma always separates.
#pragma once

#include <istream>
#include <optional>
#include <string>

#include "report/run_data.hpp"

namespace stacksim::report {

// `file_label` names the file in errors: "<label>:<line>: <what is wrong>".
// Refused: a missing or repeated time_s column, a row whose field count
// differs from the header's, a time that is not a number or goes backwards,
// no rows at all. Tolerated: empty cells (gaps) and text in a number column
// (a gap, counted in Signals::unreadable_values).
std::optional<Signals> read_signals_csv(std::istream& in, const std::string& file_label,
                                        std::string& error);

}  // namespace stacksim::report
