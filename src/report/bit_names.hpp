// Names for the bit sets of signals.csv: bit i of alarms and protections is
// row i of the product's protection table (summary.json
// bms.protection_rows); faults are the SSIM_FAULT_* diagnoses of the HAL.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace stacksim::report {

// The SSIM_FAULT_* diagnoses of stacksim/hal.h by bit: "afe", "temp_sensor", ...
std::span<const std::string> fault_bit_names();

// "cell_under_voltage, pack_under_voltage": the name of every set bit, lowest
// first; "bit 17" where `names` has no row for it.
std::string describe_bits(std::uint32_t bits, std::span<const std::string> names);

}  // namespace stacksim::report
