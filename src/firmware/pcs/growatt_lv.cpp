// growatt-lv: Growatt BMS CAN-bus protocol low voltage V1.04 [GWLV]
// (models/dbc/growatt-lv.dbc). Standard ids, big-endian. The inverter sends
// 0x301 every second; the battery answers each one at once with
// 0x311..0x314, 0x315..0x318 (cell voltages, a single pack only), 0x319,
// 0x320, 0x321 [GWLV], [BE-GWLV].
#include "pcs/can_bytes.hpp"
#include "pcs/pcs_identity.hpp"
#include "pcs/profiles.hpp"

namespace stacksim::fw {
namespace {

using namespace pcs_bytes;
using M = PcsMeaning;

constexpr std::uint32_t kQuery = 0x301;
constexpr int kCellFrames = 4;  // 0x315..0x318, 4 cells each

// 0x311 bytes 6-7, bits 0-11 of a BE word.
std::uint16_t status_word(const PcsReport& r) {
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
void alarm_bytes(const PcsReport& r, std::uint8_t* d) {
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

// 0x320 bytes 4-7: the board's calendar time, bit-packed [GWLV].
std::uint32_t packed_time(std::int64_t rtc_s) {
  std::int64_t days = rtc_s / 86400, secs = rtc_s % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  std::int64_t y = 0, mo = 0, d = 0;
  civil_from_days(days, y, mo, d);
  const auto field = [](std::int64_t v, int bits) { return static_cast<std::uint32_t>(clamp(v, 0, (1 << bits) - 1)); };
  return field(secs % 60, 6) | field(secs / 60 % 60, 6) << 6 | field(secs / 3600, 5) << 12 | field(d, 5) << 17 |
         field(mo, 4) << 22 | field(y - 2000, 6) << 26;
}

}  // namespace

PcsRx GrowattLvProfile::receive(const ssim_can_frame& f, PcsContext& ctx) {
  if (f.extended != 0 || f.id != kQuery) return PcsRx::kUnknown;
  if (f.rtr != 0) return PcsRx::kMalformed;
  if (ctx.report.active) answer(ctx);
  return PcsRx::kValid;
}

void GrowattLvProfile::answer(PcsContext& ctx) const {
  const PcsReport& r = ctx.report;
  const auto push = [&](const ssim_can_frame& f) { ctx.tx.push(f, ctx.now_ms); };

  ssim_can_frame f = frame(0x311, false, 8);
  put_be16(f.data, 0, u16(dV(r.charge_voltage_mV)));
  put_be16(f.data, 2, u16(dA(r.charge_limit_mA)));
  put_be16(f.data, 4, u16(dA(r.discharge_limit_mA)));
  put_be16(f.data, 6, status_word(r));
  push(f);

  const ManufacturerText m = manufacturer_text(ctx.options.manufacturer, PcsManufacturer::kGrowatt);
  f = frame(0x312, false, 8);
  alarm_bytes(r, f.data);
  f.data[4] = u8(r.units);
  put_text(f.data, 5, 2, m.abbreviation, ' ');
  f.data[7] = u8(r.cell_count);
  push(f);

  f = frame(0x313, false, 8);
  put_be16(f.data, 0, s16(cV(r.pack_mV)));
  put_be16(f.data, 2, s16(dA(r.current_mA)));
  put_be16(f.data, 4, s16(r.temp_max_dC));
  f.data[6] = u8(pct(r.soc_permille));
  f.data[7] = static_cast<std::uint8_t>(clamp(pct(r.soh_permille), 0, 100));
  set_bit(f.data[7], 7, r.flags(PcsTier::kProtection) != 0);  // SOH flag: unsafe to use
  push(f);

  f = frame(0x314, false, 8);
  put_be16(f.data, 0, u16(div_round(r.remaining_mAh, 10)));
  put_be16(f.data, 2, u16(div_round(r.full_mAh, 10)));
  put_be16(f.data, 4, u16(static_cast<std::int64_t>(r.cell_max_mV) - r.cell_min_mV));
  put_be16(f.data, 6, u16(r.cycles));
  push(f);

  // Single cells only for a single pack [GWLV].
  if (r.units == 1 && ctx.cells != nullptr) {
    std::uint16_t mV[kCellFrames * 4] = {};
    ctx.cells->module_cells(0, mV, kCellFrames * 4);
    for (int i = 0; i < kCellFrames; ++i) {
      f = frame(0x315 + static_cast<std::uint32_t>(i), false, 8);
      for (int k = 0; k < 4; ++k) put_be16(f.data, 2 * static_cast<std::size_t>(k), mV[4 * i + k]);
      push(f);
    }
  }

  f = frame(0x319, false, 8);  // chemistry bits 0-1: 00 = LFP
  set_bit(f.data[0], 4, r.request(kPcsForceChargeII));
  set_bit(f.data[0], 5, r.request(kPcsForceChargeI));
  set_bit(f.data[0], 6, r.request(kPcsDischargeEnable));
  set_bit(f.data[0], 7, r.request(kPcsChargeEnable));
  put_be16(f.data, 1, r.cell_max_mV);
  put_be16(f.data, 3, r.cell_min_mV);
  f.data[5] = u8(r.cell_max_index + 1);
  f.data[6] = u8(r.cell_min_index + 1);
  f.data[7] = r.faulty_unit;
  push(f);

  f = frame(0x320, false, 8);
  put_text(f.data, 0, 2, m.abbreviation, ' ');
  f.data[2] = kPcsHardwareVersion;
  f.data[3] = kPcsSoftwareMajor;
  const std::uint32_t t = packed_time(ctx.rtc_s);
  put_be16(f.data, 4, static_cast<std::uint16_t>(t >> 16));
  put_be16(f.data, 6, static_cast<std::uint16_t>(t));
  push(f);

  push(frame(0x321, false, 8));  // no upgrade in progress
}

}  // namespace stacksim::fw
