// The Pylontech RS485 ASCII codec (src/firmware/pcs/pylon_rs485.*) against
// the worked example of protocols.md 5.1 and values worked out by hand from
// the rules there; the battery's answers (pylon_rs485_answer.*) decoded
// field by field from a report with known numbers.
#include "pcs/pylon_rs485.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "pcs/pylon_rs485_answer.hpp"

namespace stacksim::fw {
namespace {

using namespace pylon485;

std::string wire(const Frame& f) {
  std::uint8_t out[kMaxFrameChars];
  const std::size_t n = encode(f, out, sizeof out);
  return std::string(out, out + n);
}

Frame request(std::uint8_t adr, std::uint8_t cid2, std::vector<std::uint8_t> info = {}, std::uint8_t ver = 0x20) {
  Frame f;
  f.ver = ver;
  f.adr = adr;
  f.cid1 = 0x46;
  f.cid2 = cid2;
  for (std::uint8_t b : info) f.info[f.info_len++] = b;
  return f;
}

Parse parse_text(const std::string& s, Frame& f, bool& header) {
  return parse(reinterpret_cast<const std::uint8_t*>(s.data()), s.size(), f, header);
}

TEST(PylonRs485Codec, TheReferenceExampleEncodesAndParses) {
  // protocols.md 5.1: VER 0x20, ADR 0x02, CID1 0x46, CID2 0x42, LENID 2, INFO 0x02.
  EXPECT_EQ(wire(request(0x02, 0x42, {0x02})), "~20024642E00202FD33\r");
  Frame f;
  bool header = false;
  ASSERT_EQ(parse_text("~20024642E00202FD33\r", f, header), Parse::kOk);
  EXPECT_TRUE(header);
  EXPECT_EQ(f.ver, 0x20);
  EXPECT_EQ(f.adr, 0x02);
  EXPECT_EQ(f.cid1, 0x46);
  EXPECT_EQ(f.cid2, 0x42);
  ASSERT_EQ(f.info_len, 1);
  EXPECT_EQ(f.info[0], 0x02);
}

TEST(PylonRs485Codec, ChecksumsByHand) {
  // LCHKSUM: -(sum of LENID's nibbles) mod 16.
  EXPECT_EQ(lchksum(0), 0x0);
  EXPECT_EQ(lchksum(2), 0xE);      // the example's "E002"
  EXPECT_EQ(lchksum(18), 0xD);     // 0x012: 0+1+2 = 3 -> "D012" (protocols.md 5.1)
  EXPECT_EQ(lchksum(0x088), 0x0);  // 8+8 = 16: 0, not Battery-Emulator's 0x10
  EXPECT_EQ(lchksum(0x0FF), 0x2);  // 30 -> 2
  // CHKSUM of "2002464F0000": 2+0+0+2+4+6+4+F+0+0+0+0 as ASCII
  // = 0x32+0x30+0x30+0x32+0x34+0x36+0x34+0x46+0x30*4 = 0x268; -0x268 = 0xFD98.
  const std::string body = "2002464F0000";
  EXPECT_EQ(chksum(reinterpret_cast<const std::uint8_t*>(body.data()), body.size()), 0xFD98);
  EXPECT_EQ(wire(request(0x02, 0x4F)), "~2002464F0000FD98\r");
}

TEST(PylonRs485Codec, ErrorsAreToldApartWithTheHeaderKept) {
  Frame f;
  bool header = false;
  // CHKSUM off by one.
  EXPECT_EQ(parse_text("~20024642E00202FD34\r", f, header), Parse::kChksum);
  EXPECT_TRUE(header);
  EXPECT_EQ(f.adr, 0x02);
  // LCHKSUM wrong ("F002"), CHKSUM right for the characters sent.
  std::string s = "20024642F00202";
  const std::uint16_t sum = chksum(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  char tail[8];
  std::snprintf(tail, sizeof tail, "%04X\r", sum);
  EXPECT_EQ(parse_text("~" + s + tail, f, header), Parse::kLchksum);
  // LENID 4 with only 2 INFO characters: a format error.
  s = "20024642C00402";
  std::snprintf(tail, sizeof tail, "%04X\r", chksum(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
  EXPECT_EQ(parse_text("~" + s + tail, f, header), Parse::kFormat);
  // No EOI, no SOI, too short: not a frame.
  EXPECT_EQ(parse_text("~20024642E00202FD33", f, header), Parse::kNotAFrame);
  EXPECT_EQ(parse_text("20024642E00202FD33\r", f, header), Parse::kNotAFrame);
  EXPECT_EQ(parse_text("~2002\r", f, header), Parse::kNotAFrame);
  EXPECT_FALSE(header);
}

TEST(PylonRs485Codec, EveryInfoLengthRoundTrips) {
  for (std::size_t n = 0; n <= kMaxInfoBytes; n += 7) {
    Frame f = request(0x12, 0x61);
    for (std::size_t i = 0; i < n; ++i) f.info[i] = static_cast<std::uint8_t>(i * 37 + 5);
    f.info_len = static_cast<std::uint16_t>(n);
    const std::string s = "noise" + wire(f) + "more";
    Frame g;
    bool header = false;
    ASSERT_EQ(parse_text(s, g, header), Parse::kOk) << n;
    ASSERT_EQ(g.info_len, n);
    for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(g.info[i], f.info[i]);
  }
  Frame big = request(2, 0x42);
  big.info_len = kMaxInfoBytes + 1;
  std::uint8_t out[kMaxFrameChars + 4];
  EXPECT_EQ(encode(big, out, sizeof out), 0u);
}

// --- answers -----------------------------------------------------------------

class FixedCells final : public PcsCellSource {
 public:
  int module_cells(std::uint16_t module, std::uint16_t* mV, int max) const override {
    if (module != 0) return 0;
    for (int i = 0; i < 16 && i < max; ++i) mV[i] = static_cast<std::uint16_t>(3300 + i);
    return 16;
  }
  int module_temperatures(std::uint16_t module, std::int16_t* dC, int max) const override {
    if (module != 0) return 0;
    for (int i = 0; i < 4 && i < max; ++i) dC[i] = static_cast<std::int16_t>(250 + 10 * i);
    return 4;
  }
};

struct Rig {
  PcsReport report;
  FixedCells cells;
  PcsLimits limits;
  Pylon485Source src;

  Rig() {
    report.active = true;
    report.charge_voltage_mV = 56160;
    report.discharge_voltage_mV = 45600;
    report.charge_limit_mA = 50000;
    report.discharge_limit_mA = 75000;
    report.pack_mV = 52812;
    report.current_mA = -12340;
    report.soc_permille = 503;
    report.soh_permille = 1000;
    report.temp_avg_dC = 265;
    report.temp_min_dC = 250;
    report.temp_max_dC = 280;
    report.temp_max_index = 3;
    report.cell_min_mV = 3300;
    report.cell_max_mV = 3315;
    report.cell_max_index = 15;
    report.board_temp_dC = 301;
    report.series_cells = 16;
    report.cell_count = 16;
    report.temp_count = 4;
    report.capacity_mAh = 100000;
    report.full_mAh = 99000;
    report.remaining_mAh = 49800;
    report.cycles = 7;
    report.state = SSIM_STATE_DISCHARGE;
    report.path_closed = true;
    report.requests = kPcsChargeEnable | kPcsDischargeEnable;
    limits = {3650, 3000, 2800, 58400, 48000, 44800, 550, 0, 600, -200, 50000, 75000};
    src.address = 2;
    src.system = &report;
    src.pack = &report;
    src.cells = &cells;
    src.limits = &limits;
    src.product = "gtx5000";
  }

  // Sends the request through the wire format; the answer decoded again.
  Pylon485Outcome ask(const Frame& req, Frame& answer) const {
    const std::string s = wire(req);
    Frame out;
    const Pylon485Outcome o = pylon485_answer(reinterpret_cast<const std::uint8_t*>(s.data()), s.size(), src, out);
    if (o == Pylon485Outcome::kSilent || o == Pylon485Outcome::kUnreadable) return o;
    bool header = false;
    EXPECT_EQ(parse_text(wire(out), answer, header), Parse::kOk);
    return o;
  }
};

std::uint16_t be16(const Frame& f, std::size_t at) { return static_cast<std::uint16_t>(f.info[at] << 8 | f.info[at + 1]); }

TEST(PylonRs485Answer, AnalogValuesOfTheAddressedPack) {
  Rig rig;
  Frame a;
  ASSERT_EQ(rig.ask(request(2, 0x42, {2}), a), Pylon485Outcome::kAnswered);
  EXPECT_EQ(a.ver, 0x20);
  EXPECT_EQ(a.adr, 2);
  EXPECT_EQ(a.cid1, 0x46);
  EXPECT_EQ(a.cid2, kRtnOk);
  EXPECT_EQ(a.info[0], 0x00);  // DATAFLAG
  EXPECT_EQ(a.info[1], 2);     // command: the address
  ASSERT_EQ(a.info[2], 16);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(be16(a, 3 + 2 * i), 3300 + i);
  std::size_t k = 3 + 32;
  ASSERT_EQ(a.info[k], 5);                // board + 4 sensors
  EXPECT_EQ(be16(a, k + 1), 301 + 2731);  // board, 0.1 K
  EXPECT_EQ(be16(a, k + 3), 250 + 2731);
  EXPECT_EQ(be16(a, k + 9), 280 + 2731);
  k += 11;
  EXPECT_EQ(static_cast<std::int16_t>(be16(a, k)), -123);  // -12.34 A in 0.1 A
  EXPECT_EQ(be16(a, k + 2), 52812);
  EXPECT_EQ(be16(a, k + 4), 0xFFFF);  // 100 Ah: the 3-byte fields carry it
  EXPECT_EQ(a.info[k + 6], 4);
  EXPECT_EQ(be16(a, k + 7), 0xFFFF);
  EXPECT_EQ(be16(a, k + 9), 7);
  EXPECT_EQ(a.info[k + 11] << 16 | be16(a, k + 12), 49800);
  EXPECT_EQ(a.info[k + 14] << 16 | be16(a, k + 15), 99000);
  EXPECT_EQ(a.info_len, k + 17);

  rig.report.capacity_mAh = 50000;  // a GTX2500: 2-byte capacities, count 2
  rig.report.full_mAh = 49500;
  rig.report.remaining_mAh = 24800;
  ASSERT_EQ(rig.ask(request(2, 0x42, {2}), a), Pylon485Outcome::kAnswered);
  EXPECT_EQ(be16(a, k + 4), 24800);
  EXPECT_EQ(a.info[k + 6], 2);
  EXPECT_EQ(be16(a, k + 7), 49500);
  EXPECT_EQ(a.info_len, k + 11);
}

TEST(PylonRs485Answer, ManagementInfoIsTheCanLimitsAndRequestByte) {
  Rig rig;
  rig.report.requests |= kPcsForceChargeI;
  Frame a;
  ASSERT_EQ(rig.ask(request(2, 0x92, {2}), a), Pylon485Outcome::kAnswered);
  ASSERT_EQ(a.info_len, 10);
  EXPECT_EQ(a.info[0], 2);
  EXPECT_EQ(be16(a, 1), 56160);
  EXPECT_EQ(be16(a, 3), 45600);
  EXPECT_EQ(be16(a, 5), 500);  // 50 A in 0.1 A
  EXPECT_EQ(be16(a, 7), 750);
  EXPECT_EQ(a.info[9], 0xE0);  // charge, discharge enabled, force charge I
  // 0x63: the same without the command byte.
  ASSERT_EQ(rig.ask(request(2, 0x63), a), Pylon485Outcome::kAnswered);
  ASSERT_EQ(a.info_len, 9);
  EXPECT_EQ(be16(a, 0), 56160);
  EXPECT_EQ(be16(a, 4), 500);
  EXPECT_EQ(a.info[8], 0xE0);
}

TEST(PylonRs485Answer, AlarmInfoMarksTheExtremeCellAndStatusBytes) {
  Rig rig;
  rig.report.tiers[static_cast<std::size_t>(PcsTier::kAlarm)] = pcs_flag(PcsMeaning::kCellHighVoltage);
  rig.report.tiers[static_cast<std::size_t>(PcsTier::kProtection)] =
      static_cast<PcsFlags>(pcs_flag(PcsMeaning::kChargeOverTemperature) | pcs_flag(PcsMeaning::kPackLowVoltage));
  Frame a;
  ASSERT_EQ(rig.ask(request(2, 0x44, {2}), a), Pylon485Outcome::kAnswered);
  ASSERT_EQ(a.info[2], 16);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(a.info[3 + i], i == 15 ? 0x02 : 0x00) << i;
  std::size_t k = 3 + 16;
  ASSERT_EQ(a.info[k], 5);
  k += 6;
  EXPECT_EQ(a.info[k], 0);      // charge current
  EXPECT_EQ(a.info[k + 1], 0);  // module voltage (alarm tier: none)
  EXPECT_EQ(a.info[k + 2], 0);  // discharge current
  EXPECT_EQ(a.info[k + 3], 0xC0);  // status 1: module under-voltage, charge over-temperature
  EXPECT_EQ(a.info[k + 4], 0x0E);  // status 2: the path closed
  EXPECT_EQ(a.info[k + 5], 0x40);  // status 3: discharging
  EXPECT_EQ(a.info[k + 6], 0);
  EXPECT_EQ(a.info[k + 7], 0);
  EXPECT_EQ(a.info_len, k + 8);
}

TEST(PylonRs485Answer, SystemParametersFromTheProtectionTable) {
  Rig rig;
  Frame a;
  ASSERT_EQ(rig.ask(request(2, 0x47), a), Pylon485Outcome::kAnswered);
  ASSERT_EQ(a.info_len, 24);
  const std::uint16_t expected[12] = {3650, 3000, 2800, 550 + 2731, 2731, 500,
                                      58400, 48000, 44800, 600 + 2731, 2731 - 200, 750};
  for (int i = 0; i < 12; ++i) EXPECT_EQ(be16(a, 2 * static_cast<std::size_t>(i)), expected[i]) << i;
}

TEST(PylonRs485Answer, VersionManufacturerAndSystemCommands) {
  Rig rig;
  Frame a;
  ASSERT_EQ(rig.ask(request(2, 0x4F, {}, 0x25), a), Pylon485Outcome::kAnswered);  // VER ignored
  EXPECT_EQ(a.ver, 0x20);
  EXPECT_EQ(a.info_len, 0);
  ASSERT_EQ(rig.ask(request(2, 0x51), a), Pylon485Outcome::kAnswered);
  ASSERT_EQ(a.info_len, 32);
  EXPECT_EQ(std::string(a.info, a.info + 10), "GTX5000   ");
  EXPECT_EQ(std::string(a.info + 12, a.info + 32), "PYLONTECH           ");
  ASSERT_EQ(rig.ask(request(2, 0x60), a), Pylon485Outcome::kAnswered);
  EXPECT_EQ(a.info[32], 1);  // packs
  EXPECT_EQ(std::string(a.info + 33, a.info + 49), "GTX5000-2-M01   ");
  ASSERT_EQ(rig.ask(request(2, 0x61), a), Pylon485Outcome::kAnswered);
  EXPECT_EQ(be16(a, 0), 52812);
  EXPECT_EQ(static_cast<std::int16_t>(be16(a, 2)), -1234);  // 10 mA
  EXPECT_EQ(a.info[4], 50);                                 // %
  EXPECT_EQ(be16(a, 11), 3315);                             // max cell
  EXPECT_EQ(a.info[13], 1);                                 // pack 1
  EXPECT_EQ(a.info[14], 16);                                // cell 16
  rig.report.tiers[static_cast<std::size_t>(PcsTier::kAlarm)] =
      static_cast<PcsFlags>(pcs_flag(PcsMeaning::kPackHighVoltage) | pcs_flag(PcsMeaning::kInternalCommFail));
  rig.report.tiers[static_cast<std::size_t>(PcsTier::kProtection)] = pcs_flag(PcsMeaning::kDischargeOverCurrent);
  ASSERT_EQ(rig.ask(request(2, 0x62), a), Pylon485Outcome::kAnswered);
  ASSERT_EQ(a.info_len, 4);
  EXPECT_EQ(a.info[0], 0x80);
  EXPECT_EQ(a.info[1], 0x10);
  EXPECT_EQ(a.info[2], 0x00);
  EXPECT_EQ(a.info[3], 0x20);
}

TEST(PylonRs485Answer, AddressingAndReturnCodes) {
  Rig rig;
  Frame a;
  EXPECT_EQ(rig.ask(request(3, 0x42, {3}), a), Pylon485Outcome::kSilent);  // another battery
  ASSERT_EQ(rig.ask(request(2, 0x42, {3}), a), Pylon485Outcome::kRefused);
  EXPECT_EQ(a.cid2, kRtnAddress);
  ASSERT_EQ(rig.ask(request(2, 0x42, {0xFF}), a), Pylon485Outcome::kAnswered);  // the system
  EXPECT_EQ(a.info[1], 0xFF);
  ASSERT_EQ(rig.ask(request(2, 0x92, {0xFF}), a), Pylon485Outcome::kRefused);
  EXPECT_EQ(a.cid2, kRtnAddress);
  ASSERT_EQ(rig.ask(request(2, 0x42), a), Pylon485Outcome::kRefused);
  EXPECT_EQ(a.cid2, kRtnFormat);
  ASSERT_EQ(rig.ask(request(2, 0x99), a), Pylon485Outcome::kRefused);
  EXPECT_EQ(a.cid2, kRtnCid2);
  ASSERT_EQ(rig.ask(request(2, 0x42, {2}, 0x21), a), Pylon485Outcome::kRefused);
  EXPECT_EQ(a.cid2, kRtnVersion);
  EXPECT_EQ(a.info_len, 0);

  Frame out;
  const std::string bad = "~20024642E00202FD34\r";
  ASSERT_EQ(pylon485_answer(reinterpret_cast<const std::uint8_t*>(bad.data()), bad.size(), rig.src, out),
            Pylon485Outcome::kRefused);
  EXPECT_EQ(out.cid2, kRtnChksum);
  EXPECT_EQ(wire(out), "~200246020000FDB0\r");
  // Nobody can answer what is not a frame; the link counts it apart from
  // another battery's requests.
  for (const std::string garbage : {"~2002", "20024642E00202FD33\r", "~2X024642E00202FD33\r"}) {
    EXPECT_EQ(pylon485_answer(reinterpret_cast<const std::uint8_t*>(garbage.data()), garbage.size(), rig.src, out),
              Pylon485Outcome::kUnreadable)
        << garbage;
  }
}

}  // namespace
}  // namespace stacksim::fw
