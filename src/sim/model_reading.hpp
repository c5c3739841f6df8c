// Shared pieces of the models/ file readers.
#pragma once

#include <optional>

#include "physics/lut.hpp"
#include "util/diagnostics.hpp"
#include "util/json_document.hpp"
#include "util/object_reader.hpp"

namespace stacksim::sim {

// Reads {"value": x, "source": "..."} under `key`: every number in a model file
// says where it comes from.
std::optional<double> sourced(const JsonDocument& doc, ObjectReader& parent, const char* key,
                              double min, double max, Diagnostics& diags);

// Reads "source": where the numbers of a table or group come from; required
// and non-empty.
void require_source(ObjectReader& r);

// Checks "format" and "version".
void check_format(ObjectReader& r, const char* format);

// Reads {"soc": [...], y_key: [...], "source": "..."}; SOC strictly increasing
// in [0, 1] (spanning it if `needs_full_range`); y values in [y_min, y_max],
// multiplied by `scale`.
std::optional<physics::Breakpoints> breakpoints(const JsonDocument& doc, ObjectReader& parent,
                                                const char* key, const char* y_key, double y_min,
                                                double y_max, double scale, Diagnostics& diags,
                                                bool needs_full_range);

}  // namespace stacksim::sim
