// Growatt's status and alarm words [GWLV], shared by the CAN profile
// (growatt_lv.cpp) and the RS485 Modbus map (growatt_modbus.cpp), and the
// board's calendar time as a civil date.
#pragma once

#include <cstdint>

#include "pcs/pcs_report.hpp"

namespace stacksim::fw {

// 0x311 bytes 6-7 (bits 0-11): state, error, balancing, sleep, enables,
// terminal open, master-box mode, SP status.
std::uint16_t growatt_status_word(const PcsReport& r);
// 0x312 bytes 0-3: protections (bytes 0-1) and alarms (bytes 2-3).
void growatt_alarm_bytes(const PcsReport& r, std::uint8_t* d);

struct CivilTime {
  std::int64_t year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
};
// Seconds since 1970-01-01 00:00 (the HAL's rtc_s) as a proleptic Gregorian date.
CivilTime civil_time(std::int64_t rtc_s);
// 0x320 bytes 4-7: the calendar time bit-packed [GWLV].
std::uint32_t growatt_packed_time(std::int64_t rtc_s);

}  // namespace stacksim::fw
