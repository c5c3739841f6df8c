// Sofar AMASS "High Voltage BMS General Protocol (Extended Frame)", the PCS
// side (protocols.md section 3.1): the battery broadcasts the Pylon LV layouts
// (0x351..0x35F, 0x30F) every second as 29-bit frames with its battery id in
// bits 12-15; the PCS "does not send much" [BE-SOFAR]: here one real-time
// inquiry 0x605 per second (byte 0 the battery id, not shifted), cycling the
// inquiries the battery answers (1 serial number, 2 cell voltages, 10
// temperatures), so the battery hears its PCS.
#include "inverter/profile_registry.hpp"
#include "inverter/pylon_broadcast.hpp"

namespace stacksim::inverter {
namespace {

constexpr std::int64_t kPeriod_ns = 1'000'000'000;
constexpr int kInquiries[] = {1, 2, 10};
constexpr double kForceStandby = 2;  // 0x30F remote command [CRODAR]

class SofarHv final : public PcsProfile {
 public:
  SofarHv(const protocol::Dbc& dbc, const std::string& label, Diagnostics& diags)
      : PcsProfile(kPeriod_ns), battery_(dbc, label, diags),
        command_(dbc, label, "BMS_Command", {{"RemoteCommand"}, {"ChargeAllowed"}, {"DischargeAllowed"}}, diags),
        inquiry_(dbc, label, "PCS_RealtimeInquiry", {{"TargetPack"}, {"Inquiry"}, {"SubTarget"}}, diags),
        history_(dbc, label, "PCS_HistoryInquiry", {{"TargetPack"}, {"Inquiry"}, {"Record"}, {"SubTarget"}}, diags) {}
  bool valid() const { return battery_.valid() && command_.valid() && inquiry_.valid() && history_.valid(); }

  Received receive(const bus::CanFrame& f, BatteryView& v) override {
    if (!f.extended) return Received::kIgnored;
    const std::uint32_t base = f.id & ~0xF000u;
    const bool command = base == command_.id();
    if (!command && !battery_.owns(base)) return Received::kIgnored;
    if (static_cast<int>((f.id >> 12) & 0xFu) != address_) return Received::kOtherAddress;
    if (command) {
      if (!command_.read(f)) return Received::kMalformed;
      const bool standby = command_.value(0) == kForceStandby;
      command_charge_ = command_.flag(1) && !standby;
      command_discharge_ = command_.flag(2) && !standby;
    } else {
      const Received r = *battery_.read(base, f, v);
      if (r != Received::kDecoded) return r;
      if (base == battery_.requests_id()) {
        request_charge_ = v.charge_enable;
        request_discharge_ = v.discharge_enable;
      }
    }
    // Allowed only when both the request flags and the command frame say so.
    v.charge_enable = request_charge_ && command_charge_;
    v.discharge_enable = request_discharge_ && command_discharge_;
    return Received::kDecoded;
  }

  // An inquiry for battery 0x77 (ids are 0..15), an unknown inquiry 0xFF, a
  // history inquiry for record 0xFF.
  bus::CanFrame out_of_range_frame(std::uint64_t k) override {
    switch (k % 3) {
      case 0: return inquiry(0x77, 1);
      case 1: return inquiry(address_, 0xFF);
      default:
        history_.clear();
        history_.set(0, address_);
        history_.set(2, 0xFF);
        return history_.frame(history_.id());
    }
  }
  bus::CanFrame sample_frame() override { return inquiry(address_, kInquiries[0]); }

 private:
  void send_cycle(std::uint64_t cycle, FrameSink& sink) override {
    sink.send(inquiry(address_, kInquiries[cycle % std::size(kInquiries)]));
  }
  bus::CanFrame inquiry(int target, int what) {
    inquiry_.clear();
    inquiry_.set(0, target);
    inquiry_.set(1, what);
    return inquiry_.frame(inquiry_.id());
  }

  PylonBroadcastReader battery_;
  MessagePort command_, inquiry_, history_;
  // Until the battery says otherwise, its command frame allows both.
  bool request_charge_ = false, request_discharge_ = false;
  bool command_charge_ = true, command_discharge_ = true;
};

}  // namespace

std::unique_ptr<PcsProfile> make_sofar_hv(const protocol::Dbc& dbc, const std::string& label,
                                          Diagnostics& diags) {
  return make_if_valid<SofarHv>(dbc, label, diags);
}

}  // namespace stacksim::inverter
