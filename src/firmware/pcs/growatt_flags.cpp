#include "pcs/growatt_flags.hpp"

#include "pcs/can_bytes.hpp"

namespace stacksim::fw {

using namespace pcs_bytes;
using M = PcsMeaning;

// 0x311 bytes 6-7, bits 0-11 of a BE word.
std::uint16_t growatt_status_word(const PcsReport& r) {
  std::uint16_t w = 0;
  const auto set = [&](int bit, bool on) {
    if (on) w = static_cast<std::uint16_t>(w | (1u << bit));
  };
  std::uint16_t state = 1;  // standby
  if (r.state == SSIM_STATE_STARTING) state = 0;  // soft start
  if (r.state == SSIM_STATE_CHARGE || (r.state == SSIM_STATE_FULL_CHARGE && r.current_mA > 0)) state = 2;
  if (r.state == SSIM_STATE_DISCHARGE) state = 3;
  w = state;
  set(2, r.flags(PcsTier::kAlarm) != 0 || r.flags(PcsTier::kProtection) != 0);
  set(3, r.balancing);
  set(4, r.state == SSIM_STATE_SHUTDOWN);
  set(5, r.request(kPcsDischargeEnable));
  set(6, r.request(kPcsChargeEnable));
  set(7, !r.path_closed);
  w = static_cast<std::uint16_t>(w | ((r.units > 1 ? 1u : 0u) << 8));  // master box: single / parallel
  // The inverter as the battery sees it (standby, charging, discharging):
  // it has just queried, so it is there.
  const std::uint16_t sp = r.current_mA > 0 && state == 2 ? 2 : (r.current_mA < 0 && state == 3 ? 3 : 1);
  return static_cast<std::uint16_t>(w | (sp << 10));
}

// 0x312 bytes 0-3.
void growatt_alarm_bytes(const PcsReport& r, std::uint8_t* d) {
  const PcsFlags p = r.flags(PcsTier::kProtection);
  const PcsFlags a = r.flags(PcsTier::kAlarm);
  const auto has = [](PcsFlags f, M m) { return (f & pcs_flag(m)) != 0; };
  set_bit(d[0], 0, (r.faults & SSIM_FAULT_PRECHARGE) != 0);  // soft-start fail
  set_bit(d[0], 1, has(p, M::kPackLowVoltage));
  set_bit(d[0], 2, has(p, M::kPackHighVoltage));
  set_bit(d[0], 3, has(p, M::kCellLowVoltage));
  set_bit(d[0], 4, has(p, M::kCellHighVoltage));
  set_bit(d[0], 6, has(p, M::kChargeOverCurrent));
  set_bit(d[0], 7, has(p, M::kDischargeOverCurrent));
  set_bit(d[1], 2, has(p, M::kCellImbalance));
  set_bit(d[1], 3, has(p, M::kSystemError));
  set_bit(d[1], 4, has(p, M::kChargeUnderTemperature));
  set_bit(d[1], 5, has(p, M::kDischargeUnderTemperature));
  set_bit(d[1], 6, has(p, M::kChargeOverTemperature));
  set_bit(d[1], 7, has(p, M::kDischargeOverTemperature));
  set_bit(d[2], 1, has(a, M::kPackLowVoltage));
  set_bit(d[2], 2, has(a, M::kPackHighVoltage));
  set_bit(d[2], 3, has(a, M::kCellLowVoltage));
  set_bit(d[2], 4, has(a, M::kCellHighVoltage));
  set_bit(d[2], 6, has(a, M::kChargeOverCurrent));
  set_bit(d[2], 7, has(a, M::kDischargeOverCurrent));
  set_bit(d[3], 0, has(a, M::kInternalCommFail));
  set_bit(d[3], 2, has(a, M::kCellImbalance));
  set_bit(d[3], 4, has(a, M::kChargeUnderTemperature));
  set_bit(d[3], 5, has(a, M::kDischargeUnderTemperature));
  set_bit(d[3], 6, has(a, M::kChargeOverTemperature));
  set_bit(d[3], 7, has(a, M::kDischargeOverTemperature));
}

namespace {

// Days since 1970-01-01 -> year, month, day (proleptic Gregorian).
void civil_from_days(std::int64_t z, std::int64_t& y, std::int64_t& m, std::int64_t& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = yoe + era * 400 + (m <= 2 ? 1 : 0);
}

}  // namespace

CivilTime civil_time(std::int64_t rtc_s) {
  std::int64_t days = rtc_s / 86400, secs = rtc_s % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  CivilTime t;
  civil_from_days(days, t.year, t.month, t.day);
  t.hour = secs / 3600;
  t.minute = secs / 60 % 60;
  t.second = secs % 60;
  return t;
}

std::uint32_t growatt_packed_time(std::int64_t rtc_s) {
  const CivilTime t = civil_time(rtc_s);
  const auto field = [](std::int64_t v, int bits) { return static_cast<std::uint32_t>(clamp(v, 0, (1 << bits) - 1)); };
  return field(t.second, 6) | field(t.minute, 6) << 6 | field(t.hour, 5) << 12 | field(t.day, 5) << 17 |
         field(t.month, 4) << 22 | field(t.year - 2000, 6) << 26;
}


}  // namespace stacksim::fw
