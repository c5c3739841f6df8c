// The load-time checks of a parsed DBC that need the whole file: identifier
// ranges, DLC, signals past the frame, overlapping signals, multiplexing,
// duplicate names and unknown nodes. Each problem names the line.
#pragma once

#include <cstddef>
#include <string>

#include "protocol/dbc.hpp"
#include "util/diagnostics.hpp"

namespace stacksim::protocol {

// Adds one diagnostic per problem to `diags`; returns how many it added.
std::size_t check_dbc(const Dbc& dbc, const std::string& file, Diagnostics& diags);

}  // namespace stacksim::protocol
