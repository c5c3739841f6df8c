// The fast can_attempt_bits() (src/bus/can_attempt_bits.cpp) gives the same
// counts as walking the unstuffed stream bit by bit with can_stuff_bits(),
// and as the naive string model of can_reference.hpp.
#include <random>

#include <gtest/gtest.h>

#include "bus/can_bits.hpp"
#include "can_reference.hpp"

namespace stacksim::bus {
namespace {

CanAttemptBits bit_by_bit(const CanFrame& f) {
  const CanBitStream s = can_bit_stream(f);
  const std::span<const std::uint8_t> bits(s.bits.data(), static_cast<std::size_t>(s.count));
  const int total = s.count + can_stuff_bits(bits);
  const int arbitration = s.arbitration_end + can_stuff_bits(bits, static_cast<std::size_t>(s.arbitration_end));
  return CanAttemptBits{total + kCanTrailerBits + kCanIntermissionBits,
                        arbitration + kCanErrorFrameBits + kCanIntermissionBits,
                        total + 2 + kCanErrorFrameBits + kCanIntermissionBits};
}

void expect_same(const CanFrame& f) {
  const CanAttemptBits fast = can_attempt_bits(f);
  const CanAttemptBits slow = bit_by_bit(f);
  ASSERT_EQ(fast.success, slow.success) << std::hex << f.id << " dlc " << int{f.dlc};
  ASSERT_EQ(fast.bit_error, slow.bit_error) << std::hex << f.id;
  ASSERT_EQ(fast.ack_error, slow.ack_error) << std::hex << f.id;
}

TEST(CanAttemptBits, MatchesTheBitByBitCountOnRandomFrames) {
  std::mt19937_64 rng(31);
  for (int i = 0; i < 200000; ++i) {
    CanFrame f;
    f.extended = (rng() & 1) != 0;
    f.id = static_cast<std::uint32_t>(rng() & (f.extended ? 0x1FFFFFFF : 0x7FF));
    f.rtr = rng() % 8 == 0;
    f.dlc = static_cast<std::uint8_t>(rng() % 16);
    // Long runs are where stuffing happens: mostly 00 / FF bytes half the time.
    const bool runs = (rng() & 1) != 0;
    for (auto& b : f.data) b = static_cast<std::uint8_t>(runs ? ((rng() & 1) != 0 ? 0xFF : 0x00) ^ (rng() % 17 == 0) : rng());
    expect_same(f);
  }
}

TEST(CanAttemptBits, MatchesOnEveryStandardIdAndTheExtremes) {
  for (std::uint32_t id = 0; id <= 0x7FF; ++id) {
    for (const std::uint8_t fill : std::initializer_list<std::uint8_t>{0x00, 0xFF, 0x55, 0xF0}) {
      expect_same(test::make_frame(id, 8, fill));
      expect_same(test::make_frame(id, static_cast<std::uint8_t>(id % 16), fill));
    }
  }
  for (const std::uint32_t id : {0u, 0x1FFFFFFFu, 0x15555555u, 0x0AAAAAAAu, 0x1F000000u}) {
    for (std::uint8_t dlc = 0; dlc <= 15; ++dlc) {
      expect_same(test::make_frame(id, dlc, 0x00, true));
      expect_same(test::make_frame(id, dlc, 0xFF, true));
    }
  }
  const CanFrame f = test::make_frame(0x351, 8, 0xAA);
  EXPECT_EQ(can_attempt_bits(f).success, test::reference_frame_bits(f));
}

}  // namespace
}  // namespace stacksim::bus
