// pylon-hv: Pylontech high-voltage CAN (models/dbc/pylon-hv.dbc). 29-bit ids
// with the battery address (pcs.address) in the low nibble; little-endian
// with current raw = 10 x A + 30000 and temperature raw = 10 x degC + 1000
// [DIY-PF], [BE-PYBAT], [EEV], unless the options ask for Battery-Emulator's
// big-endian / no-offset reading. The battery only answers: 0x4200 byte 0 = 0
// with 0x4210..0x4290, 2 with 0x7310..0x7340, 0x8240 with 0x8250.
#include "pcs/can_bytes.hpp"
#include "pcs/pcs_identity.hpp"
#include "pcs/profiles.hpp"

namespace stacksim::fw {
namespace {

using namespace pcs_bytes;
using M = PcsMeaning;

constexpr std::uint32_t kPoll = 0x4200;
constexpr std::uint32_t kSleepWake = 0x8200;
constexpr std::uint32_t kCommand = 0x8210;
constexpr std::uint32_t kMasking = 0x8240;
constexpr std::uint32_t kMaskingAnswer = 0x8250;
constexpr std::uint8_t kMark = 0xAA;
constexpr std::uint8_t kEnterSleep = 0x55;
// LFP nominal cell voltage for 0x7320's voltage level (the SC0500 capture:
// 45 cells -> 144 V [EEV]).
constexpr std::int64_t kNominalCell_mV = 3200;

// The options' byte order and offsets, one place for every field.
struct Encoder {
  const PcsOptions& o;
  void word(std::uint8_t* d, std::size_t at, std::uint16_t v) const { put16(d, at, v, o.pylon_hv_big_endian); }
  std::uint16_t current(std::int64_t mA) const {
    return o.pylon_hv_current_offset ? u16(dA(mA) + 30000) : s16(dA(mA));
  }
  static std::uint16_t temperature(std::int64_t dC) { return u16(dC + 1000); }
};

std::uint16_t alarm_word(PcsFlags f) {
  const auto has = [&](M m) { return (f & pcs_flag(m)) != 0; };
  std::uint16_t w = 0;
  const M order[] = {M::kCellLowVoltage,          M::kCellHighVoltage,         M::kPackLowVoltage,
                     M::kPackHighVoltage,         M::kChargeUnderTemperature,  M::kChargeOverTemperature,
                     M::kDischargeUnderTemperature, M::kDischargeOverTemperature, M::kChargeOverCurrent,
                     M::kDischargeOverCurrent};
  for (int bit = 0; bit < 10; ++bit) {
    if (has(order[bit])) w = static_cast<std::uint16_t>(w | (1u << bit));
  }
  return w;  // bits 10/11 (module low/high voltage): no module-level rows
}

std::uint8_t error_byte(std::uint32_t faults) {
  std::uint8_t b = 0;
  set_bit(b, 0, (faults & SSIM_FAULT_AFE) != 0);
  set_bit(b, 1, (faults & SSIM_FAULT_TEMP_SENSOR) != 0);
  set_bit(b, 2, (faults & SSIM_FAULT_INTERNAL_COMM) != 0);
  constexpr std::uint32_t kRelay =
      SSIM_FAULT_CONTACTOR_WELDED | SSIM_FAULT_CONTACTOR_STUCK_OPEN | SSIM_FAULT_PRECHARGE;
  set_bit(b, 5, (faults & kRelay) != 0);
  set_bit(b, 6, (faults & SSIM_FAULT_ZERO_VOLT_CELL) != 0);
  constexpr std::uint32_t kNamed = SSIM_FAULT_AFE | SSIM_FAULT_TEMP_SENSOR | SSIM_FAULT_INTERNAL_COMM | kRelay |
                                   SSIM_FAULT_ZERO_VOLT_CELL | SSIM_FAULT_PCS_COMM;
  set_bit(b, 7, (faults & ~kNamed) != 0);
  return b;
}

std::uint8_t basic_state(const PcsReport& r, const PcsCommands& c) {
  if (r.state == SSIM_STATE_SHUTDOWN || c.sleep == PcsCommands::Sleep::kSleep) return 0;
  if (r.state == SSIM_STATE_CHARGE || (r.state == SSIM_STATE_FULL_CHARGE && r.current_mA > 0)) return 1;
  if (r.state == SSIM_STATE_DISCHARGE) return 2;
  return 3;
}

// Extremes and their numbers (from 1): the layout of 0x4230..0x4270.
void extremes(const Encoder& e, std::uint8_t* d, std::uint16_t max, std::uint16_t min, std::int64_t max_no,
              std::int64_t min_no) {
  e.word(d, 0, max);
  e.word(d, 2, min);
  e.word(d, 4, u16(max_no + 1));
  e.word(d, 6, u16(min_no + 1));
}

}  // namespace

PcsRx PylonHvProfile::receive(const ssim_can_frame& f, PcsContext& ctx) {
  if (f.extended == 0) return PcsRx::kUnknown;
  const std::uint32_t base = f.id & ~0xFu;
  const std::uint32_t address = f.id & 0xFu;
  if (base != kPoll && base != kSleepWake && base != kCommand && base != kMasking) return PcsRx::kUnknown;
  if (f.rtr != 0) return PcsRx::kMalformed;
  const std::uint8_t len = payload_length(f);
  // 0x4200 goes to every battery; the commands to the addressed one.
  const bool for_us = base == kPoll ? (address == 0 || address == ctx.options.address)
                                    : address == ctx.options.address;
  if (!for_us) return PcsRx::kValid;
  const bool answer = ctx.report.active;
  switch (base) {
    case kPoll:
      if (len < 1) return PcsRx::kMalformed;
      if (f.data[0] == 0) {
        if (answer) answer_ensemble(ctx);
        return PcsRx::kValid;
      }
      if (f.data[0] == 2) {
        if (answer) answer_system_info(ctx);
        return PcsRx::kValid;
      }
      return f.data[0] == 1 ? PcsRx::kUnsupported : PcsRx::kMalformed;  // 1: cell data (0x5xxx)
    case kSleepWake:
      if (len < 1) return PcsRx::kMalformed;
      if (f.data[0] == kEnterSleep) ctx.commands.sleep = PcsCommands::Sleep::kSleep;
      if (f.data[0] == kMark) ctx.commands.sleep = PcsCommands::Sleep::kWake;
      return PcsRx::kValid;
    case kCommand:
      if (len < 2) return PcsRx::kMalformed;
      ctx.commands.charge_command = f.data[0] == kMark;
      ctx.commands.discharge_command = f.data[1] == kMark;
      return PcsRx::kValid;
    default: {  // kMasking
      ++ctx.commands.masking_requests;
      // Granted while the path is closed and nothing trips: for pcs.masking_ms
      // a silent PCS is then no fault (PcsLink::comm_lost).
      const PcsReport& r = ctx.report;
      ctx.commands.masking_granted = r.active && r.path_closed && r.flags(PcsTier::kProtection) == 0 && r.faults == 0;
      if (ctx.commands.masking_granted) ctx.commands.masking_granted_ms = ctx.now_ms;
      if (answer) {
        ssim_can_frame a = frame(kMaskingAnswer + ctx.options.address, true, 8);
        a.data[0] = ctx.commands.masking_granted ? kMark : 0x00;
        ctx.tx.push(a, ctx.now_ms);
      }
      return PcsRx::kValid;
    }
  }
}

void PylonHvProfile::answer_ensemble(PcsContext& ctx) const {
  const PcsReport& r = ctx.report;
  const Encoder e{ctx.options};
  const std::uint32_t a = ctx.options.address;
  const auto push = [&](const ssim_can_frame& f) { ctx.tx.push(f, ctx.now_ms); };

  ssim_can_frame f = frame(0x4210 + a, true, 8);
  e.word(f.data, 0, u16(dV(r.pack_mV)));
  e.word(f.data, 2, e.current(r.current_mA));
  e.word(f.data, 4, Encoder::temperature(r.board_temp_dC));
  f.data[6] = u8(pct(r.soc_permille));
  f.data[7] = u8(pct(r.soh_permille));
  push(f);

  f = frame(0x4220 + a, true, 8);
  e.word(f.data, 0, u16(dV(r.charge_voltage_mV)));
  e.word(f.data, 2, u16(dV(r.discharge_voltage_mV)));
  e.word(f.data, 4, e.current(r.charge_limit_mA));
  e.word(f.data, 6, e.current(ctx.options.pylon_hv_dcl_positive ? r.discharge_limit_mA : -r.discharge_limit_mA));
  push(f);

  f = frame(0x4230 + a, true, 8);
  extremes(e, f.data, r.cell_max_mV, r.cell_min_mV, r.cell_max_index, r.cell_min_index);
  push(f);

  f = frame(0x4240 + a, true, 8);
  extremes(e, f.data, Encoder::temperature(r.temp_max_dC), Encoder::temperature(r.temp_min_dC), r.temp_max_index,
           r.temp_min_index);
  push(f);

  f = frame(0x4250 + a, true, 8);
  f.data[0] = basic_state(r, ctx.commands);
  set_bit(f.data[0], 3, r.request(kPcsForceChargeI) || r.request(kPcsForceChargeII));
  set_bit(f.data[0], 4, r.request(kPcsBalanceCharge));
  e.word(f.data, 1, u16(r.cycles));
  f.data[3] = error_byte(r.faults);
  e.word(f.data, 4, alarm_word(r.flags(PcsTier::kAlarm)));
  e.word(f.data, 6, alarm_word(r.flags(PcsTier::kProtection)));
  push(f);

  f = frame(0x4260 + a, true, 8);
  extremes(e, f.data, u16(r.module_max_mV), u16(r.module_min_mV), r.module_max_index, r.module_min_index);
  push(f);

  // The module of the hottest / coldest sensor.
  const std::int64_t per_module = r.module_count > 0 && r.temp_count >= r.module_count ? r.temp_count / r.module_count : 1;
  f = frame(0x4270 + a, true, 8);
  extremes(e, f.data, Encoder::temperature(r.temp_max_dC), Encoder::temperature(r.temp_min_dC),
           r.temp_max_index / per_module, r.temp_min_index / per_module);
  push(f);

  f = frame(0x4280 + a, true, 8);
  f.data[0] = r.request(kPcsChargeEnable) ? 0x00 : kMark;
  f.data[1] = r.request(kPcsDischargeEnable) ? 0x00 : kMark;
  push(f);

  f = frame(0x4290 + a, true, 8);
  set_bit(f.data[0], 0, (r.faults & (SSIM_FAULT_CONTACTOR_WELDED | SSIM_FAULT_CONTACTOR_STUCK_OPEN)) != 0);
  set_bit(f.data[0], 1, (r.faults & SSIM_FAULT_AFE) != 0);
  set_bit(f.data[0], 2, (r.faults & SSIM_FAULT_INTERNAL_COMM) != 0);
  set_bit(f.data[0], 3, (r.faults & (SSIM_FAULT_ADDRESSING | SSIM_FAULT_PRECHARGE)) != 0);
  set_bit(f.data[0], 4, (r.faults & SSIM_FAULT_FUSE) != 0);
  push(f);
}

void PylonHvProfile::answer_system_info(PcsContext& ctx) const {
  const PcsReport& r = ctx.report;
  const Encoder e{ctx.options};
  const std::uint32_t a = ctx.options.address;
  const auto push = [&](const ssim_can_frame& f) { ctx.tx.push(f, ctx.now_ms); };

  ssim_can_frame f = frame(0x7310 + a, true, 8);
  f.data[0] = kPcsHardwareVersion;
  f.data[2] = kPcsHardwareVersion;  // hardware V
  f.data[4] = kPcsSoftwareMajor;
  f.data[5] = kPcsSoftwareMinor;
  push(f);

  f = frame(0x7320 + a, true, 8);
  e.word(f.data, 0, r.series_cells);
  f.data[2] = u8(r.modules_in_series);
  f.data[3] = u8(r.modules_in_series > 0 ? r.series_cells / r.modules_in_series : 0);
  e.word(f.data, 4, u16(div_round(r.series_cells * kNominalCell_mV, 1000)));
  e.word(f.data, 6, u16(div_round(r.capacity_mAh, 1000)));
  push(f);

  // 16 characters over two frames, NUL-padded ("PYLONTECH" by default [BE-PYHV]).
  std::uint8_t text[16] = {};
  put_text(text, 0, 16, manufacturer_text(ctx.options.manufacturer, PcsManufacturer::kPylon).long_name, '\0');
  f = frame(0x7330 + a, true, 8);
  for (int i = 0; i < 8; ++i) f.data[i] = text[i];
  push(f);
  f = frame(0x7340 + a, true, 8);
  for (int i = 0; i < 8; ++i) f.data[i] = text[8 + i];
  push(f);
}

}  // namespace stacksim::fw
