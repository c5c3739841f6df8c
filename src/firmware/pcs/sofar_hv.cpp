// sofar-hv: the Sofar AMASS "BMS General Protocol (Extended Frame)"
// (models/dbc/sofar-hv.dbc), as Battery-Emulator implements it [BE-SOFAR],
// checked against the captured AMASS sample (protocols.md 3.1). 29-bit ids
// with the battery id (pcs.address) in bits 12-15, little-endian. The
// battery broadcasts every second, 20 ms apart, and answers the PCS's 0x605
// inquiries addressed to it: 1 serial number (0x671..0x673), 2 the cell
// voltages of one module (0x680..0x685), 10 its temperatures (0x690, 0x691).
#include "pcs/can_bytes.hpp"
#include "pcs/pcs_identity.hpp"
#include "pcs/profiles.hpp"
#include "pcs/pylon_flags.hpp"

namespace stacksim::fw {
namespace {

using namespace pcs_bytes;

constexpr std::uint32_t kRealtimeInquiry = 0x605;
constexpr std::uint32_t kHistoryInquiry = 0x705;
constexpr std::uint8_t kInquirySerial = 1;
constexpr std::uint8_t kInquiryCells = 2;
constexpr std::uint8_t kInquiryTemperatures = 10;
constexpr int kCellsPerFrame = 3;
constexpr int kCellFrames = 6;         // 0x680..0x685: 18 cells, enough for a 16S module
constexpr int kTemperatureFrames = 2;  // 0x690, 0x691
constexpr int kSerialFrames = 3;       // 0x671..0x673, 7 characters each
constexpr std::uint16_t kNotFitted = 0x8000;
constexpr std::uint16_t kSample359Bytes67 = 0x1027;  // unknown meaning, replayed from the sample

ssim_can_frame sofar_frame(std::uint32_t base, const PcsContext& ctx) {
  return frame(base + (static_cast<std::uint32_t>(ctx.options.address) << 12), true, 8);
}

}  // namespace

PcsRx SofarHvProfile::receive(const ssim_can_frame& f, PcsContext& ctx) {
  // Battery-Emulator matches the id alone; either frame format is accepted.
  if (f.id != kRealtimeInquiry && f.id != kHistoryInquiry) return PcsRx::kUnknown;
  const std::uint8_t needed = f.id == kRealtimeInquiry ? 3 : 4;
  if (f.rtr != 0 || payload_length(f) < needed) return PcsRx::kMalformed;
  if (f.data[0] != ctx.options.address) return PcsRx::kValid;  // another battery's
  if (f.id == kHistoryInquiry) return PcsRx::kUnsupported;     // no history kept
  return inquiry(f, ctx);
}

PcsRx SofarHvProfile::inquiry(const ssim_can_frame& f, PcsContext& ctx) const {
  const std::uint8_t what = f.data[1];
  const std::uint8_t module = f.data[2];
  if (what != kInquirySerial && what != kInquiryCells && what != kInquiryTemperatures) return PcsRx::kUnsupported;
  if (module >= ctx.report.modules_in_series) return PcsRx::kUnsupported;
  if (!ctx.report.active) return PcsRx::kValid;
  SpacedBurst send(ctx.tx, ctx.now_ms);
  if (what == kInquirySerial) {
    char serial[kSerialFrames * 7 + 1] = {};
    serial_number(serial, sizeof serial, ctx.options.product, ctx.options.address, static_cast<std::uint16_t>(module + 1));
    for (int i = 0; i < kSerialFrames; ++i) {
      ssim_can_frame s = sofar_frame(0x671 + static_cast<std::uint32_t>(i), ctx);
      s.data[0] = module;
      put_text(s.data, 1, 7, serial + 7 * i, '\0');
      send(s);
    }
    return PcsRx::kValid;
  }
  if (ctx.cells == nullptr) return PcsRx::kUnsupported;
  if (what == kInquiryCells) {
    std::uint16_t mV[kCellFrames * kCellsPerFrame] = {};
    ctx.cells->module_cells(module, mV, kCellFrames * kCellsPerFrame);
    for (int i = 0; i < kCellFrames; ++i) {
      ssim_can_frame c = sofar_frame(0x680 + static_cast<std::uint32_t>(i), ctx);
      c.data[0] = module;
      for (int k = 0; k < kCellsPerFrame; ++k) put_le16(c.data, 1 + 2 * static_cast<std::size_t>(k), mV[i * kCellsPerFrame + k]);
      send(c);
    }
    return PcsRx::kValid;
  }
  std::int16_t dC[kTemperatureFrames * kCellsPerFrame] = {};
  const int n = ctx.cells->module_temperatures(module, dC, kTemperatureFrames * kCellsPerFrame);
  for (int i = 0; i < kTemperatureFrames; ++i) {
    ssim_can_frame t = sofar_frame(0x690 + static_cast<std::uint32_t>(i), ctx);
    t.data[0] = module;
    for (int k = 0; k < kCellsPerFrame; ++k) {
      const int s = i * kCellsPerFrame + k;
      put_le16(t.data, 1 + 2 * static_cast<std::size_t>(k), s < n ? s16(dC[s]) : kNotFitted);
    }
    send(t);
  }
  return PcsRx::kValid;
}

void SofarHvProfile::tick(PcsContext& ctx) {
  const PcsReport& r = ctx.report;
  if (!timer_.due(r.active, ctx.now_ms)) return;
  SpacedBurst send(ctx.tx, ctx.now_ms);

  ssim_can_frame f = sofar_frame(0x351, ctx);
  put_le16(f.data, 0, u16(dV(r.charge_voltage_mV)));
  put_le16(f.data, 2, u16(dA(r.charge_limit_mA)));
  put_le16(f.data, 4, u16(dA(r.discharge_limit_mA)));
  put_le16(f.data, 6, u16(dV(r.discharge_voltage_mV)));
  send(f);

  f = sofar_frame(0x355, ctx);
  put_le16(f.data, 0, u16(pct(r.soc_permille)));
  put_le16(f.data, 2, u16(pct(r.soh_permille)));
  put_le16(f.data, 4, 0xFFFF);  // high-resolution SOC: "not available", as in the sample
  put_le16(f.data, 6, u16(div_round(r.remaining_mAh, 100)));
  send(f);

  f = sofar_frame(0x356, ctx);
  put_le16(f.data, 0, u16(dV(r.pack_mV)));
  put_le16(f.data, 2, s16(dA(r.current_mA)));
  // The hottest sensor, as Battery-Emulator's working driver reads bytes 4-5
  // (protocols.md 3.1): the inverter derates on it.
  put_le16(f.data, 4, s16(r.temp_max_dC));
  put_le16(f.data, 6, u16(r.cycles));
  send(f);

  f = sofar_frame(0x359, ctx);
  pylon_alarm_bytes(r, false, f.data);
  f.data[4] = u8(r.module_count);
  f.data[5] = u8(r.modules_in_series > 0 ? r.series_cells / r.modules_in_series : 0);
  put_le16(f.data, 6, kSample359Bytes67);
  send(f);

  f = sofar_frame(0x35C, ctx);
  f.dlc = 2;
  f.data[0] = pylon_request_byte(r);
  send(f);

  f = sofar_frame(0x35E, ctx);
  put_text(f.data, 0, 8, manufacturer_text(ctx.options.manufacturer, PcsManufacturer::kAmass).name, '\0');
  send(f);

  f = sofar_frame(0x35F, ctx);
  f.data[0] = 0;  // battery type: 0 as in the sample
  f.data[1] = kPcsSoftwareMinor;
  f.data[2] = kPcsSoftwareMajor;
  f.data[3] = kPcsHardwareVersion;
  put_le16(f.data, 4, u16(div_round(r.capacity_mAh, 1000)));
  send(f);

  f = sofar_frame(0x30F, ctx);
  f.data[0] = r.request(kPcsForceChargeI) ? 1 : 0;  // remote command: 1 force charge [CRODAR]
  set_bit(f.data[1], 0, r.request(kPcsDischargeEnable));
  set_bit(f.data[1], 1, r.request(kPcsChargeEnable));
  send(f);
}

}  // namespace stacksim::fw
