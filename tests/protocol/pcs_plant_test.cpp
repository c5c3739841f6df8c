// The PCS link inside the real firmware, in a real system (configs/,
// models/): the frames on the plant's PCS bus decode, through the product
// DBC, to what the BMS reports on its debug port at the same time, and the
// SOC estimator's force-charge request (GTX manuals: below 8 %) shows.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "pcs_fixture.hpp"
#include "plant_fixture.hpp"

namespace stacksim::pcs_test {
namespace {

using sim::testing::PlantRig;
using sim::testing::s;

// Frames on the PCS bus, by message name, the latest of each.
struct BusListener {
  BusListener(PlantRig& rig, const std::string& profile) : profile_(profile) {
    node = rig.plant().pcs_bus().attach("pcs-test", [this](const bus::CanFrame& f, std::int64_t) {
      ssim_can_frame c{};
      c.id = f.id;
      c.extended = f.extended ? 1 : 0;
      c.dlc = f.dlc;
      for (int i = 0; i < 8; ++i) c.data[i] = f.data[static_cast<std::size_t>(i)];
      // The BCU link of a parallel GTX3000 shares the bus (gtx3000-link.dbc,
      // written for address byte 0).
      if (c.extended && (c.id & 0x1F000000u) == 0x1E000000u) {
        if (dbc("gtx3000-link").find(c.id & ~0xFFu, true) == nullptr) ++strangers;
        ++link_frames;
        return;
      }
      const protocol::Message* m = find_message(profile_, c);
      if (m == nullptr) {
        ++strangers;
        return;
      }
      latest[m->name] = decode_all(*m, f);
      ids.insert(f.id);
    });
  }
  std::string profile_;
  std::size_t node = 0;
  std::map<std::string, std::map<std::string, double>> latest;
  std::set<std::uint32_t> ids;
  int strangers = 0;
  int link_frames = 0;
};

std::int64_t start_and_run(PlantRig& rig, std::int64_t after_close_ns) {
  rig.start();
  const auto closed = rig.run_until_true([&] { return rig.master().main_path_closed(); }, s(60));
  EXPECT_TRUE(closed) << rig.log_text();
  rig.run_until((closed ? *closed : rig.now_ns()) + after_close_ns);
  return rig.now_ns();
}

TEST(PcsInThePlant, Gtx5000AtFivePercentAsksForAForceChargeInPylonLv) {
  PlantRig rig("gtx5000-x1", 0.05);
  BusListener bus(rig, "pylon-lv");
  start_and_run(rig, s(3));
  const auto st = rig.status();
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(bus.strangers, 0);
  ASSERT_TRUE(bus.latest.count("BMS_Requests")) << rig.log_text();
  EXPECT_TRUE(st->requests & SSIM_REQ_FORCE_CHARGE) << "SOC " << st->soc_permille << " permille, below 8 %";
  EXPECT_EQ(bus.latest["BMS_Requests"]["ForceChargeIRequest"], 1);
  EXPECT_EQ(bus.latest["BMS_Requests"]["ChargeEnable"], st->charge_limit_mA > 0 ? 1 : 0);
  EXPECT_NEAR(bus.latest["BMS_SocSoh"]["Soc"], std::round(st->soc_permille / 10.0), 1.0);
  EXPECT_NEAR(bus.latest["BMS_Limits"]["ChargeVoltage"], st->charge_voltage_mV / 1000.0, 0.05);
  EXPECT_NEAR(bus.latest["BMS_Limits"]["ChargeCurrentLimit"], st->charge_limit_mA / 1000.0, 0.05);
  EXPECT_EQ(bus.latest["BMS_Alarms"]["ModuleCount"], 1);
  EXPECT_NEAR(bus.latest["BMS_Measurements"]["Voltage"], st->pack_voltage_mV / 1000.0, 0.2);
}

TEST(PcsInThePlant, Gtx3000BroadcastsTheSofarFramesWithItsModules) {
  PlantRig rig("gtx3000-h4", 0.5);
  BusListener bus(rig, "sofar-hv");
  start_and_run(rig, s(3));
  const auto st = rig.status();
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(bus.strangers, 0);
  for (const char* m : {"BMS_Limits", "BMS_SocSoh", "BMS_Measurements", "BMS_Alarms", "BMS_Requests",
                        "BMS_Manufacturer", "BMS_Info", "BMS_Command"}) {
    EXPECT_TRUE(bus.latest.count(m)) << m;
  }
  EXPECT_EQ(bus.latest["BMS_Alarms"]["ModuleCount"], 4);
  EXPECT_EQ(bus.latest["BMS_Alarms"]["CellsPerModule"], 16);
  EXPECT_NEAR(bus.latest["BMS_Limits"]["ChargeVoltage"], 4 * 56.16, 0.05) << "56.16 V per module";
  EXPECT_NEAR(bus.latest["BMS_SocSoh"]["Soc"], std::round(st->soc_permille / 10.0), 1.0);
  EXPECT_EQ(bus.latest["BMS_Command"]["ChargeAllowed"], st->charge_limit_mA > 0 ? 1 : 0);
  EXPECT_EQ(bus.latest["BMS_Command"]["DischargeAllowed"], st->discharge_limit_mA > 0 ? 1 : 0);
}

TEST(PcsInThePlant, Lfp65AnswersTheGrowattQuery) {
  PlantRig rig("lfp65-x1", 0.6);
  BusListener bus(rig, "growatt-lv");
  const std::int64_t t = start_and_run(rig, s(1));
  EXPECT_TRUE(bus.latest.empty()) << "nothing unasked";
  bus::CanFrame q;
  q.id = 0x301;
  q.dlc = 8;
  ASSERT_EQ(rig.plant().pcs_bus().send(bus.node, q, t), bus::CanBus::SendResult::kQueued);
  rig.run_until(t + s(1));
  const auto st = rig.status();
  ASSERT_TRUE(st.has_value());
  for (std::uint32_t id = 0x311; id <= 0x321; ++id) {
    if (id == 0x31A) id = 0x320;
    EXPECT_TRUE(bus.ids.count(id)) << std::hex << id;
  }
  EXPECT_NEAR(bus.latest["BMS_Requests"]["MinCellVoltage"], st->cell_min_mV / 1000.0, 0.01);
  EXPECT_NEAR(bus.latest["BMS_Requests"]["MaxCellVoltage"], st->cell_max_mV / 1000.0, 0.01);
  EXPECT_NEAR(bus.latest["BMS_Measurements"]["Soc"], std::round(st->soc_permille / 10.0), 1.0);
  EXPECT_EQ(bus.latest["BMS_Alarms"]["TotalCells"], 16);
}


// --- parallel systems: one battery to the PCS --------------------------------

// Which boards put frames on the PCS bus.
std::set<std::string> senders(PlantRig& rig, std::int64_t for_ns) {
  std::set<std::string> names;
  bus::CanBus& b = rig.plant().pcs_bus();
  const std::size_t tap = b.add_tap([&](const bus::CanFrame& f, std::int64_t, std::size_t node) {
    // The BCU link's own frames (models/dbc/gtx3000-link.dbc) are not the PCS's.
    if (f.extended && (f.id & 0x1F000000u) == 0x1E000000u) return;
    names.insert(b.node_name(node));
  });
  rig.run_until(rig.now_ns() + for_ns);
  b.remove_tap(tap);
  return names;
}

bool all_closed(PlantRig& rig) {
  for (std::size_t u = 0; u < rig.config().units; ++u) {
    if (!rig.master(u).main_path_closed()) return false;
  }
  return true;
}

// merge_unit_reports' rule, from the units' own debug reports: the sum, but
// no more than the weakest unit's limit times the units.
double system_limit_A(PlantRig& rig, bool charge) {
  double sum = 0.0, weakest = 1e18;
  const std::size_t n = rig.config().units;
  for (std::size_t u = 0; u < n; ++u) {
    const auto st = rig.status(u);
    const double a = (charge ? st->charge_limit_mA : st->discharge_limit_mA) / 1000.0;
    sum += a;
    weakest = std::min(weakest, a);
  }
  return std::min(sum, weakest * static_cast<double>(n));
}

struct ParallelCase {
  const char* config;
  const char* profile;
  const char* master;
  int modules;
};

class PcsParallel : public ::testing::TestWithParam<ParallelCase> {};

TEST_P(PcsParallel, TheMasterSpeaksForTheWholeSystem) {
  const ParallelCase& c = GetParam();
  PlantRig rig(c.config, 0.5);
  BusListener bus(rig, c.profile);
  rig.start();
  ASSERT_TRUE(rig.run_until_true([&] { return all_closed(rig); }, s(120))) << rig.log_text();
  // Every slave has been polled a few times since.
  EXPECT_EQ(senders(rig, s(5)), std::set<std::string>{c.master});
  EXPECT_EQ(bus.strangers, 0);
  EXPECT_EQ(bus.link_frames > 0, std::string(c.profile) == "sofar-hv") << "the BCUs' link";
  EXPECT_EQ(bus.latest["BMS_Alarms"]["ModuleCount"], c.modules);
  EXPECT_NEAR(bus.latest["BMS_Limits"]["ChargeCurrentLimit"], system_limit_A(rig, true), 0.11);
  EXPECT_NEAR(bus.latest["BMS_Limits"]["DischargeCurrentLimit"], system_limit_A(rig, false), 0.11);
  double soc_sum = 0.0;
  for (std::size_t u = 0; u < rig.config().units; ++u) soc_sum += rig.status(u)->soc_permille / 10.0;
  EXPECT_NEAR(bus.latest["BMS_SocSoh"]["Soc"], soc_sum / static_cast<double>(rig.config().units), 1.0);
  // The limits are the system's, not the master's alone.
  EXPECT_GT(bus.latest["BMS_Limits"]["DischargeCurrentLimit"], rig.status(0)->discharge_limit_mA / 1000.0 + 1.0);
}

INSTANTIATE_TEST_SUITE_P(
    Systems, PcsParallel,
    ::testing::Values(ParallelCase{"gtx5000-x4", "pylon-lv", "pack1", 4},
                      ParallelCase{"gtx2500-x4", "pylon-lv", "pack1", 4},
                      ParallelCase{"gtx3000-h5-x2", "sofar-hv", "string1/bcu", 10}),
    [](const ::testing::TestParamInfo<ParallelCase>& i) {
      std::string n = i.param.config;
      for (char& ch : n) ch = (ch == '-') ? '_' : ch;
      return n;
    });

}  // namespace
}  // namespace stacksim::pcs_test
