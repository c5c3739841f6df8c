// growatt-lv: Growatt BMS CAN-bus protocol low voltage V1.04 [GWLV]
// (models/dbc/growatt-lv.dbc). Standard ids, big-endian. The inverter sends
// 0x301 every second; the battery answers each one at once with
// 0x311..0x314, 0x315..0x318 (cell voltages, a single pack only), 0x319,
// 0x320, 0x321 [GWLV], [BE-GWLV].
#include "pcs/can_bytes.hpp"
#include "pcs/growatt_flags.hpp"
#include "pcs/pcs_identity.hpp"
#include "pcs/profiles.hpp"

namespace stacksim::fw {
namespace {

using namespace pcs_bytes;

constexpr std::uint32_t kQuery = 0x301;
constexpr int kCellFrames = 4;  // 0x315..0x318, 4 cells each

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
  put_be16(f.data, 6, growatt_status_word(r));
  push(f);

  const ManufacturerText m = manufacturer_text(ctx.options.manufacturer, PcsManufacturer::kGrowatt);
  f = frame(0x312, false, 8);
  growatt_alarm_bytes(r, f.data);
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
  const std::uint32_t t = growatt_packed_time(ctx.rtc_s);
  put_be16(f.data, 4, static_cast<std::uint16_t>(t >> 16));
  put_be16(f.data, 6, static_cast<std::uint16_t>(t));
  push(f);

  push(frame(0x321, false, 8));  // no upgrade in progress
}

}  // namespace stacksim::fw
