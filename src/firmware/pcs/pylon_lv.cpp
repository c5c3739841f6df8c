// pylon-lv: Pylontech low-voltage CAN V1.2 [PYLV12] (models/dbc/pylon-lv.dbc).
// Standard ids, little-endian. The battery broadcasts 0x351, 0x355, 0x356,
// 0x359, 0x35C, 0x35E every second, 20 ms apart; the PCS's 0x305 (any
// content) is its keep-alive.
#include "pcs/can_bytes.hpp"
#include "pcs/pcs_identity.hpp"
#include "pcs/profiles.hpp"
#include "pcs/pylon_flags.hpp"

namespace stacksim::fw {
namespace {

using namespace pcs_bytes;

constexpr std::uint32_t kKeepAlive = 0x305;

}  // namespace

PcsRx PylonLvProfile::receive(const ssim_can_frame& f, PcsContext&) {
  if (f.extended != 0 || f.id != kKeepAlive) return PcsRx::kUnknown;
  // A remote frame carries no keep-alive; any data does [PYLV12], [ARMIN].
  return f.rtr != 0 ? PcsRx::kMalformed : PcsRx::kValid;
}

void PylonLvProfile::tick(PcsContext& ctx) {
  const PcsReport& r = ctx.report;
  if (!timer_.due(r.active, ctx.now_ms)) return;
  SpacedBurst send(ctx.tx, ctx.now_ms);

  ssim_can_frame limits = frame(0x351, false, ctx.options.pylon_lv_dvl ? 8 : 6);
  put_le16(limits.data, 0, u16(dV(r.charge_voltage_mV)));
  put_le16(limits.data, 2, s16(dA(r.charge_limit_mA)));
  put_le16(limits.data, 4, s16(dA(r.discharge_limit_mA)));  // positive, as real packs send it
  if (ctx.options.pylon_lv_dvl) put_le16(limits.data, 6, u16(dV(r.discharge_voltage_mV)));
  send(limits);

  ssim_can_frame soc = frame(0x355, false, 4);
  put_le16(soc.data, 0, u16(pct(r.soc_permille)));
  put_le16(soc.data, 2, u16(pct(r.soh_permille)));
  send(soc);

  ssim_can_frame meas = frame(0x356, false, 6);
  put_le16(meas.data, 0, s16(cV(r.pack_mV)));
  put_le16(meas.data, 2, s16(dA(r.current_mA)));
  put_le16(meas.data, 4, s16(r.temp_avg_dC));
  send(meas);

  ssim_can_frame alarms = frame(0x359, false, 7);
  pylon_alarm_bytes(r, ctx.options.pylon_lv_system_error_bit7, alarms.data);
  alarms.data[4] = u8(r.module_count);
  alarms.data[5] = 'P';
  alarms.data[6] = 'N';
  send(alarms);

  ssim_can_frame requests = frame(0x35C, false, 2);
  requests.data[0] = pylon_request_byte(r);
  send(requests);

  ssim_can_frame name = frame(0x35E, false, 8);
  put_text(name.data, 0, 8, manufacturer_text(ctx.options.manufacturer, PcsManufacturer::kPylon).name, ' ');
  send(name);
}

}  // namespace stacksim::fw
