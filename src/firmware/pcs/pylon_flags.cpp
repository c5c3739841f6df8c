#include "pcs/pylon_flags.hpp"

#include "pcs/can_bytes.hpp"

namespace stacksim::fw {
namespace {

using M = PcsMeaning;

// One table (protection) or alarm pair of bytes: both share the bit map.
void flag_pair(PcsFlags f, bool system_error, int system_error_bit, bool comm_fail, std::uint8_t& b0,
               std::uint8_t& b1) {
  const auto has = [&](M m) { return (f & pcs_flag(m)) != 0; };
  using pcs_bytes::set_bit;
  set_bit(b0, 1, has(M::kCellHighVoltage) || has(M::kPackHighVoltage));  // "cell or module"
  set_bit(b0, 2, has(M::kCellLowVoltage) || has(M::kPackLowVoltage));
  set_bit(b0, 3, has(M::kChargeOverTemperature) || has(M::kDischargeOverTemperature));
  set_bit(b0, 4, has(M::kChargeUnderTemperature) || has(M::kDischargeUnderTemperature));
  set_bit(b0, 7, has(M::kDischargeOverCurrent));
  set_bit(b1, 0, has(M::kChargeOverCurrent));
  if (system_error) set_bit(b1, system_error_bit, has(M::kSystemError));
  if (comm_fail) set_bit(b1, 3, has(M::kInternalCommFail));
}

}  // namespace

void pylon_alarm_bytes(const PcsReport& r, bool system_error_bit7, std::uint8_t out[4]) {
  out[0] = out[1] = out[2] = out[3] = 0;
  // Table 2 has "system error" (byte 1 bit 3); table 4 has "internal
  // communication fail" at the same position (byte 3 bit 3).
  flag_pair(r.flags(PcsTier::kProtection), true, system_error_bit7 ? 7 : 3, false, out[0], out[1]);
  flag_pair(r.flags(PcsTier::kAlarm), false, 0, true, out[2], out[3]);
}

std::uint8_t pylon_request_byte(const PcsReport& r) {
  std::uint8_t b = 0;
  using pcs_bytes::set_bit;
  set_bit(b, 7, r.request(kPcsChargeEnable));
  set_bit(b, 6, r.request(kPcsDischargeEnable));
  set_bit(b, 5, r.request(kPcsForceChargeI));
  set_bit(b, 4, r.request(kPcsForceChargeII));
  set_bit(b, 3, r.request(kPcsFullCharge));
  return b;
}

}  // namespace stacksim::fw
