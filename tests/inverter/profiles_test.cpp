// The PCS side of every profile against the DBC files of models/dbc: what it
// sends (decoded with the DBC by signal name), and what it reads from battery
// frames, checked with the real captures of the reference
// (/work/shared/reference/protocols.md) and bytes worked out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <set>
#include <string>
#include <vector>

#include "inverter/profile_registry.hpp"
#include "frames.hpp"
#include "protocol/codec.hpp"
#include "protocol/dbc.hpp"
#include "scenario/inverter_section.hpp"

namespace stacksim::inverter {
namespace {

constexpr std::int64_t kSecond_ns = 1'000'000'000;

struct Recorder final : FrameSink {
  std::vector<bus::CanFrame> frames;
  void send(const bus::CanFrame& f) override { frames.push_back(f); }
};

std::string dbc_path(const ProfileInfo& p) {
  return std::string(STACKSIM_DATA_DIR) + "/models/dbc/" + p.dbc_file;
}

struct Loaded {
  protocol::Dbc dbc;
  std::unique_ptr<PcsProfile> profile;
};

Loaded load(const char* name) {
  const ProfileInfo* info = find_profile(name);
  EXPECT_NE(info, nullptr) << name;
  Diagnostics diags;
  auto dbc = protocol::Dbc::load(dbc_path(*info), diags);
  EXPECT_TRUE(dbc) << diags.format();
  Loaded l{std::move(*dbc), nullptr};
  l.profile = info->make(l.dbc, dbc_path(*info), diags);
  EXPECT_TRUE(l.profile) << diags.format();
  return l;
}

using testing::raw;

double signal(const protocol::Dbc& dbc, const char* message, const char* name, const bus::CanFrame& f) {
  const protocol::Message* m = dbc.find(message);
  EXPECT_NE(m, nullptr) << message;
  return m ? protocol::decode(*m, name, f).value_or(NAN) : NAN;
}

// The frames sent by transmit() called at each of `times`.
std::vector<bus::CanFrame> sent_at(PcsProfile& p, std::initializer_list<std::int64_t> times) {
  Recorder r;
  for (std::int64_t t : times) p.transmit(t, r);
  return r.frames;
}

TEST(Profiles, EveryScenarioNameHasAProfileAndADbc) {
  std::vector<std::string> registered;
  for (const ProfileInfo& p : profiles()) registered.emplace_back(p.name);
  std::vector<std::string> scenario_names(std::begin(scenario::kInverterProtocols),
                                          std::end(scenario::kInverterProtocols));
  EXPECT_EQ(registered, scenario_names);
  for (const ProfileInfo& p : profiles()) {
    Loaded l = load(p.name);
    EXPECT_GT(p.comm_timeout_ns, 0);
    EXPECT_NE(std::string(p.timeout_source), "");
  }
}

TEST(Profiles, ADbcLackingASignalTheInverterReadsIsADiagnosticNamingIt) {
  const char* text =
      "VERSION \"\"\nNS_ :\nBS_:\nBU_: BMS PCS\n"
      "BO_ 849 BMS_Limits: 8 BMS\n"
      " SG_ ChargeVoltage : 0|16@1+ (0.1,0) [0|6553.5] \"V\" PCS\n";
  Diagnostics diags;
  auto dbc = protocol::Dbc::parse(text, "short.dbc", diags);
  ASSERT_TRUE(dbc) << diags.format();
  EXPECT_EQ(make_pylon_lv(*dbc, "short.dbc", diags), nullptr);
  const std::string all = diags.format();
  EXPECT_NE(all.find("short.dbc"), std::string::npos) << all;
  EXPECT_NE(all.find("ChargeCurrentLimit"), std::string::npos) << all;
  EXPECT_NE(all.find("BMS_SocSoh"), std::string::npos) << all;
}

// Code and DBC agree: every frame the inverter sends (its periodic traffic
// and its commands) is a PCS message of the profile's DBC with that DLC and
// id format (addresses taken out), and every PCS message of the DBC is sent
// by the inverter (some only as a misbehaving one: Sofar's history inquiry).
TEST(Profiles, EveryFrameTheInverterSendsIsInTheDbcAndEveryPcsMessageIsSent) {
  for (const ProfileInfo& info : profiles()) {
    SCOPED_TRACE(info.name);
    Loaded l = load(info.name);
    l.profile->set_address(3);
    Recorder normal;
    for (std::int64_t t = 0; t <= 10 * kSecond_ns; t += kSecond_ns) l.profile->transmit(t, normal);
    for (PcsCommand c : {PcsCommand::kSleep, PcsCommand::kWake, PcsCommand::kChargeCommand,
                         PcsCommand::kDischargeCommand, PcsCommand::kMaskCommFail}) {
      l.profile->command(c, normal);
    }
    std::set<std::string> sent;
    for (const bus::CanFrame& f : normal.frames) {
      const protocol::Message* m = l.dbc.find(f.id, f.extended);
      if (m == nullptr) m = l.dbc.find(f.id & ~0xFu, f.extended);  // Pylon HV address nibble
      ASSERT_NE(m, nullptr) << std::hex << f.id;
      EXPECT_EQ(m->sender, "PCS") << m->name;
      EXPECT_EQ(f.dlc, m->dlc) << m->name;
      sent.insert(m->name);
    }
    for (std::uint64_t k = 0; k < 6; ++k) {
      const bus::CanFrame f = l.profile->out_of_range_frame(k);
      const protocol::Message* m = l.dbc.find(f.id, f.extended);
      if (m == nullptr) m = l.dbc.find(f.id & ~0xFu, f.extended);
      if (m != nullptr) sent.insert(m->name);
    }
    for (const protocol::Message& m : l.dbc.messages()) {
      if (m.sender == "PCS") {
        EXPECT_TRUE(sent.count(m.name)) << m.name << " is never sent";
      }
    }
  }
}

// --- Pylon LV -------------------------------------------------------------

TEST(PylonLvPcs, SendsTheZeroKeepAliveOncePerSecond) {
  Loaded l = load("pylon-lv");
  const auto frames = sent_at(*l.profile, {0, kSecond_ns / 2, kSecond_ns, 5 * kSecond_ns / 2});
  ASSERT_EQ(frames.size(), 3u);  // at 0 s, 1 s and 2 s
  for (const auto& f : frames) {
    EXPECT_EQ(f.id, 0x305u);
    EXPECT_FALSE(f.extended);
    EXPECT_EQ(f.dlc, 8);
    EXPECT_EQ(f.data, (std::array<std::uint8_t, 8>{}));
  }
}

TEST(PylonLvPcs, ReadsTheRealV12Capture) {
  // protocols.md 1.4 [SFL13].
  Loaded l = load("pylon-lv");
  BatteryView v;
  PcsProfile& p = *l.profile;
  EXPECT_EQ(p.receive(raw(0x351, false, {0x14, 0x02, 0xC0, 0x12, 0xC0, 0x12, 0xC2, 0x01}), v), Received::kDecoded);
  EXPECT_EQ(p.receive(raw(0x355, false, {0x58, 0x00, 0x5E, 0x00}), v), Received::kDecoded);
  EXPECT_EQ(p.receive(raw(0x356, false, {0x7A, 0x13, 0xF2, 0xFE, 0x6B, 0x01}), v), Received::kDecoded);
  EXPECT_EQ(p.receive(raw(0x359, false, {0x00, 0x00, 0x00, 0x00, 0x06, 0x50, 0x4E}), v), Received::kDecoded);
  EXPECT_EQ(p.receive(raw(0x35C, false, {0xC0, 0x00}), v), Received::kDecoded);
  EXPECT_EQ(p.receive(raw(0x35E, false, {'P', 'Y', 'L', 'O', 'N', ' ', ' ', ' '}), v), Received::kIgnored);
  EXPECT_NEAR(v.charge_voltage_V, 53.2, 1e-9);
  EXPECT_NEAR(v.charge_limit_A, 480.0, 1e-9);
  EXPECT_NEAR(v.discharge_limit_A, 480.0, 1e-9);
  EXPECT_NEAR(v.discharge_voltage_V, 45.0, 1e-9);
  EXPECT_NEAR(v.soc_pct, 88.0, 1e-9);
  EXPECT_NEAR(v.soh_pct, 94.0, 1e-9);
  EXPECT_NEAR(v.voltage_V, 49.86, 1e-9);
  EXPECT_NEAR(v.current_A, -27.0, 1e-9);
  EXPECT_NEAR(v.temperature_C, 36.3, 1e-9);
  EXPECT_EQ(v.modules, 6);
  EXPECT_TRUE(v.charge_enable);
  EXPECT_TRUE(v.discharge_enable);
  EXPECT_FALSE(v.force_charge());
  EXPECT_FALSE(v.full_charge);
  EXPECT_EQ(v.alarms, 0);
  EXPECT_EQ(v.protections, 0);
}

TEST(PylonLvPcs, RequestFlagsAndAlarmBitsMapToTheirMeanings) {
  Loaded l = load("pylon-lv");
  BatteryView v;
  // 0xA0: charge enable + force charge I (Battery-Emulator's "below min
  // voltage" value); 0x08: full charge only.
  l.profile->receive(raw(0x35C, false, {0xA0, 0x00}), v);
  EXPECT_TRUE(v.charge_enable);
  EXPECT_FALSE(v.discharge_enable);
  EXPECT_TRUE(v.force_charge_1);
  l.profile->receive(raw(0x35C, false, {0x08, 0x00}), v);
  EXPECT_TRUE(v.full_charge);
  EXPECT_FALSE(v.force_charge());
  // Byte 0 bit 3 cell over-temperature, byte 1 bit 3 system error; byte 2
  // bit 2 low voltage alarm, byte 3 bit 3 internal comm fail [PYLV12].
  l.profile->receive(raw(0x359, false, {0x08, 0x08, 0x04, 0x08, 0x01, 0x50, 0x4E}), v);
  EXPECT_EQ(v.protections, kHighTemperature | kSystemError);
  EXPECT_EQ(v.alarms, kCellLowVoltage | kInternalComm);
  // Battery-Emulator's system-error position, byte 1 bit 7.
  l.profile->receive(raw(0x359, false, {0x00, 0x80, 0x00, 0x00, 0x01, 0x50, 0x4E}), v);
  EXPECT_EQ(v.protections, kSystemError);
}

TEST(PylonLvPcs, LimitsWithoutTheDischargeVoltageAreStillLimits) {
  // Battery-Emulator's DLC 6 (option pcs.pylon_lv.dvl=off).
  Loaded l = load("pylon-lv");
  BatteryView v;
  EXPECT_EQ(l.profile->receive(raw(0x351, false, {0x14, 0x02, 0xF4, 0x01, 0xE8, 0x03}), v), Received::kDecoded);
  EXPECT_NEAR(v.charge_limit_A, 50.0, 1e-9);
  EXPECT_NEAR(v.discharge_limit_A, 100.0, 1e-9);
  EXPECT_TRUE(std::isnan(v.discharge_voltage_V));
}

TEST(PylonLvPcs, BrokenBatteryFramesAreCountedNotApplied) {
  Loaded l = load("pylon-lv");
  BatteryView v;
  EXPECT_EQ(l.profile->receive(raw(0x351, false, {0x14, 0x02, 0xC0}), v), Received::kMalformed);
  EXPECT_EQ(v.charge_voltage_V, 0.0);
  EXPECT_EQ(l.profile->receive(raw(0x355, false, {150, 0x00, 0x5E, 0x00}), v), Received::kMalformed);  // 150 %
  EXPECT_TRUE(std::isnan(v.soc_pct));
  bus::CanFrame remote = raw(0x35C, false, {0xC0, 0x00});
  remote.rtr = true;
  EXPECT_EQ(l.profile->receive(remote, v), Received::kMalformed);
  EXPECT_FALSE(v.charge_enable);
  EXPECT_EQ(l.profile->receive(raw(0x351, true, {0x14, 0x02, 0xC0, 0x12, 0xC0, 0x12, 0xC2, 0x01}), v),
            Received::kIgnored);  // a 29-bit frame is not Pylon LV's
}

// --- Pylon HV -------------------------------------------------------------

TEST(PylonHvPcs, PollsEverySecondCyclingEnsembleAndSystemInformation) {
  Loaded l = load("pylon-hv");
  const auto frames = sent_at(*l.profile, {0, kSecond_ns, 2 * kSecond_ns, 3 * kSecond_ns});
  ASSERT_EQ(frames.size(), 4u);
  const double expected[] = {0, 2, 0, 2};
  for (std::size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(frames[i].id, 0x4200u);
    EXPECT_TRUE(frames[i].extended);
    EXPECT_EQ(signal(l.dbc, "PCS_Request", "Request", frames[i]), expected[i]);
  }
}

TEST(PylonHvPcs, ReadsTheSpecificationsOffsetsAndTheAddressNibble) {
  Loaded l = load("pylon-hv");
  l.profile->set_address(1);
  BatteryView v;
  // 0x4221: 224.6 V, 192.0 V, charge 25.0 A = 30000 + 250, discharge 25.0 A
  // written as diyBMS does, 30000 - 250 (protocols.md 2.3).
  const bus::CanFrame limits = raw(0x4221, true, {0xC6, 0x08, 0x80, 0x07, 0x2A, 0x76, 0x36, 0x74});
  EXPECT_EQ(l.profile->receive(limits, v), Received::kDecoded);
  EXPECT_NEAR(v.charge_voltage_V, 224.6, 1e-9);
  EXPECT_NEAR(v.discharge_voltage_V, 192.0, 1e-9);
  EXPECT_NEAR(v.charge_limit_A, 25.0, 1e-9);
  EXPECT_NEAR(v.discharge_limit_A, 25.0, 1e-9);
  // 0x4211: 210.2 V, -1.6 A (29984), 20.8 degC (1208), SOC 49, SOH 100.
  EXPECT_EQ(l.profile->receive(raw(0x4211, true, {0x36, 0x08, 0x20, 0x75, 0xB8, 0x04, 49, 100}), v),
            Received::kDecoded);
  EXPECT_NEAR(v.voltage_V, 210.2, 1e-9);
  EXPECT_NEAR(v.current_A, -1.6, 1e-9);
  EXPECT_NEAR(v.temperature_C, 20.8, 1e-9);
  EXPECT_EQ(v.soc_pct, 49.0);
  // The same limits from address 0 are another battery's.
  BatteryView other;
  EXPECT_EQ(l.profile->receive(raw(0x4220, true, {0xC6, 0x08, 0x80, 0x07, 0x2A, 0x76, 0x36, 0x74}), other),
            Received::kOtherAddress);
  EXPECT_EQ(other.charge_voltage_V, 0.0);
}

TEST(PylonHvPcs, ForbiddenMarksRequestsAndMaskingAnswers) {
  Loaded l = load("pylon-hv");
  BatteryView v;
  l.profile->receive(raw(0x4280, true, {0xAA, 0x00, 0, 0, 0, 0, 0, 0}), v);
  EXPECT_FALSE(v.charge_enable);
  EXPECT_TRUE(v.discharge_enable);
  // 0x4250: byte 0 = 0x18 (force charge, balance charge), error byte 0x04
  // (internal comm), protection word bit 0 (cell low voltage) [DIY-PF].
  l.profile->receive(raw(0x4250, true, {0x18, 0x00, 0x00, 0x04, 0x00, 0x00, 0x01, 0x00}), v);
  EXPECT_TRUE(v.force_charge_1);
  EXPECT_TRUE(v.full_charge);
  EXPECT_EQ(v.protections, kInternalComm | kCellLowVoltage);
  EXPECT_EQ(v.alarms, 0);
  l.profile->receive(raw(0x8250, true, {0xAA, 0, 0, 0, 0, 0, 0, 0}), v);
  l.profile->receive(raw(0x8250, true, {0x00, 0, 0, 0, 0, 0, 0, 0}), v);
  EXPECT_EQ(l.profile->mask_accepted, 1);
  EXPECT_EQ(l.profile->mask_refused, 1);
}

TEST(PylonHvPcs, CommandsGoToTheAddress) {
  Loaded l = load("pylon-hv");
  l.profile->set_address(2);
  Recorder r;
  EXPECT_TRUE(l.profile->command(PcsCommand::kChargeCommand, r));
  EXPECT_TRUE(l.profile->command(PcsCommand::kSleep, r));
  EXPECT_TRUE(l.profile->command(PcsCommand::kMaskCommFail, r));
  ASSERT_EQ(r.frames.size(), 3u);
  EXPECT_EQ(r.frames[0].id, 0x8212u);
  EXPECT_EQ(signal(l.dbc, "PCS_ChargeDischargeCommand", "ChargeCommand", r.frames[0]), 0xAA);
  EXPECT_EQ(signal(l.dbc, "PCS_ChargeDischargeCommand", "DischargeCommand", r.frames[0]), 0.0);
  EXPECT_EQ(r.frames[1].id, 0x8202u);
  EXPECT_EQ(signal(l.dbc, "PCS_SleepWake", "Command", r.frames[1]), 0x55);
  EXPECT_EQ(r.frames[2].id, 0x8242u);
}

TEST(PylonHvPcs, OutOfRangeFramesCarryValuesTheProtocolDoesNotDefine) {
  Loaded l = load("pylon-hv");
  EXPECT_EQ(signal(l.dbc, "PCS_Request", "Request", l.profile->out_of_range_frame(0)), 7.0);
  const bus::CanFrame garbage = l.profile->out_of_range_frame(1);
  EXPECT_EQ(garbage.id, 0x8210u);
  EXPECT_NE(signal(l.dbc, "PCS_ChargeDischargeCommand", "ChargeCommand", garbage), 0xAA);
  EXPECT_NE(signal(l.dbc, "PCS_ChargeDischargeCommand", "ChargeCommand", garbage), 0x00);
  EXPECT_EQ(signal(l.dbc, "PCS_Request", "Request", l.profile->out_of_range_frame(2)), 255.0);
}

// --- Sofar HV -------------------------------------------------------------

TEST(SofarHvPcs, InquiresTheAddressedBatteryOncePerSecond) {
  Loaded l = load("sofar-hv");
  l.profile->set_address(3);
  const auto frames = sent_at(*l.profile, {0, kSecond_ns, 2 * kSecond_ns, 3 * kSecond_ns});
  ASSERT_EQ(frames.size(), 4u);
  const double inquiries[] = {1, 2, 10, 1};
  for (std::size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(frames[i].id, 0x605u);  // not shifted: the target is in byte 0
    EXPECT_TRUE(frames[i].extended);
    EXPECT_EQ(signal(l.dbc, "PCS_RealtimeInquiry", "TargetPack", frames[i]), 3.0);
    EXPECT_EQ(signal(l.dbc, "PCS_RealtimeInquiry", "Inquiry", frames[i]), inquiries[i]);
  }
}

TEST(SofarHvPcs, ReadsTheAmassCaptureAtItsBatteryId) {
  // protocols.md 3.1, sent by battery 1 (id + 1 << 12).
  Loaded l = load("sofar-hv");
  l.profile->set_address(1);
  BatteryView v;
  EXPECT_EQ(l.profile->receive(raw(0x1351, true, {0xC6, 0x08, 0xFA, 0x00, 0xFA, 0x00, 0x80, 0x07}), v),
            Received::kDecoded);
  EXPECT_EQ(l.profile->receive(raw(0x1355, true, {0x31, 0x00, 0x64, 0x00, 0xFF, 0xFF, 0xF6, 0x00}), v),
            Received::kDecoded);
  EXPECT_EQ(l.profile->receive(raw(0x1356, true, {0x36, 0x08, 0x10, 0x00, 0xD0, 0x00, 0x01, 0x00}), v),
            Received::kDecoded);
  EXPECT_NEAR(v.charge_voltage_V, 224.6, 1e-9);
  EXPECT_NEAR(v.charge_limit_A, 25.0, 1e-9);
  EXPECT_NEAR(v.discharge_limit_A, 25.0, 1e-9);
  EXPECT_NEAR(v.discharge_voltage_V, 192.0, 1e-9);
  EXPECT_EQ(v.soc_pct, 49.0);
  EXPECT_EQ(v.soh_pct, 100.0);
  EXPECT_NEAR(v.voltage_V, 210.2, 1e-9);
  EXPECT_NEAR(v.current_A, 1.6, 1e-9);
  EXPECT_NEAR(v.temperature_C, 20.8, 1e-9);
  EXPECT_EQ(l.profile->receive(raw(0x0351, true, {0xC6, 0x08, 0xFA, 0x00, 0xFA, 0x00, 0x80, 0x07}), v),
            Received::kOtherAddress);
}

TEST(SofarHvPcs, BothTheRequestFlagsAndTheCommandFrameMustAllow) {
  Loaded l = load("sofar-hv");
  BatteryView v;
  l.profile->receive(raw(0x35C, true, {0xC0, 0x00}), v);
  EXPECT_TRUE(v.charge_enable && v.discharge_enable);
  // 0x30F byte 1 = 0x01: discharge allowed only [BE-SOFAR].
  l.profile->receive(raw(0x30F, true, {0x00, 0x01, 0, 0, 0, 0, 0, 0}), v);
  EXPECT_FALSE(v.charge_enable);
  EXPECT_TRUE(v.discharge_enable);
  // The capture's 00 03: both; remote command 2 = forced standby: neither.
  l.profile->receive(raw(0x30F, true, {0x00, 0x03, 0, 0, 0, 0, 0, 0}), v);
  EXPECT_TRUE(v.charge_enable && v.discharge_enable);
  l.profile->receive(raw(0x30F, true, {0x02, 0x03, 0, 0, 0, 0, 0, 0}), v);
  EXPECT_FALSE(v.charge_enable || v.discharge_enable);
}

// --- Growatt LV -----------------------------------------------------------

TEST(GrowattLvPcs, QueriesOncePerSecond) {
  Loaded l = load("growatt-lv");
  const auto frames = sent_at(*l.profile, {0, kSecond_ns, 2 * kSecond_ns});
  ASSERT_EQ(frames.size(), 3u);
  for (const auto& f : frames) {
    EXPECT_EQ(f.id, 0x301u);
    EXPECT_FALSE(f.extended);
  }
}

TEST(GrowattLvPcs, ReadsBigEndianFrames) {
  Loaded l = load("growatt-lv");
  BatteryView v;
  // 0x311: 57.6 V = 576 = 0x0240, 50.0 A = 0x01F4, 100.0 A = 0x03E8 [GWLV].
  EXPECT_EQ(l.profile->receive(raw(0x311, false, {0x02, 0x40, 0x01, 0xF4, 0x03, 0xE8, 0x00, 0x00}), v),
            Received::kDecoded);
  EXPECT_NEAR(v.charge_voltage_V, 57.6, 1e-9);
  EXPECT_NEAR(v.charge_limit_A, 50.0, 1e-9);
  EXPECT_NEAR(v.discharge_limit_A, 100.0, 1e-9);
  EXPECT_TRUE(std::isnan(v.discharge_voltage_V));
  // 0x313: 52.00 V = 0x1450, -10.0 A = 0xFF9C, 25.0 degC = 0x00FA, SOC 50, SOH 100.
  EXPECT_EQ(l.profile->receive(raw(0x313, false, {0x14, 0x50, 0xFF, 0x9C, 0x00, 0xFA, 50, 100}), v),
            Received::kDecoded);
  EXPECT_NEAR(v.voltage_V, 52.0, 1e-9);
  EXPECT_NEAR(v.current_A, -10.0, 1e-9);
  EXPECT_NEAR(v.temperature_C, 25.0, 1e-9);
  EXPECT_EQ(v.soc_pct, 50.0);
  EXPECT_EQ(v.soh_pct, 100.0);
  // 0x319 byte 0 = 0xE0: charge, discharge, force charge I.
  l.profile->receive(raw(0x319, false, {0xE0, 0, 0, 0, 0, 0, 0, 0}), v);
  EXPECT_TRUE(v.charge_enable && v.discharge_enable && v.force_charge_1);
  // 0x312 byte 0 bit 4 cell over-voltage protection, byte 4 two packs.
  l.profile->receive(raw(0x312, false, {0x10, 0, 0, 0, 2, 0, 0, 32}), v);
  EXPECT_EQ(v.protections, kCellHighVoltage);
  EXPECT_EQ(v.modules, 2);
}

}  // namespace
}  // namespace stacksim::inverter
