// Pylontech high-voltage CAN, the PCS side (protocols.md section 2): the PCS
// polls with 0x4200 once per second, byte 0 cycling 0 (ensemble information:
// 0x4210..0x4290) and 2 (system equipment: 0x7310..0x7340) [BE-PYBAT],
// [DIY-PF]. 29-bit ids; the low nibble of every battery id and of the
// addressed PCS commands (0x8200 sleep/wake, 0x8210 charge/discharge command,
// 0x8240 comm-fail masking, answered by 0x8250) is the battery address.
// The inverter reads the specification's form: little-endian, -3000 A and
// -100 degC offsets (the DBC), either sign of the discharge limit.
#include <cmath>

#include "inverter/message_port.hpp"
#include "inverter/profile_registry.hpp"

namespace stacksim::inverter {
namespace {

constexpr std::int64_t kPeriod_ns = 1'000'000'000;
constexpr double kForbidden = 0xAA;  // 0x4280 mark [DIY-PF]
constexpr double kYes = 0xAA;        // 0x8200 quit sleep, 0x8210 commands, 0x8250 "will act"
constexpr double kSleep = 0x55;

// 0x4250: error byte (as protections), alarm word, protection word
// [DIY-PF], [AIREP-PYHV].
constexpr FlagMeaning kStatusFlags[] = {
    {"ErrorVoltageSensor", kSystemError, true},
    {"ErrorTemperatureSensor", kSystemError, true},
    {"ErrorInternalComm", kInternalComm, true},
    {"ErrorOther", kOther, true},
    {"AlarmCellHighVoltage", kCellHighVoltage, false},
    {"AlarmCellLowVoltage", kCellLowVoltage, false},
    {"AlarmChargeCellHighTemperature", kHighTemperature, false},
    {"AlarmDischargeCellHighTemperature", kHighTemperature, false},
    {"AlarmChargeCellLowTemperature", kLowTemperature, false},
    {"AlarmDischargeCellLowTemperature", kLowTemperature, false},
    {"AlarmChargeOverCurrent", kChargeOverCurrent, false},
    {"AlarmDischargeOverCurrent", kDischargeOverCurrent, false},
    {"ProtectCellHighVoltage", kCellHighVoltage, true},
    {"ProtectCellLowVoltage", kCellLowVoltage, true},
    {"ProtectChargeCellHighTemperature", kHighTemperature, true},
    {"ProtectDischargeCellHighTemperature", kHighTemperature, true},
    {"ProtectChargeCellLowTemperature", kLowTemperature, true},
    {"ProtectDischargeCellLowTemperature", kLowTemperature, true},
    {"ProtectChargeOverCurrent", kChargeOverCurrent, true},
    {"ProtectDischargeOverCurrent", kDischargeOverCurrent, true},
};
constexpr std::size_t kForceCharge = std::size(kStatusFlags);

class PylonHv final : public PcsProfile {
 public:
  PylonHv(const protocol::Dbc& dbc, const std::string& label, Diagnostics& diags)
      : PcsProfile(kPeriod_ns),
        ensemble_(dbc, label, "BMS_Ensemble", {{"TotalVoltage"}, {"Current"}, {"BmsTemperature"}, {"Soc"}, {"Soh"}}, diags),
        limits_(dbc, label, "BMS_Limits",
                {{"ChargeCutoffVoltage"}, {"DischargeCutoffVoltage"}, {"MaxChargeCurrent"}, {"MaxDischargeCurrent"}},
                diags),
        status_(dbc, label, "BMS_Status",
                flag_fields(kStatusFlags, {{"ForceChargeRequest"}, {"BalanceChargeRequest"}}), diags),
        marks_(dbc, label, "BMS_ForbiddenMarks", {{"ChargeForbidden"}, {"DischargeForbidden"}}, diags),
        system_(dbc, label, "BMS_SystemInfo", {{"ModulesInSeries"}}, diags),
        mask_answer_(dbc, label, "BMS_CommFailMaskingAnswer", {{"Answer"}}, diags),
        request_(dbc, label, "PCS_Request", {{"Request"}}, diags),
        sleep_(dbc, label, "PCS_SleepWake", {{"Command"}}, diags),
        charge_command_(dbc, label, "PCS_ChargeDischargeCommand", {{"ChargeCommand"}, {"DischargeCommand"}}, diags),
        mask_(dbc, label, "PCS_CommFailMasking", {{"Content"}}, diags) {}

  bool valid() const {
    return ensemble_.valid() && limits_.valid() && status_.valid() && marks_.valid() && system_.valid() &&
           mask_answer_.valid() && request_.valid() && sleep_.valid() && charge_command_.valid() && mask_.valid();
  }

  Received receive(const bus::CanFrame& f, BatteryView& v) override {
    if (!f.extended) return Received::kIgnored;
    const std::uint32_t base = f.id & ~0xFu;
    MessagePort* const ports[] = {&ensemble_, &limits_, &status_, &marks_, &system_, &mask_answer_};
    MessagePort* port = nullptr;
    for (MessagePort* p : ports) {
      if (p->id() == base) port = p;
    }
    if (port == nullptr) return Received::kIgnored;
    if (static_cast<int>(f.id & 0xFu) != address_) return Received::kOtherAddress;
    if (!port->read(f)) return Received::kMalformed;
    if (port == &ensemble_) {
      v.voltage_V = ensemble_.value(0);
      v.current_A = ensemble_.value(1);
      v.temperature_C = ensemble_.value(2);
      v.soc_pct = ensemble_.value(3);
      v.soh_pct = ensemble_.value(4);
    } else if (port == &limits_) {
      v.charge_voltage_V = limits_.value(0);
      v.discharge_voltage_V = limits_.value(1);
      v.charge_limit_A = std::fmax(limits_.value(2), 0.0);
      // Sent as 30000 - I or 30000 + I (protocols.md 2.3): its size counts.
      v.discharge_limit_A = std::fabs(limits_.value(3));
    } else if (port == &status_) {
      read_status(v);
    } else if (port == &marks_) {
      v.charge_enable = marks_.value(0) != kForbidden;
      v.discharge_enable = marks_.value(1) != kForbidden;
    } else if (port == &system_) {
      v.modules = static_cast<int>(system_.value(0));
    } else {
      (mask_answer_.value(0) == kYes ? mask_accepted : mask_refused)++;
    }
    return Received::kDecoded;
  }

  bool command(PcsCommand c, FrameSink& sink) override {
    const std::uint32_t a = static_cast<std::uint32_t>(address_);
    switch (c) {
      case PcsCommand::kSleep:
      case PcsCommand::kWake:
        sleep_.clear();
        sleep_.set(0, c == PcsCommand::kSleep ? kSleep : kYes);
        sink.send(sleep_.frame(sleep_.id() + a));
        return true;
      case PcsCommand::kChargeCommand:
      case PcsCommand::kDischargeCommand:
        charge_command_.clear();
        charge_command_.set(c == PcsCommand::kChargeCommand ? 0 : 1, kYes);
        sink.send(charge_command_.frame(charge_command_.id() + a));
        return true;
      case PcsCommand::kMaskCommFail:
        mask_.clear();
        sink.send(mask_.frame(mask_.id() + a));
        return true;
    }
    return false;
  }

  // 0x4200 with request 7 (no such request), a 0x8210 with neither 0xAA nor
  // 0x00, 0x4200 with request 0xFF.
  bus::CanFrame out_of_range_frame(std::uint64_t k) override {
    switch (k % 3) {
      case 0: return poll(7);
      case 1: {
        bus::CanFrame f;
        f.id = charge_command_.id() + static_cast<std::uint32_t>(address_);
        f.extended = true;
        f.dlc = 8;
        f.data = {0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0};
        return f;
      }
      default: return poll(0xFF);
    }
  }
  bus::CanFrame sample_frame() override { return poll(0); }

 private:
  void send_cycle(std::uint64_t cycle, FrameSink& sink) override { sink.send(poll(cycle % 2 == 0 ? 0 : 2)); }

  bus::CanFrame poll(int request) {
    request_.clear();
    request_.set(0, request);
    return request_.frame(request_.id());
  }

  void read_status(BatteryView& v) const {
    read_flags(status_, kStatusFlags, v);
    v.force_charge_1 = status_.flag(kForceCharge);
    // The balance-charge request asks for a charge to full (protocols.md 2.4):
    // Pylon HV's counterpart of the full-charge request.
    v.full_charge = status_.flag(kForceCharge + 1);
  }

  MessagePort ensemble_, limits_, status_, marks_, system_, mask_answer_;
  MessagePort request_, sleep_, charge_command_, mask_;
};

}  // namespace

std::unique_ptr<PcsProfile> make_pylon_hv(const protocol::Dbc& dbc, const std::string& label,
                                          Diagnostics& diags) {
  return make_if_valid<PylonHv>(dbc, label, diags);
}

}  // namespace stacksim::inverter
