// The firmware's RS485 protocol handlers fed what a hostile line carries:
// random bytes, near-frames of protocol characters, and valid requests with
// bytes changed, cut or appended, at every length up to past each protocol's
// limit. Under the sanitizers (tools/test.sh) an out-of-bounds read or an
// overflow fails the run; here every answer is checked to be a well-formed
// frame of its protocol, and every "no answer" to leave nothing behind.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "ibus/ibus.hpp"
#include "pcs/growatt_modbus.hpp"
#include "pcs/modbus_rtu.hpp"
#include "pcs/pylon_rs485.hpp"
#include "pcs/pylon_rs485_answer.hpp"

namespace stacksim::fw {
namespace {

using Bytes = std::vector<std::uint8_t>;
constexpr int kRounds = 20000;

// A burst: random bytes, bytes from `alphabet`, or `valid` with a few bytes
// changed, one cut off or one appended.
Bytes hostile(std::mt19937& rng, const std::string& alphabet, const std::vector<Bytes>& valid, std::size_t max_len) {
  Bytes b;
  switch (rng() % 3) {
    case 0:
      b.resize(rng() % (max_len + 1));
      for (auto& x : b) x = static_cast<std::uint8_t>(rng());
      break;
    case 1:
      b.resize(rng() % (max_len + 1));
      for (auto& x : b) x = static_cast<std::uint8_t>(alphabet[rng() % alphabet.size()]);
      break;
    default:
      b = valid[rng() % valid.size()];
      for (int k = static_cast<int>(rng() % 4); k > 0 && !b.empty(); --k) {
        const std::size_t at = rng() % b.size();
        switch (rng() % 3) {
          case 0: b[at] = static_cast<std::uint8_t>(rng()); break;
          case 1: b.erase(b.begin() + static_cast<long>(at)); break;
          default: b.insert(b.begin() + static_cast<long>(at), static_cast<std::uint8_t>(rng())); break;
        }
      }
      break;
  }
  return b;
}

TEST(Rs485Fuzz, PylontechAnswersAreWholeFramesOrNothing) {
  PcsReport report;
  PcsLimits limits;
  Pylon485Source src;
  src.system = &report;
  src.pack = &report;
  src.limits = &limits;
  src.product = "gtx5000";
  std::vector<Bytes> valid;
  for (const int cid2 : {0x42, 0x44, 0x47, 0x4F, 0x51, 0x60, 0x61, 0x62, 0x63, 0x92}) {
    pylon485::Frame req;
    req.ver = kPylon485Version;
    req.adr = 2;
    req.cid1 = pylon485::kCid1Battery;
    req.cid2 = static_cast<std::uint8_t>(cid2);
    req.info_len = 1;
    req.info[0] = 2;
    std::uint8_t wire[pylon485::kMaxFrameChars];
    valid.emplace_back(wire, wire + pylon485::encode(req, wire, sizeof wire));
  }
  std::mt19937 rng(485);
  int answered = 0;
  for (int round = 0; round < kRounds; ++round) {
    const Bytes in = hostile(rng, "~\r0123456789ABCDEFabcdef2046", valid, 2 * pylon485::kMaxFrameChars);
    pylon485::Frame out;
    const Pylon485Outcome o = pylon485_answer(in.data(), in.size(), src, out);
    if (o == Pylon485Outcome::kUnreadable || o == Pylon485Outcome::kSilent) continue;
    ++answered;
    std::uint8_t wire[pylon485::kMaxFrameChars];
    const std::size_t n = pylon485::encode(out, wire, sizeof wire);
    ASSERT_GT(n, 0u) << "round " << round;
    pylon485::Frame back;
    bool header = false;
    ASSERT_EQ(pylon485::parse(wire, n, back, header), pylon485::Parse::kOk) << "round " << round;
    EXPECT_EQ(back.adr, 2);
    EXPECT_EQ(back.cid2 == pylon485::kRtnOk, o == Pylon485Outcome::kAnswered);
  }
  EXPECT_GT(answered, kRounds / 10);
}

TEST(Rs485Fuzz, ModbusAnswersAreWholeAdusOrNothing) {
  GrowattRegisters regs;
  regs.update(PcsReport{}, 1767225600);
  const auto with_crc = [](Bytes pdu) {
    std::uint16_t crc = 0xFFFF;
    for (std::uint8_t b : pdu) {
      crc ^= b;
      for (int i = 0; i < 8; ++i) crc = (crc & 1) ? static_cast<std::uint16_t>((crc >> 1) ^ 0xA001) : static_cast<std::uint16_t>(crc >> 1);
    }
    pdu.push_back(static_cast<std::uint8_t>(crc));
    pdu.push_back(static_cast<std::uint8_t>(crc >> 8));
    return pdu;
  };
  const std::vector<Bytes> valid = {with_crc({1, 3, 0, 0x10, 0, 25}), with_crc({1, 4, 0, 0x16, 0, 1}),
                                    with_crc({1, 6, 0, 0x11, 0x1A, 0x01}),
                                    with_crc({1, 0x10, 0, 0x11, 0, 3, 6, 0x1A, 1, 2, 3, 4, 5})};
  std::mt19937 rng(9600);
  int answered = 0;
  for (int round = 0; round < kRounds; ++round) {
    Bytes in = hostile(rng, std::string("\x01\x03\x04\x06\x10\x00\xFF\x7F", 8), valid, 2 * modbus::kMaxAdu);
    // Half of them with a right CRC, so that what follows it is reached.
    if (rng() % 2 == 0 && in.size() >= 2) in = with_crc(Bytes(in.begin(), in.end() - 2));
    std::uint8_t out[modbus::kMaxAdu];
    const modbus::Result r = modbus::serve(in.data(), in.size(), 1, regs, out);
    if (r.outcome != modbus::Outcome::kAnswered && r.outcome != modbus::Outcome::kException) {
      EXPECT_EQ(r.len, 0u);
      continue;
    }
    ++answered;
    ASSERT_GE(r.len, 5u);
    ASSERT_LE(r.len, modbus::kMaxAdu);
    EXPECT_EQ(with_crc(Bytes(out, out + r.len - 2)), Bytes(out, out + r.len)) << "round " << round;
    EXPECT_EQ(out[0], 1);
    EXPECT_LE(in.size(), modbus::kMaxAdu);
  }
  EXPECT_GT(answered, kRounds / 10);
}

TEST(Rs485Fuzz, InternalBusFramesDecodeWholeOrNotAtAll) {
  ibus::Report report;
  report.cells = 16;
  report.temps = 4;
  std::uint8_t wire[ibus::kMaxFrame];
  const std::vector<Bytes> valid = {
      Bytes(wire, wire + ibus::encode(ibus::make_report(1, report), wire)),
      Bytes(wire, wire + ibus::encode(ibus::Frame{1, ibus::Function::kPoll, 0, {}}, wire)),
      Bytes(wire, wire + ibus::encode(ibus::Frame{0xFF, ibus::Function::kAssign, 1, {1}}, wire))};
  std::mt19937 rng(115200);
  int decoded = 0;
  for (int round = 0; round < kRounds; ++round) {
    const Bytes in = hostile(rng, std::string("\x7E\x01\xF0\xFF\x81\x00", 6), valid, 2 * ibus::kMaxFrame);
    ibus::Frame f;
    if (!ibus::decode(in.data(), in.size(), f)) continue;
    ++decoded;
    ASSERT_LE(f.length, ibus::kMaxPayload);
    EXPECT_EQ(in.size(), ibus::kOverhead + f.length);
    ibus::Report r;
    if (ibus::parse_report(f, r)) {
      EXPECT_LE(r.cells, ibus::kMaxCells);
      EXPECT_LE(r.temps, ibus::kMaxTemps);
    }
  }
  EXPECT_GT(decoded, 0);
}

}  // namespace
}  // namespace stacksim::fw
