// The Modbus RTU slave (src/firmware/pcs/modbus_rtu.*) and the Growatt
// status block (growatt_modbus.*): requests built here with a CRC written
// from the Modbus serial-line specification, answers checked byte by byte.
#include "pcs/growatt_modbus.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace stacksim::fw {
namespace {

// CRC-16/MODBUS, bit by bit as the serial-line specification gives it.
std::uint16_t crc(const std::vector<std::uint8_t>& d) {
  std::uint16_t c = 0xFFFF;
  for (std::uint8_t b : d) {
    c ^= b;
    for (int i = 0; i < 8; ++i) c = (c & 1) ? static_cast<std::uint16_t>((c >> 1) ^ 0xA001) : static_cast<std::uint16_t>(c >> 1);
  }
  return c;
}

std::vector<std::uint8_t> adu(std::vector<std::uint8_t> pdu) {
  const std::uint16_t c = crc(pdu);
  pdu.push_back(static_cast<std::uint8_t>(c));
  pdu.push_back(static_cast<std::uint8_t>(c >> 8));
  return pdu;
}

struct Slave {
  GrowattRegisters regs;
  std::uint8_t out[modbus::kMaxAdu] = {};

  Slave() {
    PcsReport r;
    r.pack_mV = 52812;
    r.current_mA = -12345;
    r.soc_permille = 503;
    r.soh_permille = 990;
    r.temp_max_dC = 281;
    r.charge_limit_mA = 64000;
    r.discharge_limit_mA = 100000;
    r.remaining_mAh = 64400;
    r.full_mAh = 128000;
    r.cycles = 12;
    r.charge_voltage_mV = 57600;
    r.cell_max_mV = 3310;
    r.cell_min_mV = 3290;
    r.cell_max_index = 4;
    r.cell_min_index = 11;
    r.faults = SSIM_FAULT_TEMP_SENSOR;
    r.state = SSIM_STATE_DISCHARGE;
    r.requests = kPcsChargeEnable | kPcsDischargeEnable;
    r.path_closed = true;
    r.units = 1;
    regs.update(r, 1767323045);  // 2026-01-02 03:04:05
  }

  std::vector<std::uint8_t> ask(const std::vector<std::uint8_t>& req, modbus::Outcome expected) {
    const modbus::Result r = modbus::serve(req.data(), req.size(), 1, regs, out);
    EXPECT_EQ(r.outcome, expected);
    return std::vector<std::uint8_t>(out, out + r.len);
  }
};

TEST(GrowattModbus, ReadsTheStatusBlockWith03And04) {
  Slave s;
  // The specification's example request (slave 1, 10 registers at 0) has CRC C5 CD.
  EXPECT_EQ(adu({0x01, 0x03, 0x00, 0x00, 0x00, 0x0A}),
            (std::vector<std::uint8_t>{0x01, 0x03, 0x00, 0x00, 0x00, 0x0A, 0xC5, 0xCD}));
  for (const std::uint8_t function : {std::uint8_t{0x03}, std::uint8_t{0x04}}) {
    const auto a = s.ask(adu({0x01, function, 0x00, 0x10, 0x00, 0x19}), modbus::Outcome::kAnswered);
    ASSERT_EQ(a.size(), 3u + 50u + 2u);
    EXPECT_EQ(a[0], 0x01);
    EXPECT_EQ(a[1], function);
    EXPECT_EQ(a[2], 50);
    EXPECT_EQ(crc(std::vector<std::uint8_t>(a.begin(), a.end() - 2)), a[a.size() - 2] | a[a.size() - 1] << 8);
    const auto reg = [&](int at) { return static_cast<std::uint16_t>(a[3 + 2 * (at - 0x10)] << 8 | a[4 + 2 * (at - 0x10)]); };
    EXPECT_EQ(static_cast<std::int16_t>(reg(0x10)), -1235);  // 10 mA, rounded
    EXPECT_EQ(reg(0x11), 26 << 8 | 1);
    EXPECT_EQ(reg(0x12), 2 << 8 | 3);
    EXPECT_EQ(reg(0x13), 4 << 8 | 5);
    EXPECT_EQ(reg(0x14) & 0x3, 3);  // discharging
    EXPECT_EQ(reg(0x15), 0x0000);   // no protection
    EXPECT_EQ(reg(0x16), 50);
    EXPECT_EQ(reg(0x17), 5281);
    EXPECT_EQ(static_cast<std::int16_t>(reg(0x18)), -1235);
    EXPECT_EQ(reg(0x19), 281);
    EXPECT_EQ(reg(0x1A), 6400);
    EXPECT_EQ(reg(0x1B), 10000);
    EXPECT_EQ(reg(0x1C), 6440);
    EXPECT_EQ(reg(0x1D), 12800);
    EXPECT_EQ(reg(0x1E), 12);
    EXPECT_EQ(reg(0x1F), 0);
    EXPECT_EQ(reg(0x20), 99);
    EXPECT_EQ(reg(0x21), 5760);
    EXPECT_EQ(reg(0x23), 10000);
    EXPECT_EQ(reg(0x24), SSIM_FAULT_TEMP_SENSOR);
    EXPECT_EQ(reg(0x25), 3310);
    EXPECT_EQ(reg(0x26), 3290);
    EXPECT_EQ(reg(0x27), 5);
    EXPECT_EQ(reg(0x28), 12);
  }
  // One register from the middle.
  const auto a = s.ask(adu({0x01, 0x03, 0x00, 0x16, 0x00, 0x01}), modbus::Outcome::kAnswered);
  EXPECT_EQ(a, adu({0x01, 0x03, 0x02, 0x00, 50}));
}

TEST(GrowattModbus, ExceptionCodes) {
  Slave s;
  EXPECT_EQ(s.ask(adu({0x01, 0x05, 0x00, 0x10, 0xFF, 0x00}), modbus::Outcome::kException), adu({0x01, 0x85, 0x01}));
  EXPECT_EQ(s.ask(adu({0x01, 0x03, 0x00, 0x00, 0x00, 0x01}), modbus::Outcome::kException), adu({0x01, 0x83, 0x02}));
  EXPECT_EQ(s.ask(adu({0x01, 0x04, 0x00, 0x28, 0x00, 0x02}), modbus::Outcome::kException), adu({0x01, 0x84, 0x02}));
  EXPECT_EQ(s.ask(adu({0x01, 0x03, 0x00, 0x10, 0x00, 0x00}), modbus::Outcome::kException), adu({0x01, 0x83, 0x03}));
  EXPECT_EQ(s.ask(adu({0x01, 0x03, 0x00, 0x10, 0x00, 0x7E}), modbus::Outcome::kException), adu({0x01, 0x83, 0x03}));
  EXPECT_EQ(s.ask(adu({0x01, 0x03, 0x00, 0x10, 0x00}), modbus::Outcome::kException), adu({0x01, 0x83, 0x03}));
  EXPECT_EQ(s.ask(adu({0x01, 0x06, 0x00, 0x16, 0x00, 0x01}), modbus::Outcome::kException), adu({0x01, 0x86, 0x02}));
  // 0x10 with a byte count that disagrees with the quantity.
  EXPECT_EQ(s.ask(adu({0x01, 0x10, 0x00, 0x11, 0x00, 0x02, 0x02, 0x00, 0x01}), modbus::Outcome::kException),
            adu({0x01, 0x90, 0x03}));
}

TEST(GrowattModbus, TheClockWritesAreTheHandshake) {
  Slave s;
  EXPECT_EQ(s.ask(adu({0x01, 0x10, 0x00, 0x13, 0x00, 0x01, 0x02, 0x12, 0x34}), modbus::Outcome::kAnswered),
            adu({0x01, 0x10, 0x00, 0x13, 0x00, 0x01}));
  EXPECT_EQ(s.ask(adu({0x01, 0x06, 0x00, 0x11, 0x1A, 0x01}), modbus::Outcome::kAnswered),
            adu({0x01, 0x06, 0x00, 0x11, 0x1A, 0x01}));
  EXPECT_EQ(s.ask(adu({0x00, 0x10, 0x00, 0x11, 0x00, 0x03, 0x06, 0, 1, 0, 2, 0, 3}), modbus::Outcome::kBroadcast),
            std::vector<std::uint8_t>{});
  EXPECT_EQ(s.regs.clock_writes(), 5u);
}

TEST(GrowattModbus, OtherSlavesAndBadFramesGetNoAnswer) {
  Slave s;
  EXPECT_TRUE(s.ask(adu({0x02, 0x03, 0x00, 0x10, 0x00, 0x01}), modbus::Outcome::kNotForUs).empty());
  auto bad = adu({0x01, 0x03, 0x00, 0x10, 0x00, 0x01});
  bad.back() ^= 0x01;
  EXPECT_TRUE(s.ask(bad, modbus::Outcome::kBadFrame).empty());
  EXPECT_TRUE(s.ask({0x01, 0x03, 0x00}, modbus::Outcome::kBadFrame).empty());
  EXPECT_TRUE(s.ask(adu({0x00, 0x03, 0x00, 0x10, 0x00, 0x01}), modbus::Outcome::kBroadcast).empty());
}

}  // namespace
}  // namespace stacksim::fw
