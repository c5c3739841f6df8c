// A unit's report to the PCS as it travels on the parallel link to the
// master, which merges the units' reports into the system's
// (pcs/pcs_report.hpp merge_unit_reports). 104 bytes, little-endian; the
// layout is in docs/parallel.md and models/dbc/gtx3000-link.dbc.
#pragma once

#include <cstddef>
#include <cstdint>

#include "pcs/pcs_report.hpp"

namespace stacksim::fw::plink {

inline constexpr std::size_t kUnitReportBytes = 104;

void pack_unit_report(const PcsReport& r, std::uint8_t* out);  // kUnitReportBytes
// False if a field is out of its range (a state or count no unit sends).
bool unpack_unit_report(const std::uint8_t* in, PcsReport& r);

}  // namespace stacksim::fw::plink
