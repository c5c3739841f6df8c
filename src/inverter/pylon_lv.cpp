// Pylontech low-voltage CAN V1.2, the PCS side (protocols.md section 1): the
// battery broadcasts 0x351..0x35E every second unasked; the PCS sends the
// 0x305 keep-alive (eight zero bytes) every second [PYLV12]. 11-bit ids, no
// address.
#include "inverter/profile_registry.hpp"
#include "inverter/pylon_broadcast.hpp"

namespace stacksim::inverter {
namespace {

constexpr std::int64_t kPeriod_ns = 1'000'000'000;  // [PYLV12]

class PylonLv final : public PcsProfile {
 public:
  PylonLv(const protocol::Dbc& dbc, const std::string& label, Diagnostics& diags)
      : PcsProfile(kPeriod_ns), battery_(dbc, label, diags),
        keep_alive_(dbc, label, "PCS_KeepAlive", {{"Content"}}, diags) {}
  bool valid() const { return battery_.valid() && keep_alive_.valid(); }

  Received receive(const bus::CanFrame& f, BatteryView& view) override {
    if (f.extended) return Received::kIgnored;
    return battery_.read(f.id, f, view).value_or(Received::kIgnored);
  }
  // Any 0x305 content is a heartbeat (protocols.md 1.1).
  bus::CanFrame out_of_range_frame(std::uint64_t k) override { return abused_heartbeat(sample_frame(), k); }
  bus::CanFrame sample_frame() override { return keep_alive_.frame(keep_alive_.id()); }

 private:
  void send_cycle(std::uint64_t, FrameSink& sink) override { sink.send(sample_frame()); }

  PylonBroadcastReader battery_;
  MessagePort keep_alive_;
};

}  // namespace

std::unique_ptr<PcsProfile> make_pylon_lv(const protocol::Dbc& dbc, const std::string& label,
                                          Diagnostics& diags) {
  return make_if_valid<PylonLv>(dbc, label, diags);
}

}  // namespace stacksim::inverter
