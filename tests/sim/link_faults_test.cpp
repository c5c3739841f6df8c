// Link faults of the plant's receivers (src/sim/link_faults.cpp): losses at
// their probability, one flipped bit per corrupted burst, every burst of a
// jammed line corrupted, and nothing touched without a fault.
#include "sim/link_faults.hpp"

#include <bit>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

namespace stacksim::sim {
namespace {

TEST(LinkFaults, LossHappensAtItsProbability) {
  LinkFaults f(1, {"a", "b"}, 1);
  f.set(0, true, 0.3, 0.0);
  const int n = 100000;
  int passed = 0;
  for (int i = 0; i < n; ++i) passed += f.pass_can(0) ? 1 : 0;
  EXPECT_NEAR(static_cast<double>(n - passed) / n, 0.3, 4.0 * std::sqrt(0.3 * 0.7 / n));
  EXPECT_EQ(f.lost(), static_cast<std::uint64_t>(n - passed));
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(f.pass_can(1));  // another board is untouched
}

TEST(LinkFaults, ACorruptedBurstDiffersInExactlyOneBit) {
  LinkFaults f(1, {"a"}, 1);
  f.set(0, false, 0.0, 1.0);
  const std::vector<std::uint8_t> sent = {0x7E, 0x01, 0x02, 0x03, 0xAA, 0x55};
  for (int k = 0; k < 200; ++k) {
    const std::uint8_t* got = f.pass_rs485(0, 0, sent.data(), sent.size());
    ASSERT_NE(got, nullptr);
    ASSERT_NE(got, sent.data());
    int flipped = 0;
    for (std::size_t i = 0; i < sent.size(); ++i) flipped += std::popcount(static_cast<unsigned>(got[i] ^ sent[i]));
    EXPECT_EQ(flipped, 1);
  }
  EXPECT_EQ(f.corrupted(), 200u);
}

TEST(LinkFaults, AJammedLineCorruptsEveryBurstOfEveryBoardOnIt) {
  LinkFaults f(1, {"a", "b"}, 2);
  const std::vector<std::uint8_t> sent = {1, 2, 3};
  EXPECT_EQ(f.pass_rs485(1, 0, sent.data(), sent.size()), sent.data());
  f.set_line_jammed(0, true);
  EXPECT_NE(f.pass_rs485(1, 0, sent.data(), sent.size()), sent.data());
  EXPECT_EQ(f.pass_rs485(1, 1, sent.data(), sent.size()), sent.data());  // the other line is clean
  f.set_line_jammed(0, false);
  EXPECT_EQ(f.pass_rs485(1, 0, sent.data(), sent.size()), sent.data());
}

TEST(LinkFaults, TheSameSeedGivesTheSameLosses) {
  LinkFaults a(7, {"x"}, 1), b(7, {"x"}, 1);
  a.set(0, true, 0.5, 0.0);
  b.set(0, true, 0.5, 0.0);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.pass_can(0), b.pass_can(0));
}

}  // namespace
}  // namespace stacksim::sim
