// The RS485 pins toward the PCS inside the real firmware and plant: an LV
// system's pcs485 line carries only the master pack, which answers a
// Pylontech RS485 (GTX) or Modbus RTU (6.5 kWh) request put on the line with
// the numbers of its debug status; a GTX3000 has no such line.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "pcs/pylon_rs485.hpp"
#include "plant_fixture.hpp"

namespace stacksim::pcs_test {
namespace {

using sim::Plant;
namespace pylon485 = fw::pylon485;
using sim::testing::PlantRig;
using sim::testing::s;

bus::Rs485Line* pcs485(Plant& plant) {
  for (std::size_t i = 0; i < plant.rs485_line_count(); ++i) {
    if (plant.rs485_line(i).name() == "pcs485") return &plant.rs485_line(i);
  }
  return nullptr;
}

// A PCS on the line: what it sends, and every burst it hears.
struct Pcs {
  explicit Pcs(bus::Rs485Line& l) : line(l) {
    node = line.attach("pcs", [this](const std::uint8_t* d, std::size_t n, bool, std::int64_t) {
      heard.emplace_back(d, d + n);
    });
  }
  void send(const std::vector<std::uint8_t>& bytes, std::int64_t now_ns) { line.write(node, bytes.data(), bytes.size(), now_ns); }
  bus::Rs485Line& line;
  std::size_t node = 0;
  std::vector<std::vector<std::uint8_t>> heard;
};

void start(PlantRig& rig) {
  rig.start();
  ASSERT_TRUE(rig.run_until_true([&] { return rig.master().main_path_closed(); }, s(60))) << rig.log_text();
  rig.run_until(rig.now_ns() + s(2));
}

TEST(Pcs485InThePlant, OnlyTheMasterPackIsOnTheLineAndAnswersPylonRs485) {
  PlantRig rig("gtx5000-x2");
  EXPECT_EQ(Plant::bus_names(rig.config()), (std::vector<std::string>{"pcs", "link", "pcs485"}));
  bus::Rs485Line* line = pcs485(rig.plant());
  ASSERT_NE(line, nullptr);
  ASSERT_EQ(line->node_count(), 1u);
  EXPECT_EQ(line->node_name(0), "pack1");
  EXPECT_EQ(line->baud(), 115200u);  // pcs485.baud of models/firmware/gtx5000.json
  Pcs pcs(*line);
  // The Pylon LV 0x351 the master sends on CAN: charge voltage and limits.
  std::array<std::uint8_t, 8> frame351{};
  rig.plant().pcs_bus().attach("pcs-can", [&](const bus::CanFrame& f, std::int64_t) {
    if (f.id == 0x351) std::copy(f.data.begin(), f.data.end(), frame351.begin());
  });
  start(rig);
  // Both packs running: the system's limits are the two packs'.
  ASSERT_TRUE(rig.run_until_true([&] { return frame351[2] != 0 || frame351[3] != 0; }, rig.now_ns() + s(30)));

  const std::string request = "~20024692E00202FD2E\r";  // 0x92 for address 2
  pylon485::Frame check;
  bool header = false;
  ASSERT_EQ(pylon485::parse(reinterpret_cast<const std::uint8_t*>(request.data()), request.size(), check, header),
            pylon485::Parse::kOk);
  pcs.send(std::vector<std::uint8_t>(request.begin(), request.end()), rig.now_ns());
  rig.run_until(rig.now_ns() + s(1) / 10);
  ASSERT_EQ(pcs.heard.size(), 1u) << rig.log_text();
  pylon485::Frame answer;
  ASSERT_EQ(pylon485::parse(pcs.heard[0].data(), pcs.heard[0].size(), answer, header), pylon485::Parse::kOk);
  EXPECT_EQ(answer.cid2, 0x00);
  ASSERT_EQ(answer.info_len, 10);
  // The system of two packs: the numbers the master sends the PCS on CAN
  // (0x351: charge voltage, charge and discharge limits, 0.1 V / 0.1 A LE).
  EXPECT_EQ(((answer.info[1] << 8 | answer.info[2]) + 50) / 100, frame351[0] | frame351[1] << 8);  // mV -> 0.1 V, rounded
  EXPECT_EQ(answer.info[5] << 8 | answer.info[6], frame351[2] | frame351[3] << 8);
  EXPECT_EQ(answer.info[7] << 8 | answer.info[8], frame351[4] | frame351[5] << 8);
  EXPECT_EQ(answer.info[5] << 8 | answer.info[6], 2 * 500) << "two packs of 50 A";
}

TEST(Pcs485InThePlant, The65kWhPackAnswersModbusAt9600Baud) {
  PlantRig rig("lfp65-x1");
  bus::Rs485Line* line = pcs485(rig.plant());
  ASSERT_NE(line, nullptr);
  EXPECT_EQ(line->baud(), 9600u);
  Pcs pcs(*line);
  start(rig);
  // Read SOC (0x0016), slave 1: 01 04 00 16 00 01 + CRC D0 0E.
  pcs.send({0x01, 0x04, 0x00, 0x16, 0x00, 0x01, 0xD0, 0x0E}, rig.now_ns());
  rig.run_until(rig.now_ns() + s(1) / 5);
  ASSERT_EQ(pcs.heard.size(), 1u) << rig.log_text();
  const auto& a = pcs.heard[0];
  ASSERT_EQ(a.size(), 7u);
  EXPECT_EQ(a[0], 0x01);
  EXPECT_EQ(a[1], 0x04);
  EXPECT_EQ(a[2], 2);
  EXPECT_NEAR(a[3] << 8 | a[4], 50, 1);
}

TEST(Pcs485InThePlant, AGtx3000HasNoPcs485Line) {
  PlantRig rig("gtx3000-h4");
  EXPECT_EQ(pcs485(rig.plant()), nullptr);
  const std::vector<std::string> names = Plant::bus_names(rig.config());
  EXPECT_EQ(std::count(names.begin(), names.end(), "pcs485"), 0);
}

}  // namespace
}  // namespace stacksim::pcs_test
