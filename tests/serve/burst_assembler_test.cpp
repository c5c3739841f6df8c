// Bursts from outside cut by the idle gap (serve/burst_assembler.hpp).
#include "serve/burst_assembler.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace stacksim::serve {
namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr std::int64_t kMs = 1'000'000;

TEST(BurstAssembler, TheGapIsModbusT35) {
  // 3.5 characters of 10 bits at 9600 baud: 35 bits = 3.645833 ms, rounded up.
  EXPECT_EQ(BurstAssembler::idle_gap_ns(9600, 10), 3'645'834);
  EXPECT_EQ(BurstAssembler::idle_gap_ns(19200, 11), 2'005'209);
  // Above 19200 baud Modbus fixes it at 1.75 ms.
  EXPECT_EQ(BurstAssembler::idle_gap_ns(115200, 10), 1'750'000);
  EXPECT_EQ(BurstAssembler::idle_gap_ns(921600, 10), 1'750'000);
}

TEST(BurstAssembler, BytesCloserThanTheGapAreOneBurstReleasedOnlyAfterTheGap) {
  BurstAssembler a(2 * kMs);
  const Bytes first = {0x7E, 0x01}, second = {0x01, 0x00, 0xAB, 0xCD};
  a.add(first.data(), first.size(), 10 * kMs);
  a.add(second.data(), second.size(), 11 * kMs);  // 1 ms later: the same frame, cut by a read
  EXPECT_TRUE(a.take(12 * kMs).empty());           // 1 ms of quiet: it may go on
  EXPECT_TRUE(a.take(13 * kMs - 1).empty());
  const auto bursts = a.take(13 * kMs);
  ASSERT_EQ(bursts.size(), 1u);
  EXPECT_EQ(bursts[0], (Bytes{0x7E, 0x01, 0x01, 0x00, 0xAB, 0xCD}));
  EXPECT_TRUE(a.take(100 * kMs).empty());
}

TEST(BurstAssembler, AGapSeparatesBurstsEvenWhenTakenTogether) {
  BurstAssembler a(2 * kMs);
  const Bytes p = {1, 2, 3}, q = {4, 5}, r = {6};
  a.add(p.data(), p.size(), 0);
  a.add(q.data(), q.size(), 2 * kMs);  // exactly the gap: a new burst
  a.add(r.data(), r.size(), 3 * kMs);
  const auto bursts = a.take(5 * kMs);
  ASSERT_EQ(bursts.size(), 2u);
  EXPECT_EQ(bursts[0], p);
  EXPECT_EQ(bursts[1], (Bytes{4, 5, 6}));
}

TEST(BurstAssembler, AnOverlongBurstIsCutAndCountedOnce) {
  BurstAssembler a(kMs);
  const Bytes big(BurstAssembler::kMaxBurstBytes - 1, 0x55), more(10, 0xAA);
  a.add(big.data(), big.size(), 0);
  a.add(more.data(), more.size(), 1);
  a.add(more.data(), more.size(), 2);
  const auto bursts = a.take(10 * kMs);
  ASSERT_EQ(bursts.size(), 1u);
  EXPECT_EQ(bursts[0].size(), BurstAssembler::kMaxBurstBytes);
  EXPECT_EQ(bursts[0].back(), 0xAA);
  EXPECT_EQ(a.cut(), 1u);
}

TEST(BurstAssembler, TooManyWaitingBurstsAreDroppedAndCounted) {
  BurstAssembler a(kMs);
  const std::uint8_t b = 0x42;
  const std::size_t n = BurstAssembler::kMaxBursts + 5;
  for (std::size_t i = 0; i < n; ++i) a.add(&b, 1, static_cast<std::int64_t>(i) * 2 * kMs);
  const auto bursts = a.take(static_cast<std::int64_t>(n) * 2 * kMs);
  EXPECT_EQ(bursts.size(), BurstAssembler::kMaxBursts);
  EXPECT_EQ(a.dropped(), 5u);
  // Taking empties the queue: the next bursts are kept again.
  a.add(&b, 1, static_cast<std::int64_t>(n + 10) * 2 * kMs);
  EXPECT_EQ(a.take(static_cast<std::int64_t>(n + 20) * 2 * kMs).size(), 1u);
}

TEST(BurstAssembler, ArbitraryBytesNeverBreakIt) {
  BurstAssembler a(kMs);
  std::uint32_t x = 12345;
  std::size_t total = 0, taken = 0;
  for (int i = 0; i < 20000; ++i) {
    x = x * 1664525u + 1013904223u;
    Bytes chunk((x >> 24) % 200, static_cast<std::uint8_t>(x));
    a.add(chunk.data(), chunk.size(), i * 100'000LL);
    total += chunk.size();
    if (x % 7 == 0) {
      for (const Bytes& burst : a.take(i * 100'000LL)) taken += burst.size();
    }
  }
  for (const Bytes& burst : a.take(1'000'000 * kMs)) taken += burst.size();
  EXPECT_GT(a.cut(), 0u);
  EXPECT_LT(taken, total);
  EXPECT_GT(taken, 0u);
}

}  // namespace
}  // namespace stacksim::serve
