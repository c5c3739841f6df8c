// Growatt low-voltage CAN V1.04, the PCS side (protocols.md section 4.1): the
// inverter sends 0x301 every second and the battery answers with
// 0x311..0x321. 11-bit ids, big-endian (the DBC's Motorola signals), no
// address. The protocol has no discharge cut-off voltage (the inverter then
// relies on the discharge limit) and no full-charge request.
#include <cmath>

#include "inverter/message_port.hpp"
#include "inverter/profile_registry.hpp"

namespace stacksim::inverter {
namespace {

constexpr std::int64_t kPeriod_ns = 1'000'000'000;  // [GWLV]

// 0x312 [GWLV].
constexpr FlagMeaning kAlarms[] = {
    {"ProtectSoftStartFail", kOther, true},
    {"ProtectModuleUnderVoltage", kCellLowVoltage, true},
    {"ProtectModuleOverVoltage", kCellHighVoltage, true},
    {"ProtectCellUnderVoltage", kCellLowVoltage, true},
    {"ProtectCellOverVoltage", kCellHighVoltage, true},
    {"ProtectShortCircuit", kDischargeOverCurrent, true},
    {"ProtectChargeOverCurrent", kChargeOverCurrent, true},
    {"ProtectDischargeOverCurrent", kDischargeOverCurrent, true},
    {"ProtectDeltaVoltage", kOther, true},
    {"ProtectSystemError", kSystemError, true},
    {"ProtectChargeUnderTemperature", kLowTemperature, true},
    {"ProtectDischargeUnderTemperature", kLowTemperature, true},
    {"ProtectChargeOverTemperature", kHighTemperature, true},
    {"ProtectDischargeOverTemperature", kHighTemperature, true},
    {"AlarmModuleUnderVoltage", kCellLowVoltage, false},
    {"AlarmModuleOverVoltage", kCellHighVoltage, false},
    {"AlarmCellUnderVoltage", kCellLowVoltage, false},
    {"AlarmCellOverVoltage", kCellHighVoltage, false},
    {"AlarmChargeOverCurrent", kChargeOverCurrent, false},
    {"AlarmDischargeOverCurrent", kDischargeOverCurrent, false},
    {"AlarmInternalCommFail", kInternalComm, false},
    {"AlarmDeltaVoltage", kOther, false},
    {"AlarmChargeUnderTemperature", kLowTemperature, false},
    {"AlarmDischargeUnderTemperature", kLowTemperature, false},
    {"AlarmChargeOverTemperature", kHighTemperature, false},
    {"AlarmDischargeOverTemperature", kHighTemperature, false},
};
constexpr std::size_t kPackCount = std::size(kAlarms);

class GrowattLv final : public PcsProfile {
 public:
  GrowattLv(const protocol::Dbc& dbc, const std::string& label, Diagnostics& diags)
      : PcsProfile(kPeriod_ns),
        limits_(dbc, label, "BMS_Limits", {{"ChargeVoltage"}, {"ChargeCurrentLimit"}, {"DischargeCurrentLimit"}}, diags),
        alarms_(dbc, label, "BMS_Alarms", flag_fields(kAlarms, {{"PackCount"}}), diags),
        measurements_(dbc, label, "BMS_Measurements", {{"Voltage"}, {"Current"}, {"MaxTemperature"}, {"Soc"}, {"Soh"}}, diags),
        requests_(dbc, label, "BMS_Requests",
                  {{"ChargeEnable"}, {"DischargeEnable"}, {"ForceChargeIRequest"}, {"ForceChargeIIRequest"}}, diags),
        query_(dbc, label, "PCS_Query", {{"Content"}}, diags) {}
  bool valid() const {
    return limits_.valid() && alarms_.valid() && measurements_.valid() && requests_.valid() && query_.valid();
  }

  Received receive(const bus::CanFrame& f, BatteryView& v) override {
    if (f.extended) return Received::kIgnored;
    MessagePort* const ports[] = {&limits_, &alarms_, &measurements_, &requests_};
    MessagePort* port = nullptr;
    for (MessagePort* p : ports) {
      if (p->id() == f.id) port = p;
    }
    if (port == nullptr) return Received::kIgnored;
    if (!port->read(f)) return Received::kMalformed;
    if (port == &limits_) {
      v.charge_voltage_V = limits_.value(0);
      v.charge_limit_A = limits_.value(1);
      v.discharge_limit_A = limits_.value(2);
    } else if (port == &alarms_) {
      read_flags(alarms_, kAlarms, v);
      v.modules = static_cast<int>(alarms_.value(kPackCount));
    } else if (port == &measurements_) {
      v.voltage_V = measurements_.value(0);
      v.current_A = measurements_.value(1);
      v.temperature_C = measurements_.value(2);
      v.soc_pct = measurements_.value(3);
      v.soh_pct = measurements_.value(4);
    } else {
      v.charge_enable = requests_.flag(0);
      v.discharge_enable = requests_.flag(1);
      v.force_charge_1 = requests_.flag(2);
      v.force_charge_2 = requests_.flag(3);
    }
    return Received::kDecoded;
  }

  // Any 0x301 content is a query (protocols.md 4.1).
  bus::CanFrame out_of_range_frame(std::uint64_t k) override { return abused_heartbeat(sample_frame(), k); }
  // Content 0: the spec's 11 22 .. 88 is only an example, any content is accepted [GWLV].
  bus::CanFrame sample_frame() override { return query_.frame(query_.id()); }

 private:
  void send_cycle(std::uint64_t, FrameSink& sink) override { sink.send(sample_frame()); }

  MessagePort limits_, alarms_, measurements_, requests_, query_;
};

}  // namespace

std::unique_ptr<PcsProfile> make_growatt_lv(const protocol::Dbc& dbc, const std::string& label,
                                            Diagnostics& diags) {
  return make_if_valid<GrowattLv>(dbc, label, diags);
}

}  // namespace stacksim::inverter
