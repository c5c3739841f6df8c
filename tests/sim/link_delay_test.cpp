// The link-delay queues (src/sim/link_delay.cpp) on their own: a frame is due
// exactly its delay after it arrived, never before; each board's frames leave
// in the order they came, also after the delay ends; a full queue loses and
// counts; an RS485 burst is copied, not referenced.
#include "sim/link_delay.hpp"

#include <cstdint>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

namespace stacksim::sim {
namespace {

constexpr std::int64_t kNothing = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMs = 1'000'000;

ssim_can_frame frame(std::uint32_t id) {
  ssim_can_frame f{};
  f.id = id;
  f.dlc = 1;
  f.data[0] = static_cast<std::uint8_t>(id);
  return f;
}

// Pops everything due up to t_ns: (id or first byte, due time), in order.
std::vector<std::pair<std::uint32_t, std::int64_t>> drain(LinkDelay& d, std::int64_t t_ns) {
  std::vector<std::pair<std::uint32_t, std::int64_t>> out;
  while (auto x = d.pop_due(t_ns)) out.emplace_back(x->can ? x->frame.id : x->bytes.at(0), x->due_ns);
  return out;
}

TEST(LinkDelay, AFrameIsDueExactlyItsDelayAfterItArrivedAndNotBefore) {
  LinkDelay d(2);
  EXPECT_FALSE(d.holds(0, true));
  EXPECT_EQ(d.next_due_ns(), kNothing);
  d.set(0, true, 300 * kMs);
  EXPECT_TRUE(d.holds(0, true));
  EXPECT_FALSE(d.holds(0, false));  // the board's RS485 port is not delayed
  EXPECT_FALSE(d.holds(1, true));   // nor is the other board
  const std::int64_t arrived = 1'000'000'123;
  d.hold_can(0, frame(0x351), arrived);
  EXPECT_EQ(d.next_due_ns(), 1'300'000'123);
  EXPECT_FALSE(d.pop_due(1'300'000'122));
  const auto got = d.pop_due(1'300'000'123);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->board, 0u);
  EXPECT_TRUE(got->can);
  EXPECT_EQ(got->frame.id, 0x351u);
  EXPECT_EQ(got->due_ns, 1'300'000'123);
  EXPECT_EQ(d.next_due_ns(), kNothing);
}

TEST(LinkDelay, FramesLeaveInTheOrderTheyArrived) {
  LinkDelay d(1);
  d.set(0, true, 50 * kMs);
  for (std::uint32_t id = 1; id <= 5; ++id) d.hold_can(0, frame(id), static_cast<std::int64_t>(id) * kMs);
  d.hold_can(0, frame(6), 5 * kMs);  // two at one instant: still first come, first served
  const auto out = drain(d, 1000 * kMs);
  const std::vector<std::pair<std::uint32_t, std::int64_t>> expected = {
      {1, 51 * kMs}, {2, 52 * kMs}, {3, 53 * kMs}, {4, 54 * kMs}, {5, 55 * kMs}, {6, 55 * kMs}};
  EXPECT_EQ(out, expected);
}

TEST(LinkDelay, AfterTheDelayEndsWhatIsInFlightArrivesWhenDueAndNothingOvertakesIt) {
  LinkDelay d(1);
  d.set(0, false, 2000 * kMs);
  const std::uint8_t a[] = {0xA1}, b[] = {0xB2}, c[] = {0xC3};
  d.hold_rs485(0, a, 1, 100 * kMs);  // due 2100 ms
  d.hold_rs485(0, b, 1, 900 * kMs);  // due 2900 ms
  d.set(0, false, 0);                // the fault ends at 1 s
  EXPECT_TRUE(d.holds(0, false));    // two still in flight
  d.hold_rs485(0, c, 1, 1000 * kMs);  // would be due at once, but waits behind b
  EXPECT_TRUE(drain(d, 2099 * kMs).empty());
  const std::vector<std::pair<std::uint32_t, std::int64_t>> expected = {
      {0xA1, 2100 * kMs}, {0xB2, 2900 * kMs}, {0xC3, 2900 * kMs}};
  EXPECT_EQ(drain(d, 3000 * kMs), expected);
  EXPECT_FALSE(d.holds(0, false));  // drained: what comes next goes straight through
  EXPECT_EQ(d.lost(), 0u);
}

TEST(LinkDelay, AShorterDelayDoesNotLetAFrameOvertake) {
  LinkDelay d(1);
  d.set(0, true, 500 * kMs);
  d.hold_can(0, frame(1), 0);  // due 500 ms
  d.set(0, true, 100 * kMs);
  d.hold_can(0, frame(2), 10 * kMs);   // 110 ms would overtake: due 500 ms
  d.hold_can(0, frame(3), 450 * kMs);  // 550 ms
  const std::vector<std::pair<std::uint32_t, std::int64_t>> expected = {
      {1, 500 * kMs}, {2, 500 * kMs}, {3, 550 * kMs}};
  EXPECT_EQ(drain(d, 1000 * kMs), expected);
}

TEST(LinkDelay, BoardsAreIndependentAndTiesGoInArrivalOrder) {
  LinkDelay d(3);
  d.set(0, true, 30 * kMs);
  d.set(2, true, 10 * kMs);
  d.hold_can(0, frame(10), 0);         // due 30 ms
  d.hold_can(2, frame(20), 20 * kMs);  // due 30 ms too, queued later
  d.hold_can(2, frame(21), 25 * kMs);  // due 35 ms
  EXPECT_EQ(d.waiting(0, true), 1u);
  EXPECT_EQ(d.waiting(2, true), 2u);
  EXPECT_EQ(d.waiting(1, true), 0u);
  // Equal due times are handed over in the order the frames were queued.
  const std::vector<std::pair<std::uint32_t, std::int64_t>> expected = {
      {10, 30 * kMs}, {20, 30 * kMs}, {21, 35 * kMs}};
  EXPECT_EQ(drain(d, 100 * kMs), expected);
}

TEST(LinkDelay, AFullQueueLosesWhatArrivesAndCountsIt) {
  LinkDelay d(2, 3);
  d.set(0, true, 100 * kMs);
  d.set(1, true, 100 * kMs);
  for (std::uint32_t id = 1; id <= 5; ++id) d.hold_can(0, frame(id), static_cast<std::int64_t>(id) * kMs);
  d.hold_can(1, frame(9), 0);  // another board's queue has room of its own
  EXPECT_EQ(d.lost(), 2u);
  EXPECT_EQ(d.waiting(0, true), 3u);
  ASSERT_TRUE(d.pop_due(100 * kMs));  // board 1's frame
  ASSERT_TRUE(d.pop_due(101 * kMs));  // board 0's first: room for one more
  d.hold_can(0, frame(6), 101 * kMs);
  EXPECT_EQ(d.lost(), 2u);
  const std::vector<std::pair<std::uint32_t, std::int64_t>> expected = {{2, 102 * kMs}, {3, 103 * kMs}, {6, 201 * kMs}};
  EXPECT_EQ(drain(d, 1000 * kMs), expected);
}

TEST(LinkDelay, ABurstIsCopiedWhenItIsQueued) {
  LinkDelay d(1);
  d.set(0, false, kMs);
  std::vector<std::uint8_t> line_buffer = {0x7E, 0x01, 0x02};
  d.hold_rs485(0, line_buffer.data(), line_buffer.size(), 0);
  line_buffer.assign({0xFF, 0xFF, 0xFF});  // the line reuses its buffer for the next burst
  const auto got = d.pop_due(kMs);
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->can);
  EXPECT_EQ(got->bytes, (std::vector<std::uint8_t>{0x7E, 0x01, 0x02}));
}

}  // namespace
}  // namespace stacksim::sim
