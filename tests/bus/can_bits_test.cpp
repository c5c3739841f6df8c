#include "bus/can_bits.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "can_reference.hpp"
#include "util/rng.hpp"

namespace stacksim::bus {
namespace {

using test::make_frame;
using test::reference_bits;
using test::reference_frame_bits;
using test::stuff;

std::string as_string(const CanBitStream& s) {
  std::string out;
  for (int i = 0; i < s.count; ++i) out += s.bits[static_cast<std::size_t>(i)] ? '1' : '0';
  return out;
}

CanFrame random_frame(Rng& rng) {
  CanFrame f;
  f.extended = (rng.next_u64() & 1u) != 0;
  f.id = static_cast<std::uint32_t>(rng.next_u64()) & (f.extended ? 0x1FFFFFFFu : 0x7FFu);
  f.rtr = rng.next_u64() % 8 == 0;
  f.dlc = static_cast<std::uint8_t>(rng.next_u64() % 9);
  // Mostly runs of equal bits, which is where stuffing happens, some noise.
  for (auto& b : f.data) {
    const auto pick = rng.next_u64() % 4;
    b = pick == 0 ? 0x00 : pick == 1 ? 0xFF : static_cast<std::uint8_t>(rng.next_u64());
  }
  return f;
}

// Hand-worked: id 0, DLC 8, eight zero bytes. Unstuffed: SOF + 11 id + RTR +
// IDE + r0 = 15 zeros, DLC 1000, 64 zeros, CRC, then 13 fixed bits:
// 1 + 11 + 3 + 4 + 64 + 15 + 13 = 111. Stuffing: the 15 leading zeros take a
// stuff bit after every 5 (3, the last one a '1'); that '1' and the DLC's '1'
// make a run of 2; DLC's '000' + the first 2 data zeros make 5 (1 more); the
// remaining 62 zeros take 12; the CRC 0x145B = 001010001011011 has no run of
// 5 (its leading 00 joins the 2 left-over data zeros: 4). 3+1+12 = 16 -> 127.
TEST(CanBits, AllZeroEightByteStandardFrameIsWorkedOutByHand) {
  const CanFrame f = make_frame(0x000, 8, 0x00);
  EXPECT_EQ(can_bit_stream(f).count, 98);
  EXPECT_EQ(can_frame_bits_unstuffed(f), 111);
  EXPECT_EQ(can_frame_bits(f), 127);
  const CanBitStream s = can_bit_stream(f);
  const std::span<const std::uint8_t> covered(s.bits.data(), static_cast<std::size_t>(s.crc_begin));
  EXPECT_EQ(can_crc15(covered), 0x145B);
}

// Id 0x7FF, DLC 0: SOF 0, eleven 1s, RTR/IDE/r0 000, DLC 0000, then the CRC
// 0x272F = 010011100101111. The eleven 1s go out as 11111 [0] 11111 [0] 1;
// the seven zeros after them as 00000 [1] 00; the CRC then holds no run of
// five (its leading 0 makes three zeros, its trailing 1111 is four).
// 3 stuff bits: 47 + 3 = 50.
TEST(CanBits, Id7ffWithoutDataIsWorkedOutByHand) {
  const CanFrame f = make_frame(0x7FF, 0);
  EXPECT_EQ(can_frame_bits_unstuffed(f), 47);
  EXPECT_EQ(can_frame_bits(f), 50);
  EXPECT_EQ(can_frame_bits(f), reference_frame_bits(f));
}

// Values from an independent Python implementation (polynomial division CRC,
// string stuffing), run once when writing these tests.
TEST(CanBits, PinnedFramesAgreeWithAnIndependentImplementation) {
  struct Case {
    CanFrame f;
    int stuffed;
    std::uint16_t crc;
  };
  CanFrame pylontech = make_frame(0x351, 8);
  pylontech.data = {0x14, 0x02, 0x74, 0x0E, 0x74, 0x0E, 0xCC, 0x01};
  CanFrame remote_ext = make_frame(0x12345678, 0, 0, true);
  remote_ext.rtr = true;
  CanFrame two = make_frame(0x123, 2);
  two.data[0] = 0xAA;
  two.data[1] = 0x55;
  const std::vector<Case> cases = {
      {make_frame(0x7FF, 8, 0xFF), 126, 0x4C89},
      {make_frame(0x1FFFFFFF, 8, 0x00, true), 151, 0x7DA3},
      {pylontech, 116, 0x4EED},
      {remote_ext, 69, 0x1F52},
      {make_frame(0x000, 0), 53, 0x0000},
      {two, 65, 0x4099},
  };
  for (const Case& c : cases) {
    const CanBitStream s = can_bit_stream(c.f);
    const std::span<const std::uint8_t> covered(s.bits.data(), static_cast<std::size_t>(s.crc_begin));
    EXPECT_EQ(can_crc15(covered), c.crc) << std::hex << c.f.id;
    EXPECT_EQ(can_frame_bits(c.f), c.stuffed) << std::hex << c.f.id;
  }
}

TEST(CanBits, UnstuffedLengthsFollowTheFrameFormats) {
  for (std::uint8_t n = 0; n <= 8; ++n) {
    EXPECT_EQ(can_frame_bits_unstuffed(make_frame(0x123, n)), 47 + 8 * n);
    EXPECT_EQ(can_frame_bits_unstuffed(make_frame(0x123456, n, 0, true)), 67 + 8 * n);
  }
  CanFrame remote = make_frame(0x123, 8);
  remote.rtr = true;  // a remote frame carries its DLC but no data
  EXPECT_EQ(can_frame_bits_unstuffed(remote), 47);
  // DLC 9..15 is sent as is and means 8 bytes.
  EXPECT_EQ(can_frame_bits_unstuffed(make_frame(0x123, 15)), 47 + 64);
}

TEST(CanBits, BitStreamAndCrcMatchTheReferenceForManyFrames) {
  Rng rng(7, "tests/bus/can_bits");
  for (int i = 0; i < 2000; ++i) {
    const CanFrame f = random_frame(rng);
    const CanBitStream s = can_bit_stream(f);
    const test::ReferenceBits r = reference_bits(f);
    ASSERT_EQ(as_string(s), r.all) << i;
    ASSERT_EQ(s.arbitration_end, static_cast<int>(r.arbitration.size()));
    ASSERT_EQ(can_frame_bits(f), reference_frame_bits(f)) << i;
  }
}

// Davis, Burns, Bril, Lukkien (2007), eq. (3): at most
// g + 8n + 13 + floor((g + 8n - 1) / 4) bits with g = 34 (standard) or 54
// (extended); 13 = the unstuffed trailer and intermission.
TEST(CanBits, RandomFramesStayWithinTheWorstCaseStuffingBound) {
  Rng rng(11, "tests/bus/can_bits/davis");
  int longest_standard_8 = 0;
  for (int i = 0; i < 20000; ++i) {
    const CanFrame f = random_frame(rng);
    const int n = f.rtr ? 0 : f.dlc;
    const int g = f.extended ? 54 : 34;
    const int bits = can_frame_bits(f);
    ASSERT_LE(bits, g + 8 * n + 13 + (g + 8 * n - 1) / 4) << i;
    ASSERT_GE(bits, g + 8 * n + 13) << i;
    if (!f.extended && n == 8) longest_standard_8 = std::max(longest_standard_8, bits);
  }
  EXPECT_GT(longest_standard_8, 111);  // stuffing really happened
}

TEST(CanBits, StandardEightByteFrameIsBetween111And135Bits) {
  Rng rng(3, "tests/bus/can_bits/111-135");
  for (int i = 0; i < 5000; ++i) {
    CanFrame f = make_frame(static_cast<std::uint32_t>(rng.next_u64() & 0x7FFu), 8);
    for (auto& b : f.data) b = static_cast<std::uint8_t>(rng.next_u64());
    const int bits = can_frame_bits(f);
    ASSERT_GE(bits, 111);
    ASSERT_LE(bits, 135);
  }
}

TEST(CanBits, StuffBitAfterTheLastCrcBitIsCounted) {
  // A stream that ends in five equal bits gets a stuff bit after them.
  const std::vector<std::uint8_t> ends_in_run = {0, 1, 1, 1, 1, 1};
  EXPECT_EQ(can_stuff_bits(ends_in_run), 1);
  EXPECT_EQ(can_stuff_bits(ends_in_run, 5), 0);
  // The stuff bit begins the next run: 0 0 0 0 0 [1] 1 1 1 1 [0].
  const std::vector<std::uint8_t> chain = {0, 0, 0, 0, 0, 1, 1, 1, 1};
  EXPECT_EQ(can_stuff_bits(chain), 2);
  EXPECT_EQ(static_cast<int>(stuff("000001111").size()) - 9, 2);
}

TEST(CanBits, AttemptLengthsCutTheStreamWhereTheErrorIsSignalled) {
  Rng rng(5, "tests/bus/can_bits/attempts");
  for (int i = 0; i < 500; ++i) {
    const CanFrame f = random_frame(rng);
    const test::ReferenceBits r = reference_bits(f);
    const CanAttemptBits a = can_attempt_bits(f);
    // Bit error: the wire bits through the arbitration field, then error flag
    // 6 + delimiter 8 + intermission 3.
    ASSERT_EQ(a.bit_error, static_cast<int>(stuff(r.arbitration).size()) + 17);
    // ACK error: through the ACK slot (CRC delimiter + slot), then 17 more.
    ASSERT_EQ(a.ack_error, static_cast<int>(stuff(r.all).size()) + 2 + 17);
    ASSERT_EQ(a.success, reference_frame_bits(f));
  }
}

TEST(CanBits, ArbitrationKeyOrdersLikeTheWire) {
  CanFrame std_data = make_frame(0x100, 0);
  CanFrame std_remote = std_data;
  std_remote.rtr = true;
  const CanFrame ext_same_base = make_frame(0x100u << 18, 0, 0, true);
  const CanFrame ext_lower_base = make_frame((0x0FFu << 18) | 0x3FFFF, 0, 0, true);
  EXPECT_LT(can_arbitration_key(std_data), can_arbitration_key(std_remote));
  EXPECT_LT(can_arbitration_key(std_remote), can_arbitration_key(ext_same_base));
  EXPECT_LT(can_arbitration_key(ext_lower_base), can_arbitration_key(std_data));
  EXPECT_LT(can_arbitration_key(make_frame(0x0FF, 0)), can_arbitration_key(std_data));
}

TEST(CanBits, ValidityChecksIdentifierWidthAndDlc) {
  EXPECT_TRUE(can_frame_valid(make_frame(0x7FF, 8)));
  EXPECT_FALSE(can_frame_valid(make_frame(0x800, 8)));
  EXPECT_TRUE(can_frame_valid(make_frame(0x1FFFFFFF, 8, 0, true)));
  EXPECT_FALSE(can_frame_valid(make_frame(0x20000000, 8, 0, true)));
  EXPECT_FALSE(can_frame_valid(make_frame(0x1, 16)));
}

}  // namespace
}  // namespace stacksim::bus
