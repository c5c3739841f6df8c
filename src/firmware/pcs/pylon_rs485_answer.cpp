#include "pcs/pylon_rs485_answer.hpp"

#include "pcs/can_bytes.hpp"
#include "pcs/pcs_identity.hpp"
#include "pcs/pylon_flags.hpp"

namespace stacksim::fw {
namespace {

using namespace pylon485;
using pcs_bytes::clamp;
using pcs_bytes::dA;
using pcs_bytes::div_round;
using pcs_bytes::pct;
using pcs_bytes::s16;
using pcs_bytes::set_bit;
using pcs_bytes::u16;
using pcs_bytes::u8;
using M = PcsMeaning;

constexpr std::uint8_t kSystemQuery = 0xFF;  // INFO of a 0x42 / 0x44 system query
constexpr std::int32_t kKelvinOffset_dC = 2731;  // 0.1 K = 0.1 degC + 2731
// Capacities above 65 Ah go in the 3-byte fields; the 2-byte ones read 0xFFFF.
constexpr std::uint32_t kTwoByteCapacity_mAh = 65000;
constexpr int kMaxSensors = SSIM_MAX_TEMPS;

bool has(const PcsReport& r, PcsTier t, M m) { return r.has(t, m); }
std::uint16_t kelvin(std::int32_t dC) { return u16(static_cast<std::int64_t>(dC) + kKelvinOffset_dC); }

void upper_text(InfoWriter& w, const char* s, std::size_t len) {
  char buf[24] = {};
  std::size_t i = 0;
  for (; i + 1 < sizeof buf && s != nullptr && s[i] != '\0'; ++i) {
    buf[i] = s[i] >= 'a' && s[i] <= 'z' ? static_cast<char>(s[i] - 'a' + 'A') : s[i];
  }
  w.text(buf, len, ' ');
}

// The pack's sensors: the BMS board first, then the cell sensors [PYRS33].
int sensors(const Pylon485Source& src, const PcsReport& r, std::int16_t* dC) {
  dC[0] = r.board_temp_dC;
  const int n = src.cells != nullptr ? src.cells->module_temperatures(0, dC + 1, kMaxSensors - 1) : 0;
  return 1 + n;
}

int cells(const Pylon485Source& src, std::uint16_t* mV) {
  return src.cells != nullptr ? src.cells->module_cells(0, mV, SSIM_MAX_CELLS) : 0;
}

void analog(const Pylon485Source& src, std::uint8_t command, Frame& out) {
  const PcsReport& r = command == kSystemQuery ? *src.system : *src.pack;
  InfoWriter w(out);
  w.u8(0x00);  // DATAFLAG: no unread switch or alarm change is tracked
  w.u8(command);
  std::uint16_t mV[SSIM_MAX_CELLS] = {};
  const int m = cells(src, mV);
  w.u8(static_cast<std::uint8_t>(m));
  for (int i = 0; i < m; ++i) w.u16(mV[i]);
  std::int16_t dC[kMaxSensors] = {};
  const int n = sensors(src, r, dC);
  w.u8(static_cast<std::uint8_t>(n));
  for (int i = 0; i < n; ++i) w.u16(kelvin(dC[i]));
  w.u16(s16(dA(r.current_mA)));
  w.u16(u16(r.pack_mV));
  const bool big = r.capacity_mAh > kTwoByteCapacity_mAh;
  w.u16(big ? 0xFFFF : u16(r.remaining_mAh));
  w.u8(big ? 4 : 2);  // user-defined count: 4 adds the 3-byte capacities
  w.u16(big ? 0xFFFF : u16(r.full_mAh));
  w.u16(u16(r.cycles));
  if (big) {
    w.u24(static_cast<std::uint32_t>(clamp(r.remaining_mAh, 0, 0xFFFFFF)));
    w.u24(static_cast<std::uint32_t>(clamp(r.full_mAh, 0, 0xFFFFFF)));
  }
}

// 00 normal, 01 below the lower limit, 02 above the upper limit.
std::uint8_t state(bool low, bool high) { return high ? 0x02 : (low ? 0x01 : 0x00); }

void alarms(const Pylon485Source& src, std::uint8_t command, Frame& out) {
  const PcsReport& r = command == kSystemQuery ? *src.system : *src.pack;
  const PcsTier a = PcsTier::kAlarm, p = PcsTier::kProtection;
  InfoWriter w(out);
  w.u8(0x00);  // DATAFLAG
  w.u8(command);
  std::uint16_t mV[SSIM_MAX_CELLS] = {};
  const int m = cells(src, mV);
  w.u8(static_cast<std::uint8_t>(m));
  // The extreme cells carry the alarm their row raised.
  for (int i = 0; i < m; ++i) {
    w.u8(state(i == r.cell_min_index && has(r, a, M::kCellLowVoltage),
               i == r.cell_max_index && has(r, a, M::kCellHighVoltage)));
  }
  std::int16_t dC[kMaxSensors] = {};
  const int n = sensors(src, r, dC);
  w.u8(static_cast<std::uint8_t>(n));
  w.u8(state(false, has(r, a, M::kBoardOverTemperature)));
  const bool hot = has(r, a, M::kChargeOverTemperature) || has(r, a, M::kDischargeOverTemperature);
  const bool cold = has(r, a, M::kChargeUnderTemperature) || has(r, a, M::kDischargeUnderTemperature);
  for (int i = 1; i < n; ++i) w.u8(state(i - 1 == r.temp_min_index && cold, i - 1 == r.temp_max_index && hot));
  w.u8(state(false, has(r, a, M::kChargeOverCurrent)));
  w.u8(state(has(r, a, M::kPackLowVoltage), has(r, a, M::kPackHighVoltage)));
  w.u8(state(false, has(r, a, M::kDischargeOverCurrent)));
  std::uint8_t s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0;
  set_bit(s1, 7, has(r, p, M::kPackLowVoltage));
  set_bit(s1, 6, has(r, p, M::kChargeOverTemperature));
  set_bit(s1, 5, has(r, p, M::kDischargeOverTemperature));
  set_bit(s1, 4, has(r, p, M::kDischargeOverCurrent));
  set_bit(s1, 2, has(r, p, M::kChargeOverCurrent));
  set_bit(s1, 1, has(r, p, M::kCellLowVoltage));
  set_bit(s1, 0, has(r, p, M::kPackHighVoltage));
  // An LV pack's charge and discharge MOSFETs switch together here (the
  // power path); pre-MOSFET while it starts.
  set_bit(s2, 3, r.path_closed);
  set_bit(s2, 2, r.path_closed);
  set_bit(s2, 1, r.path_closed);
  set_bit(s2, 0, r.state == SSIM_STATE_STARTING);
  set_bit(s3, 7, r.current_mA > 100);
  set_bit(s3, 6, r.current_mA < -100);
  set_bit(s3, 3, r.soc_permille >= 1000 || r.state == SSIM_STATE_FULL_CHARGE);
  for (int i = 0; i < m && i < 16; ++i) {
    const bool bad = mV[i] > 4200 || mV[i] < 1000;  // [PYRS33]: a cell above 4.2 V or below 1 V
    set_bit(i < 8 ? s4 : s5, i % 8, bad);
  }
  w.u8(s1);
  w.u8(s2);
  w.u8(s3);
  w.u8(s4);
  w.u8(s5);
}

void parameters(const PcsLimits& l, Frame& out) {
  InfoWriter w(out);
  w.u16(u16(l.cell_high_mV));
  w.u16(u16(l.cell_low_mV));
  w.u16(u16(l.cell_under_mV));
  w.u16(kelvin(l.charge_high_dC));
  w.u16(kelvin(l.charge_low_dC));
  w.u16(u16(dA(l.charge_max_mA)));
  w.u16(u16(l.pack_high_mV));
  w.u16(u16(l.pack_low_mV));
  w.u16(u16(l.pack_under_mV));
  w.u16(kelvin(l.discharge_high_dC));
  w.u16(kelvin(l.discharge_low_dC));
  w.u16(u16(dA(l.discharge_max_mA)));
}

// 0x92 and 0x63: the limits now and the request byte (the CAN 0x35C bits).
void management(const PcsReport& r, bool with_command, std::uint8_t command, Frame& out) {
  InfoWriter w(out);
  if (with_command) w.u8(command);
  w.u16(u16(r.charge_voltage_mV));
  w.u16(u16(r.discharge_voltage_mV));
  w.u16(u16(dA(r.charge_limit_mA)));
  w.u16(u16(dA(r.discharge_limit_mA)));
  w.u8(pylon_request_byte(r));
}

void manufacturer(const Pylon485Source& src, Frame& out) {
  const ManufacturerText m = manufacturer_text(src.manufacturer, PcsManufacturer::kPylon);
  InfoWriter w(out);
  upper_text(w, src.product, 10);
  w.u8(kPcsSoftwareMajor);
  w.u8(kPcsSoftwareMinor);
  w.text(m.long_name, 20, ' ');
}

void system_info(const Pylon485Source& src, Frame& out) {
  const ManufacturerText m = manufacturer_text(src.manufacturer, PcsManufacturer::kPylon);
  const PcsReport& r = *src.system;
  InfoWriter w(out);
  upper_text(w, src.product, 10);
  w.text(m.long_name, 20, ' ');
  w.u8(kPcsSoftwareMajor);
  w.u8(kPcsSoftwareMinor);
  const std::uint16_t packs = r.units > 0 ? r.units : 1;
  w.u8(u8(packs));
  for (std::uint16_t p = 0; p < packs; ++p) {
    char serial[17] = {};
    serial_number(serial, sizeof serial, src.product, src.address, static_cast<std::uint16_t>(p + 1));
    w.text(serial, 16, ' ');
  }
}

// Position of a system-wide index: pack (from 1), item in the pack (from 1).
void position(InfoWriter& w, std::uint16_t index, std::uint16_t per_pack) {
  const std::uint16_t n = per_pack > 0 ? per_pack : 1;
  w.u8(u8(index / n + 1));
  w.u8(u8(index % n + 1));
}

void system_analog(const PcsReport& r, Frame& out) {
  InfoWriter w(out);
  const std::uint16_t units = r.units > 0 ? r.units : 1;
  w.u16(u16(r.pack_mV));
  w.u16(s16(div_round(r.current_mA, 10)));  // 10 mA
  w.u8(u8(pct(r.soc_permille)));
  w.u16(u16(r.cycles));  // average cycles: the report keeps the largest
  w.u16(u16(r.cycles));
  w.u8(u8(pct(r.soh_permille)));  // average and lowest SOH: the system's
  w.u8(u8(pct(r.soh_permille)));
  w.u16(r.cell_max_mV);
  position(w, r.cell_max_index, r.series_cells);
  w.u16(r.cell_min_mV);
  position(w, r.cell_min_index, r.series_cells);
  const auto sensors_per_pack = static_cast<std::uint16_t>(r.temp_count / units);
  w.u16(kelvin(r.temp_avg_dC));
  w.u16(kelvin(r.temp_max_dC));
  position(w, r.temp_max_index, sensors_per_pack);
  w.u16(kelvin(r.temp_min_dC));
  position(w, r.temp_min_index, sensors_per_pack);
  // No MOSFET sensor: the BMS board's sensor stands in for both groups.
  for (int group = 0; group < 2; ++group) {
    w.u16(kelvin(r.board_temp_dC));
    w.u16(kelvin(r.board_temp_dC));
    position(w, 0, 1);
    w.u16(kelvin(r.board_temp_dC));
    position(w, 0, 1);
  }
}

// 0x62 bit maps [AIREP-PYRS]: alarm 1 and protection 1 share one.
std::uint8_t level1(const PcsReport& r, PcsTier t, bool with_imbalance) {
  std::uint8_t b = 0;
  set_bit(b, 7, has(r, t, M::kPackHighVoltage));
  set_bit(b, 6, has(r, t, M::kPackLowVoltage));
  set_bit(b, 5, has(r, t, M::kCellHighVoltage));
  set_bit(b, 4, has(r, t, M::kCellLowVoltage));
  set_bit(b, 3, has(r, t, M::kChargeOverTemperature) || has(r, t, M::kDischargeOverTemperature));
  set_bit(b, 2, has(r, t, M::kChargeUnderTemperature) || has(r, t, M::kDischargeUnderTemperature));
  if (with_imbalance) set_bit(b, 0, has(r, t, M::kCellImbalance));
  return b;
}

void system_alarms(const PcsReport& r, Frame& out) {
  const PcsTier a = PcsTier::kAlarm, p = PcsTier::kProtection;
  std::uint8_t alarm2 = 0, protection2 = 0;
  set_bit(alarm2, 6, has(r, a, M::kChargeOverCurrent));
  set_bit(alarm2, 5, has(r, a, M::kDischargeOverCurrent));
  set_bit(alarm2, 4, has(r, a, M::kInternalCommFail));
  set_bit(protection2, 6, has(r, p, M::kChargeOverCurrent));
  set_bit(protection2, 5, has(r, p, M::kDischargeOverCurrent));
  set_bit(protection2, 3, has(r, p, M::kSystemError));
  InfoWriter w(out);
  w.u8(level1(r, a, true));
  w.u8(alarm2);
  w.u8(level1(r, p, false));
  w.u8(protection2);
}

// INFO of 0x42 / 0x44 / 0x92: the command byte, which must be the frame's
// address (or 0xFF, the system, for 0x42 / 0x44).
std::uint8_t command_check(const Frame& req, bool system_allowed) {
  if (req.info_len != 1) return kRtnFormat;
  if (req.info[0] == req.adr || (system_allowed && req.info[0] == kSystemQuery)) return kRtnOk;
  return kRtnAddress;
}

std::uint8_t dispatch(const Frame& req, const Pylon485Source& src, Frame& out) {
  switch (req.cid2) {
    case 0x4F: return kRtnOk;  // the version is the answer's VER
    case 0x51: manufacturer(src, out); return kRtnOk;
    case 0x47: parameters(*src.limits, out); return kRtnOk;
    case 0x60: system_info(src, out); return kRtnOk;
    case 0x61: system_analog(*src.system, out); return kRtnOk;
    case 0x62: system_alarms(*src.system, out); return kRtnOk;
    case 0x63: management(*src.system, false, 0, out); return kRtnOk;
    case 0x42:
    case 0x44:
    case 0x92: {
      const std::uint8_t rtn = command_check(req, req.cid2 != 0x92);
      if (rtn != kRtnOk) return rtn;
      if (req.cid2 == 0x42) analog(src, req.info[0], out);
      if (req.cid2 == 0x44) alarms(src, req.info[0], out);
      if (req.cid2 == 0x92) management(*src.system, true, req.info[0], out);
      return kRtnOk;
    }
    default: return kRtnCid2;
  }
}

}  // namespace

Pylon485Outcome pylon485_answer(const std::uint8_t* data, std::size_t len, const Pylon485Source& src, Frame& out) {
  Frame req;
  bool header = false;
  const Parse parsed = parse(data, len, req, header);
  if (!header) return Pylon485Outcome::kUnreadable;
  if (req.adr != src.address) return Pylon485Outcome::kSilent;
  out = Frame{};
  out.ver = kPylon485Version;
  out.adr = src.address;
  out.cid1 = kCid1Battery;
  std::uint8_t rtn = kRtnOk;
  switch (parsed) {
    case Parse::kNotAFrame: return Pylon485Outcome::kUnreadable;
    case Parse::kChksum: rtn = kRtnChksum; break;
    case Parse::kLchksum: rtn = kRtnLchksum; break;
    case Parse::kFormat: rtn = kRtnFormat; break;
    case Parse::kOk:
      if (req.cid1 != kCid1Battery) {
        rtn = kRtnCid2;
      } else if (req.ver != kPylon485Version && req.cid2 != 0x4F) {  // 0x4F ignores VER [PYRS33]
        rtn = kRtnVersion;
      } else {
        rtn = dispatch(req, src, out);
      }
      break;
  }
  out.cid2 = rtn;
  if (rtn != kRtnOk) out.info_len = 0;
  return rtn == kRtnOk ? Pylon485Outcome::kAnswered : Pylon485Outcome::kRefused;
}

}  // namespace stacksim::fw
