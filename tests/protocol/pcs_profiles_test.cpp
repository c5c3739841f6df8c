// The battery side of every PCS profile (src/firmware/pcs), run in process on
// a fake board, against the product DBC files: (b) the frames for a known
// report decode to that report, for every option; (c) every frame the
// firmware sends is in the DBC with its DLC and frame format, and every
// BMS -> PCS message of the DBC is sent; (d) hostile frames are counted and
// never crash. Expected values restate the protocol rules of protocols.md
// from the report, not from the encoder.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

#include "pcs_fixture.hpp"

namespace stacksim::pcs_test {
namespace {

using fw::PcsMeaning;
using fw::PcsReport;
using fw::PcsTier;
using fw::pcs_flag;
using Expected = std::map<std::string, std::map<std::string, double>>;  // message -> signal -> value

// Two reports that between them set and clear every flag the profiles carry.
PcsReport report_a() {
  PcsReport r;
  r.active = true;
  r.charge_voltage_mV = 224600;
  r.discharge_voltage_mV = 192000;
  r.charge_limit_mA = 0;
  r.discharge_limit_mA = 48700;
  r.pack_mV = 210200;
  r.current_mA = -12300;
  r.soc_permille = 490;
  r.soh_permille = 980;
  r.temp_avg_dC = 253;
  r.temp_min_dC = 212;
  r.temp_max_dC = 318;
  r.temp_min_index = 5;
  r.temp_max_index = 9;
  r.cell_min_mV = 3251;
  r.cell_max_mV = 3377;
  r.cell_min_index = 17;
  r.cell_max_index = 40;
  r.module_min_mV = 52000;
  r.module_max_mV = 53600;
  r.module_min_index = 1;
  r.module_max_index = 3;
  r.board_temp_dC = 305;
  r.units = 1;
  r.series_cells = 64;
  r.modules_in_series = 4;
  r.cell_count = 64;
  r.temp_count = 16;
  r.module_count = 4;
  r.capacity_mAh = 50000;
  r.full_mAh = 49000;
  r.remaining_mAh = 24600;
  r.cycles = 37;
  r.state = SSIM_STATE_DISCHARGE;
  r.path_closed = true;
  r.balancing = true;
  const fw::PcsFlags protection = pcs_flag(PcsMeaning::kChargeOverTemperature) | pcs_flag(PcsMeaning::kSystemError);
  const fw::PcsFlags alarm = protection | pcs_flag(PcsMeaning::kCellLowVoltage) |
                             pcs_flag(PcsMeaning::kDischargeOverCurrent) | pcs_flag(PcsMeaning::kInternalCommFail);
  r.tiers = {static_cast<fw::PcsFlags>(alarm | pcs_flag(PcsMeaning::kCellImbalance)), alarm, protection};
  r.faults = SSIM_FAULT_TEMP_SENSOR | SSIM_FAULT_INTERNAL_COMM;
  r.requests = fw::kPcsDischargeEnable | fw::kPcsForceChargeI | fw::kPcsForceChargeII | fw::kPcsFullCharge |
               fw::kPcsBalanceCharge;
  r.faulty_unit = 1;
  return r;
}

PcsReport report_b() {
  PcsReport r = report_a();
  r.charge_limit_mA = 25300;
  r.discharge_limit_mA = 0;
  r.current_mA = 20400;
  r.state = SSIM_STATE_CHARGE;
  r.balancing = false;
  r.path_closed = true;
  const fw::PcsFlags protection = pcs_flag(PcsMeaning::kCellHighVoltage) | pcs_flag(PcsMeaning::kDischargeOverCurrent) |
                                  pcs_flag(PcsMeaning::kChargeUnderTemperature);
  const fw::PcsFlags alarm = protection | pcs_flag(PcsMeaning::kChargeOverCurrent) |
                             pcs_flag(PcsMeaning::kPackHighVoltage) | pcs_flag(PcsMeaning::kDischargeUnderTemperature);
  r.tiers = {alarm, alarm, protection};
  r.faults = SSIM_FAULT_CONTACTOR_WELDED;
  r.requests = fw::kPcsChargeEnable;
  r.faulty_unit = 0;
  return r;
}

double b(bool v) { return v ? 1.0 : 0.0; }
bool has(const PcsReport& r, PcsTier t, PcsMeaning m) { return r.has(t, m); }

// Runs the link with `params`, lets it broadcast for 1.5 s and sends it the
// PCS's `requests`; the frames it sent.
std::vector<ssim_can_frame> run(const PcsParams& params, const PcsReport& r,
                                const std::vector<ssim_can_frame>& requests, const fw::PcsCellSource* cells = nullptr,
                                fw::PcsCounters* counters = nullptr) {
  LinkRig rig(params, r, "gtx3000", cells);
  rig.tick_until(100);
  for (const ssim_can_frame& request : requests) {
    EXPECT_TRUE(rig.link.receive(request, rig.next_ms));
    rig.tick_until(rig.next_ms + 10);
  }
  rig.tick_until(1500);
  if (counters != nullptr) *counters = rig.link.counters();
  return rig.frames();
}

// Every expected message arrived (the last of each id counts) with every
// expected signal value.
void check(const std::string& profile, const std::vector<ssim_can_frame>& frames, const Expected& want,
           const std::function<protocol::Message(const protocol::Message&)>& reading = nullptr) {
  std::map<std::string, std::map<std::string, double>> got;
  for (const ssim_can_frame& f : frames) {
    const protocol::Message* m = find_message(profile, f);
    ASSERT_NE(m, nullptr) << profile << ": 0x" << std::hex << f.id << " is not in the DBC";
    const protocol::Message read = reading ? reading(*m) : *m;
    got[m->name] = decode_all(read, to_bus(f));
  }
  for (const auto& [message, signals] : want) {
    ASSERT_TRUE(got.count(message)) << profile << ": " << message << " not sent";
    for (const auto& [signal, value] : signals) {
      ASSERT_TRUE(got[message].count(signal)) << message << "." << signal << " not in the DBC";
      EXPECT_NEAR(got[message][signal], value, 1e-6) << profile << " " << message << "." << signal;
    }
  }
}

std::map<std::string, double> ascii(const std::string& prefix, int first, const std::string& text, int len, char pad) {
  std::map<std::string, double> out;
  for (int i = 0; i < len; ++i) {
    const char c = i < static_cast<int>(text.size()) ? text[static_cast<std::size_t>(i)] : pad;
    out[prefix + std::to_string(first + i)] = static_cast<unsigned char>(c);
  }
  return out;
}

// ---- pylon-lv -------------------------------------------------------------

Expected pylon_lv_expected(const PcsReport& r, bool bit7) {
  using M = PcsMeaning;
  const auto p = [&](M m) { return has(r, PcsTier::kProtection, m); };
  const auto a = [&](M m) { return has(r, PcsTier::kAlarm, m); };
  Expected e;
  e["BMS_Limits"] = {{"ChargeVoltage", r.charge_voltage_mV / 1000.0}, {"ChargeCurrentLimit", r.charge_limit_mA / 1000.0},
                     {"DischargeCurrentLimit", r.discharge_limit_mA / 1000.0},
                     {"DischargeVoltage", r.discharge_voltage_mV / 1000.0}};
  e["BMS_SocSoh"] = {{"Soc", r.soc_permille / 10}, {"Soh", r.soh_permille / 10}};
  e["BMS_Measurements"] = {{"Voltage", r.pack_mV / 1000.0}, {"Current", r.current_mA / 1000.0},
                           {"Temperature", r.temp_avg_dC / 10.0}};
  e["BMS_Alarms"] = {
      {"ProtectCellOverVoltage", b(p(M::kCellHighVoltage) || p(M::kPackHighVoltage))},
      {"ProtectCellUnderVoltage", b(p(M::kCellLowVoltage) || p(M::kPackLowVoltage))},
      {"ProtectOverTemperature", b(p(M::kChargeOverTemperature) || p(M::kDischargeOverTemperature))},
      {"ProtectUnderTemperature", b(p(M::kChargeUnderTemperature) || p(M::kDischargeUnderTemperature))},
      {"ProtectDischargeOverCurrent", b(p(M::kDischargeOverCurrent))},
      {"ProtectChargeOverCurrent", b(p(M::kChargeOverCurrent))},
      {"ProtectSystemError", b(!bit7 && p(M::kSystemError))},
      {"ProtectSystemErrorBit7", b(bit7 && p(M::kSystemError))},
      {"AlarmCellHighVoltage", b(a(M::kCellHighVoltage) || a(M::kPackHighVoltage))},
      {"AlarmCellLowVoltage", b(a(M::kCellLowVoltage) || a(M::kPackLowVoltage))},
      {"AlarmHighTemperature", b(a(M::kChargeOverTemperature) || a(M::kDischargeOverTemperature))},
      {"AlarmLowTemperature", b(a(M::kChargeUnderTemperature) || a(M::kDischargeUnderTemperature))},
      {"AlarmDischargeHighCurrent", b(a(M::kDischargeOverCurrent))},
      {"AlarmChargeHighCurrent", b(a(M::kChargeOverCurrent))},
      {"AlarmInternalCommFail", b(a(M::kInternalCommFail))},
      {"ModuleCount", r.module_count},
      {"MarkerP", 'P'},
      {"MarkerN", 'N'}};
  e["BMS_Requests"] = {{"ChargeEnable", b(r.request(fw::kPcsChargeEnable))},
                       {"DischargeEnable", b(r.request(fw::kPcsDischargeEnable))},
                       {"ForceChargeIRequest", b(r.request(fw::kPcsForceChargeI))},
                       {"ForceChargeIIRequest", b(r.request(fw::kPcsForceChargeII))},
                       {"FullChargeRequest", b(r.request(fw::kPcsFullCharge))}};
  e["BMS_Manufacturer"] = ascii("Char", 1, "PYLON", 8, ' ');
  return e;
}

TEST(PylonLvProfile, FramesDecodeToTheReport) {
  for (const PcsReport& r : {report_a(), report_b()}) {
    for (const int bit7 : {0, 1}) {
      PcsParams params("pylon-lv");
      params.set("pcs.pylon_lv.system_error_bit", bit7);
      check("pylon-lv", run(params, r, {}), pylon_lv_expected(r, bit7 == 1));
    }
  }
}

TEST(PylonLvProfile, WithoutDischargeVoltageTheLimitsFrameHasSixBytes) {
  PcsParams params("pylon-lv");
  params.set("pcs.pylon_lv.dvl", 1);
  const auto frames = run(params, report_a(), {});
  bool seen = false;
  for (const ssim_can_frame& f : frames) {
    if (f.id != 0x351) continue;
    seen = true;
    EXPECT_EQ(f.dlc, 6) << "Battery-Emulator's 0x351 [BE-PYLV]";
  }
  EXPECT_TRUE(seen);
}

TEST(PylonLvProfile, BroadcastsEverySecondFramesTwentyMillisecondsApart) {
  LinkRig rig(PcsParams("pylon-lv"), report_a(), "gtx5000", nullptr);
  rig.tick_until(3000);
  const FakeBoard& board = rig.board;
  ASSERT_EQ(board.sent.size(), 18u) << "six frames a second [PYLV12]";
  for (std::size_t i = 1; i < board.sent.size(); ++i) {
    const std::uint64_t gap = board.sent[i].time_us - board.sent[i - 1].time_us;
    EXPECT_EQ(gap, i % 6 == 0 ? 900000u : 20000u) << i;
  }
  EXPECT_EQ(board.sent[6].time_us - board.sent[0].time_us, 1000000u);
}

TEST(PylonLvProfile, SilentWhileInactive) {
  PcsReport r = report_a();
  r.active = false;
  EXPECT_TRUE(run(PcsParams("pylon-lv"), r, {}).empty());
}

TEST(PylonLvProfile, KeepAliveMakesThePcsAliveForTheTimeout) {
  LinkRig rig(PcsParams("pylon-lv").set("comm.pcs_timeout_ms", 5000), fw::PcsReport{}, "gtx5000", nullptr);
  fw::PcsLink& link = rig.link;
  EXPECT_FALSE(link.alive(0));
  EXPECT_FALSE(link.receive(make_frame(0x306, false, {0, 0, 0, 0, 0, 0, 0, 0}), 100)) << "not the keep-alive";
  EXPECT_FALSE(link.alive(100));
  EXPECT_TRUE(link.receive(make_frame(0x305, false, {0x21, 0, 0, 0, 0, 0, 0, 0}), 1000)) << "any content [ARMIN]";
  EXPECT_TRUE(link.alive(1000));
  EXPECT_TRUE(link.alive(5999));
  EXPECT_FALSE(link.alive(6000));
  EXPECT_EQ(link.counters().valid, 1u);
  EXPECT_EQ(link.counters().unknown, 1u);
}

// ---- pylon-hv -------------------------------------------------------------

struct HvOptions {
  bool big_endian = false, offset = true, dcl_positive = false;
};

Expected pylon_hv_expected(const PcsReport& r, const HvOptions& o, const fw::PcsCommands& c) {
  using M = PcsMeaning;
  Expected e;
  const double dcl = (o.dcl_positive ? 1 : -1) * r.discharge_limit_mA / 1000.0;
  e["BMS_Ensemble"] = {{"TotalVoltage", r.pack_mV / 1000.0}, {"Current", r.current_mA / 1000.0},
                       {"BmsTemperature", r.board_temp_dC / 10.0}, {"Soc", r.soc_permille / 10},
                       {"Soh", r.soh_permille / 10}};
  e["BMS_Limits"] = {{"ChargeCutoffVoltage", r.charge_voltage_mV / 1000.0},
                     {"DischargeCutoffVoltage", r.discharge_voltage_mV / 1000.0},
                     {"MaxChargeCurrent", r.charge_limit_mA / 1000.0}, {"MaxDischargeCurrent", dcl}};
  e["BMS_CellVoltages"] = {{"MaxCellVoltage", r.cell_max_mV / 1000.0}, {"MinCellVoltage", r.cell_min_mV / 1000.0},
                           {"MaxCellNumber", r.cell_max_index + 1}, {"MinCellNumber", r.cell_min_index + 1}};
  e["BMS_CellTemperatures"] = {{"MaxCellTemperature", r.temp_max_dC / 10.0},
                               {"MinCellTemperature", r.temp_min_dC / 10.0},
                               {"MaxTemperatureCellNumber", r.temp_max_index + 1},
                               {"MinTemperatureCellNumber", r.temp_min_index + 1}};
  const int state = c.sleep == fw::PcsCommands::Sleep::kSleep ? 0
                    : r.state == SSIM_STATE_CHARGE            ? 1
                    : r.state == SSIM_STATE_DISCHARGE         ? 2
                                                              : 3;
  auto& st = e["BMS_Status"];
  st = {{"BasicState", state},
        {"ForceChargeRequest", b(r.request(fw::kPcsForceChargeI))},
        {"BalanceChargeRequest", b(r.request(fw::kPcsBalanceCharge))},
        {"CycleCount", r.cycles},
        {"ErrorVoltageSensor", b(r.faults & SSIM_FAULT_AFE)},
        {"ErrorTemperatureSensor", b(r.faults & SSIM_FAULT_TEMP_SENSOR)},
        {"ErrorInternalComm", b(r.faults & SSIM_FAULT_INTERNAL_COMM)},
        {"ErrorRelayCheck", b(r.faults & (SSIM_FAULT_CONTACTOR_WELDED | SSIM_FAULT_CONTACTOR_STUCK_OPEN))},
        {"ErrorInputOverVoltage", 0},
        {"ErrorInputReversal", 0}};
  const std::pair<const char*, M> word[] = {
      {"CellLowVoltage", M::kCellLowVoltage},
      {"CellHighVoltage", M::kCellHighVoltage},
      {"DischargeSystemLowVoltage", M::kPackLowVoltage},
      {"ChargeSystemHighVoltage", M::kPackHighVoltage},
      {"ChargeCellLowTemperature", M::kChargeUnderTemperature},
      {"ChargeCellHighTemperature", M::kChargeOverTemperature},
      {"DischargeCellLowTemperature", M::kDischargeUnderTemperature},
      {"DischargeCellHighTemperature", M::kDischargeOverTemperature},
      {"ChargeOverCurrent", M::kChargeOverCurrent},
      {"DischargeOverCurrent", M::kDischargeOverCurrent}};
  for (const auto& [name, meaning] : word) {
    st[std::string("Alarm") + name] = b(has(r, PcsTier::kAlarm, meaning));
    st[std::string("Protect") + name] = b(has(r, PcsTier::kProtection, meaning));
  }
  // The module of the hottest / coldest sensor (sensors spread evenly).
  const int per_module = r.temp_count / r.module_count;
  e["BMS_ModuleVoltages"] = {{"MaxModuleVoltage", r.module_max_mV / 1000.0},
                             {"MinModuleVoltage", r.module_min_mV / 1000.0},
                             {"MaxModuleNumber", r.module_max_index + 1},
                             {"MinModuleNumber", r.module_min_index + 1}};
  e["BMS_ModuleTemperatures"] = {{"MaxModuleTemperature", r.temp_max_dC / 10.0},
                                 {"MinModuleTemperature", r.temp_min_dC / 10.0},
                                 {"MaxModuleNumber", r.temp_max_index / per_module + 1},
                                 {"MinModuleNumber", r.temp_min_index / per_module + 1}};
  e["BMS_ForbiddenMarks"] = {{"ChargeForbidden", r.request(fw::kPcsChargeEnable) ? 0 : 0xAA},
                             {"DischargeForbidden", r.request(fw::kPcsDischargeEnable) ? 0 : 0xAA}};
  e["BMS_FaultExtension"] = {{"FaultInternalBus", b(r.faults & SSIM_FAULT_INTERNAL_COMM)},
                             {"FaultShutdownCircuit", b(r.faults & SSIM_FAULT_CONTACTOR_WELDED)}};
  e["BMS_SystemInfo"] = {{"CellCount", r.series_cells},
                         {"ModulesInSeries", r.modules_in_series},
                         {"CellsPerModule", r.series_cells / r.modules_in_series},
                         {"VoltageLevel", std::round(r.series_cells * 3.2)},  // LFP nominal, 1 V steps: the SC0500's 45 cells -> 144 V
                         {"Capacity", r.capacity_mAh / 1000}};
  auto name = ascii("Char", 1, "PYLONTECH", 8, '\0');
  e["BMS_Manufacturer1"] = name;
  e["BMS_Manufacturer2"] = ascii("Char", 9, "H", 8, '\0');
  e["BMS_HardwareInfo"] = {{"HardwareVersion", 1}};
  return e;
}

// The DBC describes the specification (LE, offsets); the options' readings
// are derived from it: big-endian swaps every 16-bit field, the 0x4250 words
// included; no offset makes the currents plain signed.
protocol::Message hv_reading(const protocol::Message& m, const HvOptions& o) {
  protocol::Message out = m;
  for (protocol::Signal& s : out.signals) {
    if (!o.offset && (s.name == "Current" || s.name == "MaxChargeCurrent" || s.name == "MaxDischargeCurrent")) {
      s.offset = 0;
      s.is_signed = true;
    }
    if (!o.big_endian) continue;
    if (s.length == 16) {
      s.little_endian = false;
      s.start_bit = static_cast<std::uint16_t>(s.start_bit + 7);  // MSB: bit 7 of the first byte
    } else if (s.length == 1 && m.name == "BMS_Status" && s.start_bit >= 32) {
      const int word = s.start_bit / 16 * 16;  // bytes 4-5 or 6-7
      const int weight = s.start_bit - word;
      s.start_bit = static_cast<std::uint16_t>(word + (weight < 8 ? 8 + weight : weight - 8));
    }
  }
  return out;
}

std::vector<ssim_can_frame> hv_polls() {
  return {make_frame(0x4200, true, {0, 0, 0, 0, 0, 0, 0, 0}), make_frame(0x4200, true, {2, 0, 0, 0, 0, 0, 0, 0})};
}

TEST(PylonHvProfile, AnswersToThePollDecodeToTheReportForEveryOption) {
  for (const PcsReport& r : {report_a(), report_b()}) {
    for (int combo = 0; combo < 8; ++combo) {
      HvOptions o;
      o.big_endian = combo & 1;
      o.offset = (combo & 2) == 0;
      o.dcl_positive = combo & 4;
      PcsParams params("pylon-hv");
      params.set("pcs.pylon_hv.byte_order", o.big_endian).set("pcs.pylon_hv.current_offset", !o.offset)
          .set("pcs.pylon_hv.dcl_sign", o.dcl_positive);
      SCOPED_TRACE("combo " + std::to_string(combo));
      check("pylon-hv", run(params, r, hv_polls()), pylon_hv_expected(r, o, {}),
            [&](const protocol::Message& m) { return hv_reading(m, o); });
    }
  }
}

TEST(PylonHvProfile, OnlyAnswersPolls) {
  LinkRig rig(PcsParams("pylon-hv"), report_a(), "gtx3000", nullptr);
  FakeBoard& board = rig.board;
  fw::PcsLink& link = rig.link;
  rig.tick_until(3000);
  EXPECT_TRUE(board.sent.empty()) << "the PCS polls; the battery broadcasts nothing [BE-PYHV]";
  EXPECT_TRUE(link.receive(make_frame(0x4200, true, {0, 0, 0, 0, 0, 0, 0, 0}), 3000));
  EXPECT_EQ(board.sent.size(), 9u) << "0x4210..0x4290 at once";
  EXPECT_TRUE(link.receive(make_frame(0x4200, true, {2, 0, 0, 0, 0, 0, 0, 0}), 3000));
  EXPECT_EQ(board.sent.size(), 13u) << "0x7310..0x7340";
  EXPECT_TRUE(link.receive(make_frame(0x4200, true, {1, 0, 0, 0, 0, 0, 0, 0}), 3000)) << "PCS traffic";
  EXPECT_EQ(board.sent.size(), 13u) << "cell data is not offered";
  EXPECT_EQ(link.counters().unsupported, 1u);
}

TEST(PylonHvProfile, AddressNibbleAndCommands) {
  LinkRig rig(PcsParams("pylon-hv").set("pcs.address", 5), fw::PcsReport{}, "gtx3000", nullptr);
  FakeBoard& board = rig.board;
  fw::PcsLink& link = rig.link;
  PcsReport r = report_b();
  r.tiers = {};
  r.faults = 0;
  link.set_report(r);
  EXPECT_TRUE(link.receive(make_frame(0x4200, true, {0}), 0));
  ASSERT_EQ(board.sent.size(), 9u);
  for (std::size_t i = 0; i < 9; ++i) {
    EXPECT_EQ(board.sent[i].frame.id, 0x4215u + 0x10u * i);
  }
  board.sent.clear();
  // Commands for address 5 only.
  EXPECT_TRUE(link.receive(make_frame(0x8200, true, {0x55}), 0));
  EXPECT_EQ(link.commands().sleep, fw::PcsCommands::Sleep::kNone) << "address 0's command";
  EXPECT_TRUE(link.receive(make_frame(0x8205, true, {0x55}), 0));
  EXPECT_EQ(link.commands().sleep, fw::PcsCommands::Sleep::kSleep);
  EXPECT_TRUE(link.receive(make_frame(0x8205, true, {0xAA}), 0));
  EXPECT_EQ(link.commands().sleep, fw::PcsCommands::Sleep::kWake);
  EXPECT_TRUE(link.receive(make_frame(0x8215, true, {0xAA, 0x00}), 0));
  EXPECT_TRUE(link.commands().charge_command);
  EXPECT_FALSE(link.commands().discharge_command);
  // Masking: granted while the path is closed and nothing is raised.
  EXPECT_TRUE(link.receive(make_frame(0x8245, true, {0}), 0));
  ASSERT_EQ(board.sent.size(), 1u);
  EXPECT_EQ(board.sent[0].frame.id, 0x8255u);
  EXPECT_EQ(board.sent[0].frame.data[0], 0xAA);
  r.path_closed = false;
  link.set_report(r);
  EXPECT_TRUE(link.receive(make_frame(0x8245, true, {0}), 0));
  ASSERT_EQ(board.sent.size(), 2u);
  EXPECT_EQ(board.sent[1].frame.data[0], 0x00) << "an open path cannot stay closed";
  EXPECT_EQ(link.commands().masking_requests, 2u);
}

TEST(PylonHvProfile, SleepCommandShowsInTheBasicState) {
  LinkRig rig(PcsParams("pylon-hv"), report_a(), "gtx3000", nullptr);
  FakeBoard& board = rig.board;
  fw::PcsLink& link = rig.link;
  ASSERT_TRUE(link.receive(make_frame(0x8200, true, {0x55}), 0));
  ASSERT_TRUE(link.receive(make_frame(0x4200, true, {0}), 0));
  std::vector<ssim_can_frame> frames;
  for (const SentFrame& s : board.sent) frames.push_back(s.frame);
  Expected e = pylon_hv_expected(report_a(), {}, link.commands());
  for (const char* info : {"BMS_SystemInfo", "BMS_HardwareInfo", "BMS_Manufacturer1", "BMS_Manufacturer2"}) {
    e.erase(info);  // answers to byte 0 = 2
  }
  ASSERT_EQ(e["BMS_Status"]["BasicState"], 0) << "asleep";
  check("pylon-hv", frames, e);
}

// ---- sofar-hv -------------------------------------------------------------

Expected sofar_expected(const PcsReport& r) {
  Expected e;
  e["BMS_Limits"] = {{"ChargeVoltage", r.charge_voltage_mV / 1000.0}, {"ChargeCurrentLimit", r.charge_limit_mA / 1000.0},
                     {"DischargeCurrentLimit", r.discharge_limit_mA / 1000.0},
                     {"DischargeVoltage", r.discharge_voltage_mV / 1000.0}};
  e["BMS_SocSoh"] = {{"Soc", r.soc_permille / 10}, {"Soh", r.soh_permille / 10}, {"HiResSoc", 655.35},
                     {"RemainingCapacity", r.remaining_mAh / 1000.0}};
  e["BMS_Measurements"] = {{"Voltage", r.pack_mV / 1000.0}, {"Current", r.current_mA / 1000.0},
                           {"Temperature", r.temp_max_dC / 10.0}, {"CycleCount", r.cycles}};
  // The Pylon LV bit map, spec position of "system error".
  auto alarms = pylon_lv_expected(r, false)["BMS_Alarms"];
  alarms.erase("ProtectSystemErrorBit7");
  alarms.erase("MarkerP");
  alarms.erase("MarkerN");
  alarms["CellsPerModule"] = r.series_cells / r.modules_in_series;
  alarms["Reserved"] = 0x1027;
  e["BMS_Alarms"] = alarms;
  e["BMS_Requests"] = pylon_lv_expected(r, false)["BMS_Requests"];
  e["BMS_Manufacturer"] = ascii("Char", 1, "AMASS", 8, '\0');
  e["BMS_Info"] = {{"NominalCapacity", r.capacity_mAh / 1000}};
  e["BMS_Command"] = {{"RemoteCommand", r.request(fw::kPcsForceChargeI) ? 1 : 0},
                      {"ChargeAllowed", b(r.request(fw::kPcsChargeEnable))},
                      {"DischargeAllowed", b(r.request(fw::kPcsDischargeEnable))}};
  return e;
}

std::vector<ssim_can_frame> sofar_inquiries(std::uint8_t battery, std::uint8_t module) {
  return {make_frame(0x605, true, {battery, 1, module, 0, 0, 0, 0, 0}),
          make_frame(0x605, true, {battery, 2, module, 0, 0, 0, 0, 0}),
          make_frame(0x605, true, {battery, 10, module, 0, 0, 0, 0, 0})};
}

TEST(SofarHvProfile, FramesDecodeToTheReport) {
  const FakeCells cells(4, 16, 4);
  for (const PcsReport& r : {report_a(), report_b()}) {
    Expected e = sofar_expected(r);
    // Module 2's cells and sensors as the fake source has them.
    e["BMS_CellVoltages1"] = {{"Module", 2}, {"Cell01", 3.220}, {"Cell02", 3.221}, {"Cell03", 3.222}};
    e["BMS_CellVoltages6"] = {{"Module", 2}, {"Cell16", 3.235}, {"Cell17", 0}, {"Cell18", 0}};
    e["BMS_Temperatures1"] = {{"Module", 2}, {"Temperature1", 22.0}, {"Temperature3", 22.2}};
    e["BMS_Temperatures2"] = {{"Temperature4", 22.3}, {"Temperature5", -3276.8}, {"Temperature6", -3276.8}};
    e["BMS_Serial1"] = ascii("Char", 1, "GTX3000", 7, '\0');
    e["BMS_Serial1"]["Module"] = 2;
    e["BMS_Serial2"] = ascii("Char", 8, "-0-M03", 7, '\0');
    check("sofar-hv", run(PcsParams("sofar-hv"), r, sofar_inquiries(0, 2), &cells), e);
  }
}

TEST(SofarHvProfile, BatteryIdShiftsEveryIdAndSelectsTheInquiries) {
  const FakeCells cells(4, 16, 4);
  PcsParams params("sofar-hv");
  params.set("pcs.address", 3);
  fw::PcsCounters counters;
  auto requests = sofar_inquiries(0, 0);  // battery 0's: not answered
  const auto ours = sofar_inquiries(3, 0);
  requests.insert(requests.end(), ours.begin(), ours.end());
  const auto frames = run(params, report_a(), requests, &cells, &counters);
  std::set<std::uint32_t> ids;
  for (const ssim_can_frame& f : frames) {
    EXPECT_EQ(f.id >> 12, 3u) << std::hex << f.id;
    EXPECT_EQ(f.extended, 1);
    ids.insert(f.id);
  }
  EXPECT_EQ(ids.count(0x3351), 1u);
  EXPECT_EQ(ids.count(0x3671), 1u);
  std::size_t cell_frames = 0;
  for (const ssim_can_frame& f : frames) cell_frames += f.id == 0x3680 ? 1 : 0;
  EXPECT_EQ(cell_frames, 1u) << "only the inquiry for battery 3 is answered";
  EXPECT_EQ(counters.valid, 6u);
}

TEST(SofarHvProfile, BroadcastsEverySecond) {
  LinkRig rig(PcsParams("sofar-hv"), report_a(), "gtx3000", nullptr);
  rig.tick_until(2000);
  const FakeBoard& board = rig.board;
  ASSERT_EQ(board.sent.size(), 16u);
  EXPECT_EQ(board.sent[8].time_us - board.sent[0].time_us, 1000000u);
  EXPECT_EQ(board.sent[7].time_us - board.sent[0].time_us, 7 * 20000u) << "spread, 20 ms apart";
}

// ---- growatt-lv -----------------------------------------------------------

Expected growatt_expected(const PcsReport& r) {
  using M = PcsMeaning;
  const auto p = [&](M m) { return b(has(r, PcsTier::kProtection, m)); };
  const auto a = [&](M m) { return b(has(r, PcsTier::kAlarm, m)); };
  const int state = r.state == SSIM_STATE_CHARGE ? 2 : r.state == SSIM_STATE_DISCHARGE ? 3 : 1;
  Expected e;
  e["BMS_Limits"] = {{"ChargeVoltage", r.charge_voltage_mV / 1000.0}, {"ChargeCurrentLimit", r.charge_limit_mA / 1000.0},
                     {"DischargeCurrentLimit", r.discharge_limit_mA / 1000.0}, {"State", state},
                     {"ErrorBitValid", b(r.flags(PcsTier::kAlarm) || r.flags(PcsTier::kProtection))},
                     {"CellBalancing", b(r.balancing)}, {"Sleep", 0},
                     {"DischargeOutputEnabled", b(r.request(fw::kPcsDischargeEnable))},
                     {"ChargeOutputEnabled", b(r.request(fw::kPcsChargeEnable))},
                     {"TerminalOpen", b(!r.path_closed)}, {"MasterBoxMode", r.units > 1 ? 1 : 0},
                     {"SpStatus", state}};  // it has just queried
  e["BMS_Alarms"] = {{"ProtectSoftStartFail", b(r.faults & SSIM_FAULT_PRECHARGE)},
                     {"ProtectModuleUnderVoltage", p(M::kPackLowVoltage)},
                     {"ProtectModuleOverVoltage", p(M::kPackHighVoltage)},
                     {"ProtectCellUnderVoltage", p(M::kCellLowVoltage)},
                     {"ProtectCellOverVoltage", p(M::kCellHighVoltage)},
                     {"ProtectChargeOverCurrent", p(M::kChargeOverCurrent)},
                     {"ProtectDischargeOverCurrent", p(M::kDischargeOverCurrent)},
                     {"ProtectDeltaVoltage", p(M::kCellImbalance)},
                     {"ProtectSystemError", p(M::kSystemError)},
                     {"ProtectChargeUnderTemperature", p(M::kChargeUnderTemperature)},
                     {"ProtectDischargeUnderTemperature", p(M::kDischargeUnderTemperature)},
                     {"ProtectChargeOverTemperature", p(M::kChargeOverTemperature)},
                     {"ProtectDischargeOverTemperature", p(M::kDischargeOverTemperature)},
                     {"AlarmModuleUnderVoltage", a(M::kPackLowVoltage)},
                     {"AlarmModuleOverVoltage", a(M::kPackHighVoltage)},
                     {"AlarmCellUnderVoltage", a(M::kCellLowVoltage)},
                     {"AlarmCellOverVoltage", a(M::kCellHighVoltage)},
                     {"AlarmChargeOverCurrent", a(M::kChargeOverCurrent)},
                     {"AlarmDischargeOverCurrent", a(M::kDischargeOverCurrent)},
                     {"AlarmInternalCommFail", a(M::kInternalCommFail)},
                     {"AlarmDeltaVoltage", a(M::kCellImbalance)},
                     {"AlarmChargeUnderTemperature", a(M::kChargeUnderTemperature)},
                     {"AlarmDischargeUnderTemperature", a(M::kDischargeUnderTemperature)},
                     {"AlarmChargeOverTemperature", a(M::kChargeOverTemperature)},
                     {"AlarmDischargeOverTemperature", a(M::kDischargeOverTemperature)},
                     {"PackCount", r.units},
                     {"ManufacturerCode", 'G' * 256 + 'W'},
                     {"TotalCells", r.cell_count}};
  e["BMS_Measurements"] = {{"Voltage", r.pack_mV / 1000.0}, {"Current", r.current_mA / 1000.0},
                           {"MaxTemperature", r.temp_max_dC / 10.0}, {"Soc", r.soc_permille / 10},
                           {"Soh", r.soh_permille / 10}, {"SohFlag", b(r.flags(PcsTier::kProtection) != 0)}};
  e["BMS_Capacity"] = {{"RemainingCapacity", r.remaining_mAh / 1000.0}, {"FullChargeCapacity", r.full_mAh / 1000.0},
                       {"DeltaCellVoltage", (r.cell_max_mV - r.cell_min_mV) / 1000.0}, {"CycleCount", r.cycles}};
  e["BMS_Requests"] = {{"Chemistry", 0},
                       {"ForceChargeIRequest", b(r.request(fw::kPcsForceChargeI))},
                       {"ForceChargeIIRequest", b(r.request(fw::kPcsForceChargeII))},
                       {"DischargeEnable", b(r.request(fw::kPcsDischargeEnable))},
                       {"ChargeEnable", b(r.request(fw::kPcsChargeEnable))},
                       {"MaxCellVoltage", r.cell_max_mV / 1000.0}, {"MinCellVoltage", r.cell_min_mV / 1000.0},
                       {"MaxCellNumber", r.cell_max_index + 1}, {"MinCellNumber", r.cell_min_index + 1},
                       {"FaultyPackId", r.faulty_unit}};
  e["BMS_Info"] = {{"ManufacturerChar1", 'G'}, {"ManufacturerChar2", 'W'}, {"HardwareVersion", 1},
                   {"SoftwareVersion", 1}};
  e["BMS_UpgradeStatus"] = {{"Programming", 0}};
  return e;
}

TEST(GrowattLvProfile, AnswersEachQueryWithFramesThatDecodeToTheReport) {
  const FakeCells cells(1, 16, 4);
  for (const PcsReport& r : {report_a(), report_b()}) {
    Expected e = growatt_expected(r);
    e["BMS_CellVoltages1"] = {{"Cell01", 3.200}, {"Cell04", 3.203}};
    e["BMS_CellVoltages4"] = {{"Cell13", 3.212}, {"Cell16", 3.215}};
    check("growatt-lv", run(PcsParams("growatt-lv"), r, {make_frame(0x301, false, {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88})}, &cells), e);
  }
}

TEST(GrowattLvProfile, CellVoltagesOnlyForASinglePack) {
  const FakeCells cells(1, 16, 4);
  PcsReport r = report_a();
  r.units = 2;
  const auto frames = run(PcsParams("growatt-lv"), r, {make_frame(0x301, false, {})}, &cells);
  EXPECT_EQ(frames.size(), 7u) << "0x311..0x314, 0x319..0x321 without 0x315..0x318 [GWLV]";
  for (const ssim_can_frame& f : frames) {
    EXPECT_FALSE(f.id >= 0x315 && f.id <= 0x318) << std::hex << f.id;
  }
}

TEST(GrowattLvProfile, DateIsTheBoardCalendar) {
  LinkRig rig(PcsParams("growatt-lv"), report_a(), "lfp65");
  FakeBoard& board = rig.board;
  fw::PcsLink& link = rig.link;
  board.rtc_s = 1700000000;  // 2023-11-14 22:13:20
  ASSERT_TRUE(link.receive(make_frame(0x301, false, {}), 0));
  for (const SentFrame& s : board.sent) {
    if (s.frame.id != 0x320) continue;
    const auto v = decode_all(*find_message("growatt-lv", s.frame), to_bus(s.frame));
    EXPECT_EQ(v.at("Year"), 2023);
    EXPECT_EQ(v.at("Month"), 11);
    EXPECT_EQ(v.at("Day"), 14);
    EXPECT_EQ(v.at("Hour"), 22);
    EXPECT_EQ(v.at("Minute"), 13);
    EXPECT_EQ(v.at("Second"), 20);
    return;
  }
  ADD_FAILURE() << "no 0x320";
}

// ---- (c) code and DBC agree -------------------------------------------------

struct Variant {
  std::string profile;
  std::vector<std::pair<std::string, std::int32_t>> options;
  std::vector<ssim_can_frame> requests;
};

std::vector<Variant> variants() {
  std::vector<Variant> v;
  for (int dvl = 0; dvl < 2; ++dvl) {
    for (int bit7 = 0; bit7 < 2; ++bit7) {
      v.push_back({"pylon-lv", {{"pcs.pylon_lv.dvl", dvl}, {"pcs.pylon_lv.system_error_bit", bit7}}, {}});
    }
  }
  auto hv = hv_polls();
  hv.push_back(make_frame(0x8240, true, {0}));
  for (int combo = 0; combo < 8; ++combo) {
    v.push_back({"pylon-hv",
                 {{"pcs.pylon_hv.byte_order", combo & 1}, {"pcs.pylon_hv.current_offset", (combo >> 1) & 1},
                  {"pcs.pylon_hv.dcl_sign", (combo >> 2) & 1}, {"pcs.address", combo}},
                 hv});
    for (auto& f : v.back().requests) f.id = (f.id & ~0xFu) | (f.id == 0x4200 ? 0u : static_cast<std::uint32_t>(combo));
  }
  for (int address : {0, 7, 15}) {
    v.push_back({"sofar-hv", {{"pcs.address", address}}, sofar_inquiries(static_cast<std::uint8_t>(address), 1)});
  }
  v.push_back({"growatt-lv", {}, {make_frame(0x301, false, {1, 2, 3, 4, 5, 6, 7, 8})}});
  for (int m = 0; m < 6; ++m) v.push_back({"growatt-lv", {{"pcs.manufacturer", m}}, {make_frame(0x301, false, {})}});
  return v;
}

TEST(PcsDbcAgreement, EveryFrameSentIsInTheDbcAndEveryBatteryMessageIsSent) {
  const FakeCells cells(4, 16, 4);
  std::map<std::string, std::set<std::string>> sent;
  for (const Variant& v : variants()) {
    PcsParams params(v.profile);
    for (const auto& [key, value] : v.options) params.set(key, value);
    for (const PcsReport& r : {report_a(), report_b()}) {
      for (const ssim_can_frame& f : run(params, r, v.requests, &cells)) {
        const protocol::Message* m = find_message(v.profile, f);
        ASSERT_NE(m, nullptr) << v.profile << ": 0x" << std::hex << f.id << (f.extended ? " (extended)" : "");
        EXPECT_EQ(m->sender, "BMS") << m->name;
        const bool short_limits = v.profile == "pylon-lv" && m->id == 0x351 && params.set().get("pcs.pylon_lv.dvl", 0) == 1;
        EXPECT_EQ(f.dlc, short_limits ? 6 : m->dlc) << v.profile << " " << m->name;
        sent[v.profile].insert(m->name);
      }
    }
  }
  for (const char* profile : {"pylon-lv", "pylon-hv", "sofar-hv", "growatt-lv"}) {
    for (const protocol::Message& m : dbc(profile).messages()) {
      if (m.sender == "BMS") {
        EXPECT_TRUE(sent[profile].count(m.name)) << profile << ": " << m.name << " never sent";
      }
    }
  }
}

// The PCS -> BMS messages the firmware understands are exactly the DBC's.
TEST(PcsDbcAgreement, EveryPcsMessageOfTheDbcIsUnderstood) {
  for (const char* profile : {"pylon-lv", "pylon-hv", "sofar-hv", "growatt-lv"}) {
    for (const protocol::Message& m : dbc(profile).messages()) {
      if (m.sender != "PCS") continue;
      LinkRig rig(PcsParams(profile), fw::PcsReport{}, "gtx3000", nullptr);
      fw::PcsLink& link = rig.link;
      ssim_can_frame f{};
      f.id = m.id;
      f.extended = m.extended ? 1 : 0;
      f.dlc = m.dlc;
      EXPECT_TRUE(link.receive(f, 0)) << profile << ": " << m.name;
    }
  }
}

// ---- (d) hostile input ----------------------------------------------------

TEST(PcsHostileInput, RandomFramesAreCountedAndNeverCrash) {
  std::mt19937 rng(20240611);
  const FakeCells cells(10, 16, 4);
  for (const char* profile : {"pylon-lv", "pylon-hv", "sofar-hv", "growatt-lv"}) {
    LinkRig rig(PcsParams(profile), report_a(), "gtx3000", &cells);
    FakeBoard& board = rig.board;
    fw::PcsLink& link = rig.link;
    const std::uint32_t ids[] = {0x305, 0x4200, 0x8200, 0x8210, 0x8240, 0x605, 0x705, 0x301, 0x351};
    constexpr int kFrames = 20000;
    for (int i = 0; i < kFrames; ++i) {
      ssim_can_frame f{};
      f.extended = static_cast<std::uint8_t>(rng() & 1);
      // Half the frames near the profiles' own ids, so the parsers see them.
      f.id = (rng() & 1) ? ids[rng() % 9] + (rng() % 16) : rng() & (f.extended ? 0x1FFFFFFFu : 0x7FFu);
      f.rtr = static_cast<std::uint8_t>((rng() % 8) == 0);
      f.dlc = static_cast<std::uint8_t>(rng() % 16);
      for (auto& byte : f.data) byte = static_cast<std::uint8_t>(rng());
      link.receive(f, static_cast<std::uint32_t>(i));
      if (i % 10 == 0) link.tick(static_cast<std::uint32_t>(i));
    }
    const fw::PcsCounters& c = link.counters();
    EXPECT_EQ(c.valid + c.unsupported + c.malformed + c.unknown, static_cast<std::uint32_t>(kFrames)) << profile;
    EXPECT_GT(c.malformed, 0u) << profile;
    EXPECT_GT(c.unknown, 0u) << profile;
    EXPECT_FALSE(board.log.empty()) << profile << ": problem frames are logged";
  }
}

TEST(PcsHostileInput, MalformedFramesOfEachProfile) {
  const std::pair<const char*, ssim_can_frame> bad[] = {
      {"pylon-lv", [] { auto f = make_frame(0x305, false, {}); f.rtr = 1; return f; }()},
      {"pylon-hv", make_frame(0x4200, true, {})},                 // no request byte
      {"pylon-hv", make_frame(0x4200, true, {7})},                // no such request
      {"pylon-hv", make_frame(0x8210, true, {0xAA})},             // one command byte of two
      {"sofar-hv", make_frame(0x605, true, {0, 2})},              // no sub-target
      {"sofar-hv", make_frame(0x705, false, {0, 1, 2})},          // no sub-target
      {"growatt-lv", [] { auto f = make_frame(0x301, false, {}); f.rtr = 1; return f; }()},
  };
  for (const auto& [profile, frame] : bad) {
    LinkRig rig(PcsParams(profile), report_a(), "gtx3000", nullptr);
    FakeBoard& board = rig.board;
    fw::PcsLink& link = rig.link;
    EXPECT_FALSE(link.receive(frame, 0)) << profile;
    EXPECT_EQ(link.counters().malformed, 1u) << profile;
    EXPECT_FALSE(link.heard()) << profile;
    EXPECT_TRUE(board.sent.empty()) << profile;
  }
}

TEST(PcsTransmit, ABusyControllerKeepsTheFramesForLater) {
  LinkRig rig(PcsParams("pylon-hv"), report_a(), "gtx3000", nullptr);
  FakeBoard& board = rig.board;
  fw::PcsLink& link = rig.link;
  board.busy_sends = 1;
  ASSERT_TRUE(link.receive(make_frame(0x4200, true, {0}), 0));
  EXPECT_TRUE(board.sent.empty());
  link.tick(10);
  EXPECT_EQ(board.sent.size(), 9u);
  EXPECT_EQ(board.sent[0].frame.id, 0x4210u) << "in order";
  EXPECT_EQ(link.tx().dropped(), 0u);
}

}  // namespace
}  // namespace stacksim::pcs_test
