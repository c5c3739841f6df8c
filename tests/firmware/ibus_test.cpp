// The internal bus codec (docs/internal-bus.md): frames round-trip, the CRC
// is the standard CRC-16/MODBUS, and anything damaged is refused.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "ibus/ibus.hpp"

namespace stacksim::fw::ibus {
namespace {

// Bit-by-bit CRC-16/MODBUS written from its definition (poly 0x8005
// reflected = 0xA001, init 0xFFFF, no final xor), independent of core/crc.
std::uint16_t reference_crc(const std::uint8_t* p, std::size_t n) {
  std::uint16_t crc = 0xFFFF;
  for (std::size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int b = 0; b < 8; ++b) crc = (crc & 1) ? static_cast<std::uint16_t>((crc >> 1) ^ 0xA001) : static_cast<std::uint16_t>(crc >> 1);
  }
  return crc;
}

Report sample_report() {
  Report r;
  r.flags = kFlagBalancing;
  r.cells = 16;
  for (std::uint8_t c = 0; c < 16; ++c) r.cell_mV[c] = static_cast<std::uint16_t>(3300 + c);
  r.temps = 4;
  r.temp_dC = {251, -105, 600, 0};
  r.board_temp_dC = 312;
  r.balancing_mask = 0x8001;
  return r;
}

TEST(Ibus, PollFrameIsSixBytesWithModbusCrc) {
  Frame f;
  f.address = 3;
  f.function = Function::kPoll;
  std::uint8_t out[kMaxFrame];
  ASSERT_EQ(encode(f, out), 6u);
  EXPECT_EQ(out[0], 0x7E);
  EXPECT_EQ(out[1], 3);
  EXPECT_EQ(out[2], 0x01);
  EXPECT_EQ(out[3], 0);
  const std::uint16_t crc = reference_crc(out + 1, 3);
  EXPECT_EQ(out[4], crc & 0xFF);
  EXPECT_EQ(out[5], crc >> 8);
}

TEST(Ibus, ReportRoundTripsAndIs53BytesFor16CellsAnd4Sensors) {
  const Report r = sample_report();
  std::uint8_t out[kMaxFrame];
  const std::size_t n = encode(make_report(7, r), out);
  // 6 framing bytes + flags, cell count, 32, sensor count, 8, board 2, mask 2.
  EXPECT_EQ(n, 6u + 1 + 1 + 32 + 1 + 8 + 2 + 2);
  Frame f;
  ASSERT_TRUE(decode(out, n, f));
  EXPECT_EQ(f.address, 7);
  Report back;
  ASSERT_TRUE(parse_report(f, back));
  EXPECT_EQ(back.flags, r.flags);
  EXPECT_EQ(back.cells, 16);
  for (int c = 0; c < 16; ++c) EXPECT_EQ(back.cell_mV[c], r.cell_mV[c]);
  EXPECT_EQ(back.temps, 4);
  EXPECT_EQ(back.temp_dC[1], -105);
  EXPECT_EQ(back.board_temp_dC, 312);
  EXPECT_EQ(back.balancing_mask, 0x8001);
}

TEST(Ibus, EveryCorruptionIsRefused) {
  std::uint8_t out[kMaxFrame];
  const std::size_t n = encode(make_report(2, sample_report()), out);
  Frame f;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::uint8_t bit = 1; bit != 0; bit = static_cast<std::uint8_t>(bit << 1)) {
      std::vector<std::uint8_t> bad(out, out + n);
      bad[i] ^= bit;
      EXPECT_FALSE(decode(bad.data(), n, f)) << "byte " << i << " bit " << int(bit);
    }
  }
  EXPECT_FALSE(decode(out, n - 1, f));          // truncated
  std::vector<std::uint8_t> longer(out, out + n);
  longer.push_back(0);
  EXPECT_FALSE(decode(longer.data(), longer.size(), f));  // two frames' worth
  EXPECT_FALSE(decode(out, 0, f));
}

TEST(Ibus, ReportWithInconsistentCountsIsRefused) {
  Frame f = make_report(1, sample_report());
  f.payload[1] = 17;  // more cells than a report can carry
  Report r;
  EXPECT_FALSE(parse_report(f, r));
  f = make_report(1, sample_report());
  f.length = static_cast<std::uint8_t>(f.length - 1);
  EXPECT_FALSE(parse_report(f, r));
}

}  // namespace
}  // namespace stacksim::fw::ibus
