// Real captures of protocols.md decode through the product DBC files and
// h1's codec to their documented values; and the firmware, given the state a
// capture documents, sends exactly the captured bytes.
#include <gtest/gtest.h>

#include "pcs_fixture.hpp"

namespace stacksim::pcs_test {
namespace {

using Values = std::map<std::string, double>;

Values decode(const std::string& profile, const ssim_can_frame& f) {
  const protocol::Message* m = find_message(profile, f);
  EXPECT_NE(m, nullptr) << profile << ": no message for 0x" << std::hex << f.id;
  if (m == nullptr) return {};
  EXPECT_EQ(m->dlc, f.dlc) << m->name;
  return decode_all(*m, to_bus(f));
}

void expect_values(const Values& got, const Values& want, const std::string& what) {
  for (const auto& [name, value] : want) {
    ASSERT_TRUE(got.count(name)) << what << ": no signal " << name;
    EXPECT_NEAR(got.at(name), value, 1e-6) << what << "." << name;
  }
}

std::string text(const Values& v, const char* prefix, int first, int count) {
  std::string s;
  for (int i = first; i < first + count; ++i) s += static_cast<char>(v.at(prefix + std::to_string(i)));
  return s;
}

// protocols.md 1.4, V1.2 firmware bank [SFL13].
TEST(PcsCaptures, PylonLvBankOne) {
  expect_values(decode("pylon-lv", make_frame(0x351, false, {0x14, 0x02, 0xC0, 0x12, 0xC0, 0x12, 0xC2, 0x01})),
                {{"ChargeVoltage", 53.2}, {"ChargeCurrentLimit", 480.0}, {"DischargeCurrentLimit", 480.0},
                 {"DischargeVoltage", 45.0}}, "351");
  expect_values(decode("pylon-lv", make_frame(0x355, false, {0x58, 0x00, 0x5E, 0x00})), {{"Soc", 88}, {"Soh", 94}},
                "355");
  expect_values(decode("pylon-lv", make_frame(0x356, false, {0x7A, 0x13, 0xF2, 0xFE, 0x6B, 0x01})),
                {{"Voltage", 49.86}, {"Current", -27.0}, {"Temperature", 36.3}}, "356");
  const Values alarms = decode("pylon-lv", make_frame(0x359, false, {0, 0, 0, 0, 0x06, 0x50, 0x4E}));
  expect_values(alarms, {{"ModuleCount", 6}, {"MarkerP", 'P'}, {"MarkerN", 'N'}}, "359");
  for (const auto& [name, value] : alarms) {
    if (name.rfind("Protect", 0) == 0 || name.rfind("Alarm", 0) == 0) {
      EXPECT_EQ(value, 0) << name;
    }
  }
  expect_values(decode("pylon-lv", make_frame(0x35C, false, {0xC0, 0x00})),
                {{"ChargeEnable", 1}, {"DischargeEnable", 1}, {"ForceChargeIRequest", 0},
                 {"ForceChargeIIRequest", 0}, {"FullChargeRequest", 0}}, "35C");
  const Values name = decode("pylon-lv", make_frame(0x35E, false, {'P', 'Y', 'L', 'O', 'N', ' ', ' ', ' '}));
  EXPECT_EQ(text(name, "Char", 1, 8), "PYLON   ");
}

// protocols.md 1.4, the second bank [OPENDTU-PR1213].
TEST(PcsCaptures, PylonLvBankTwo) {
  expect_values(decode("pylon-lv", make_frame(0x351, false, {0x14, 0x02, 0x74, 0x0E, 0x74, 0x0E, 0xCC, 0x01})),
                {{"ChargeVoltage", 53.2}, {"ChargeCurrentLimit", 370.0}, {"DischargeCurrentLimit", 370.0},
                 {"DischargeVoltage", 46.0}}, "351");
  expect_values(decode("pylon-lv", make_frame(0x355, false, {0x1A, 0x00, 0x64, 0x00})), {{"Soc", 26}, {"Soh", 100}},
                "355");
  expect_values(decode("pylon-lv", make_frame(0x359, false, {0, 0, 0, 0, 0x0A, 0x50, 0x4E})), {{"ModuleCount", 10}},
                "359");
}

// protocols.md 3.1, the AMASS sample [BE-SOFAR] (extended ids, battery 0).
TEST(PcsCaptures, SofarAmassSample) {
  expect_values(decode("sofar-hv", make_frame(0x351, true, {0xC6, 0x08, 0xFA, 0x00, 0xFA, 0x00, 0x80, 0x07})),
                {{"ChargeVoltage", 224.6}, {"ChargeCurrentLimit", 25.0}, {"DischargeCurrentLimit", 25.0},
                 {"DischargeVoltage", 192.0}}, "351");
  expect_values(decode("sofar-hv", make_frame(0x355, true, {0x31, 0x00, 0x64, 0x00, 0xFF, 0xFF, 0xF6, 0x00})),
                {{"Soc", 49}, {"Soh", 100}, {"HiResSoc", 655.35}, {"RemainingCapacity", 24.6}}, "355");
  expect_values(decode("sofar-hv", make_frame(0x356, true, {0x36, 0x08, 0x10, 0x00, 0xD0, 0x00, 0x01, 0x00})),
                {{"Voltage", 210.2}, {"Current", 1.6}, {"Temperature", 20.8}, {"CycleCount", 1}}, "356");
  expect_values(decode("sofar-hv", make_frame(0x359, true, {0, 0, 0, 0, 0x04, 0x10, 0x27, 0x10})),
                {{"ModuleCount", 4}, {"CellsPerModule", 16}, {"ProtectSystemError", 0}, {"AlarmCellLowVoltage", 0}},
                "359");
  const Values name = decode("sofar-hv", make_frame(0x35E, true, {0x41, 0x4D, 0x41, 0x53, 0x53, 0, 0, 0}));
  EXPECT_EQ(text(name, "Char", 1, 5), "AMASS");
  EXPECT_EQ(name.at("Char6"), 0);
  expect_values(decode("sofar-hv", make_frame(0x35F, true, {0, 0, 0x24, 0x4E, 0x32, 0, 0, 0})),
                {{"NominalCapacity", 50}}, "35F");
  expect_values(decode("sofar-hv", make_frame(0x30F, true, {0x00, 0x03, 0, 0, 0, 0, 0, 0})),
                {{"RemoteCommand", 0}, {"ChargeAllowed", 1}, {"DischargeAllowed", 1}}, "30F");
  const Values serial = decode("sofar-hv", make_frame(0x671, true, {0x00, 'B', 'H', 'U', '5', '1', '2', '0'}));
  EXPECT_EQ(text(serial, "Char", 1, 7), "BHU5120");
  expect_values(decode("sofar-hv", make_frame(0x680, true, {0x00, 0xB7, 0x0C, 0xB3, 0x0C, 0xB4, 0x0C, 0x00})),
                {{"Module", 0}, {"Cell01", 3.255}, {"Cell02", 3.251}, {"Cell03", 3.252}}, "680");
  expect_values(decode("sofar-hv", make_frame(0x690, true, {0x00, 0xD7, 0x00, 0xD4, 0x00, 0, 0, 0})),
                {{"Temperature1", 21.5}, {"Temperature2", 21.2}}, "690");
}

// protocols.md 2.3, the SC0500 answer to 0x4200 byte 0 = 2 [EEV].
TEST(PcsCaptures, PylonHvSc0500SystemInfo) {
  expect_values(decode("pylon-hv", make_frame(0x7320, true, {0x2D, 0x00, 0x03, 0x0F, 0x90, 0x00, 0x32, 0x00})),
                {{"CellCount", 45}, {"ModulesInSeries", 3}, {"CellsPerModule", 15}, {"VoltageLevel", 144},
                 {"Capacity", 50}}, "7320");
}

// The link, given the state a capture documents, as the firmware runs it.
std::vector<ssim_can_frame> broadcast(const std::string& profile, const fw::PcsReport& r) {
  LinkRig rig(PcsParams(profile), r);
  rig.tick_until(500);
  return rig.frames();
}

void expect_bytes(const std::vector<ssim_can_frame>& frames, std::uint32_t id, std::initializer_list<std::uint8_t> want,
                  std::size_t count) {
  for (const ssim_can_frame& f : frames) {
    if (f.id != id) continue;
    ASSERT_EQ(f.dlc, want.size()) << std::hex << id;
    std::size_t i = 0;
    for (const std::uint8_t b : want) {
      if (i < count) {
        EXPECT_EQ(f.data[i], b) << "0x" << std::hex << id << " byte " << std::dec << i;
      }
      ++i;
    }
    return;
  }
  ADD_FAILURE() << "no frame 0x" << std::hex << id;
}

TEST(PcsCaptures, SofarFirmwareSendsTheAmassSampleForItsState) {
  fw::PcsReport r;
  r.active = true;
  r.charge_voltage_mV = 224600;  // 0x351
  r.charge_limit_mA = 25000;
  r.discharge_limit_mA = 25000;
  r.discharge_voltage_mV = 192000;
  r.soc_permille = 490;          // 0x355
  r.soh_permille = 1000;
  r.remaining_mAh = 24600;
  r.pack_mV = 210200;            // 0x356
  r.current_mA = 1600;
  r.temp_max_dC = 208;
  r.cycles = 1;
  r.module_count = 4;            // 0x359
  r.modules_in_series = 4;
  r.series_cells = 64;
  r.capacity_mAh = 50000;        // 0x35F
  r.requests = fw::kPcsChargeEnable | fw::kPcsDischargeEnable;  // 0x30F byte 1 = 0x03
  const auto frames = broadcast("sofar-hv", r);
  expect_bytes(frames, 0x351, {0xC6, 0x08, 0xFA, 0x00, 0xFA, 0x00, 0x80, 0x07}, 8);
  expect_bytes(frames, 0x355, {0x31, 0x00, 0x64, 0x00, 0xFF, 0xFF, 0xF6, 0x00}, 8);
  expect_bytes(frames, 0x356, {0x36, 0x08, 0x10, 0x00, 0xD0, 0x00, 0x01, 0x00}, 8);
  expect_bytes(frames, 0x359, {0, 0, 0, 0, 0x04, 0x10, 0x27, 0x10}, 8);
  expect_bytes(frames, 0x35E, {0x41, 0x4D, 0x41, 0x53, 0x53, 0, 0, 0}, 8);
  expect_bytes(frames, 0x35F, {0, 0, 0x24, 0x4E, 0x32, 0, 0, 0}, 0);  // versions differ; capacity below
  for (const ssim_can_frame& f : frames) {
    if (f.id == 0x35F) {
      EXPECT_EQ(f.data[4] | f.data[5] << 8, 50);
    }
  }
  expect_bytes(frames, 0x30F, {0x00, 0x03, 0, 0, 0, 0, 0, 0}, 8);
}

TEST(PcsCaptures, PylonLvFirmwareSendsBankOneForItsState) {
  fw::PcsReport r;
  r.active = true;
  r.charge_voltage_mV = 53200;
  r.charge_limit_mA = 480000;
  r.discharge_limit_mA = 480000;
  r.discharge_voltage_mV = 45000;
  r.soc_permille = 880;
  r.soh_permille = 940;
  r.pack_mV = 49860;
  r.current_mA = -27000;
  r.temp_avg_dC = 363;
  r.module_count = 6;
  r.requests = fw::kPcsChargeEnable | fw::kPcsDischargeEnable;
  const auto frames = broadcast("pylon-lv", r);
  expect_bytes(frames, 0x351, {0x14, 0x02, 0xC0, 0x12, 0xC0, 0x12, 0xC2, 0x01}, 8);
  expect_bytes(frames, 0x355, {0x58, 0x00, 0x5E, 0x00}, 4);
  expect_bytes(frames, 0x356, {0x7A, 0x13, 0xF2, 0xFE, 0x6B, 0x01}, 6);
  expect_bytes(frames, 0x359, {0, 0, 0, 0, 0x06, 0x50, 0x4E}, 7);
  expect_bytes(frames, 0x35C, {0xC0, 0x00}, 2);
  expect_bytes(frames, 0x35E, {'P', 'Y', 'L', 'O', 'N', ' ', ' ', ' '}, 8);
}

}  // namespace
}  // namespace stacksim::pcs_test
