// The Pylontech LV V1.2 flag bytes [PYLV12], which the Sofar AMASS frames
// reuse: 0x359 bytes 0-3 (protection and alarm) and the 0x35C request byte.
#pragma once

#include <cstdint>

#include "pcs/pcs_report.hpp"

namespace stacksim::fw {

// Bytes 0-1 from the protection tier, 2-3 from the alarm tier. System error
// at byte 1 bit 3 (spec) or bit 7 (Battery-Emulator / ArminJo reading).
void pylon_alarm_bytes(const PcsReport& r, bool system_error_bit7, std::uint8_t out[4]);

// Bit 7 charge enable, 6 discharge enable, 5 force charge I, 4 force charge
// II, 3 full charge.
std::uint8_t pylon_request_byte(const PcsReport& r);

}  // namespace stacksim::fw
