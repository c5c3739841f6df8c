#include "bus/can_bus.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "can_reference.hpp"

namespace stacksim::bus {
namespace {

using test::make_frame;
using test::node_name;
using test::reference_frame_bits;

struct Heard {
  std::size_t receiver;
  std::uint32_t id;
  std::int64_t end_ns;
  bool operator==(const Heard&) const = default;
};

// A bus whose nodes append what they receive to one shared log.
struct Rig {
  explicit Rig(std::size_t nodes, std::uint32_t bitrate = 500000, std::size_t depth = 32) : bus("can0", bitrate, depth) {
    for (std::size_t i = 0; i < nodes; ++i) {
      bus.attach(node_name(i), [this, i](const CanFrame& f, std::int64_t end_ns) {
        log.push_back({i, f.id, end_ns});
      });
    }
  }
  std::vector<Heard> heard_by(std::size_t node) const {
    std::vector<Heard> out;
    for (const Heard& h : log) {
      if (h.receiver == node) out.push_back(h);
    }
    return out;
  }
  CanBus bus;
  std::vector<Heard> log;
};

constexpr std::int64_t kNsPerBitAt500k = 2000;

TEST(CanBus, FrameArrivesAfterItsBitsAt500kbps) {
  Rig rig(2);
  CanFrame f = make_frame(0x351, 8);
  f.data = {0x14, 0x02, 0x74, 0x0E, 0x74, 0x0E, 0xCC, 0x01};
  const std::int64_t start = 1'234'567;
  const std::int64_t end = start + reference_frame_bits(f) * kNsPerBitAt500k;
  ASSERT_EQ(rig.bus.send(0, f, start), CanBus::SendResult::kQueued);
  EXPECT_EQ(rig.bus.next_event_ns(), end);
  rig.bus.advance(end - 1);
  EXPECT_TRUE(rig.log.empty());
  rig.bus.advance(end);
  ASSERT_EQ(rig.log.size(), 1u);  // not echoed to the sender
  EXPECT_EQ(rig.log[0], (Heard{1, 0x351, end}));
  EXPECT_EQ(rig.bus.next_event_ns(), INT64_MAX);
  EXPECT_EQ(rig.bus.stats().frames, 1u);
  EXPECT_EQ(rig.bus.stats().bits, static_cast<std::uint64_t>(reference_frame_bits(f)));
  EXPECT_EQ(rig.bus.stats().busy_ns, end - start);
}

TEST(CanBus, DurationIsOneExactDivisionAtAnOddBitrate) {
  // 33.333 kbit/s: 30000.3 ns per bit, so per-bit rounding would drift.
  Rig rig(2, 33333);
  const CanFrame f = make_frame(0x7FF, 8, 0xFF);
  const std::int64_t bits = reference_frame_bits(f);
  rig.bus.send(0, f, 0);
  rig.bus.advance(1'000'000'000);
  ASSERT_EQ(rig.log.size(), 1u);
  EXPECT_EQ(rig.log[0].end_ns, bits * 1'000'000'000 / 33333);
}

TEST(CanBus, LowestIdentifierWinsArbitrationAmongThreeNodes) {
  Rig rig(4);  // node 3 only listens
  const CanFrame a = make_frame(0x300, 8, 0x11);
  const CanFrame b = make_frame(0x100, 8, 0x22);
  const CanFrame c = make_frame(0x200, 8, 0x33);
  rig.bus.send(0, a, 0);
  rig.bus.send(1, b, 0);
  rig.bus.send(2, c, 0);
  rig.bus.advance(10'000'000);
  const std::int64_t end_b = reference_frame_bits(b) * kNsPerBitAt500k;
  const std::int64_t end_c = end_b + reference_frame_bits(c) * kNsPerBitAt500k;
  const std::int64_t end_a = end_c + reference_frame_bits(a) * kNsPerBitAt500k;
  EXPECT_EQ(rig.heard_by(3), (std::vector<Heard>{{3, 0x100, end_b}, {3, 0x200, end_c}, {3, 0x300, end_a}}));
  // Every node except the sender hears every frame.
  EXPECT_EQ(rig.heard_by(0).size(), 2u);
  EXPECT_EQ(rig.heard_by(1).size(), 2u);
  EXPECT_EQ(rig.heard_by(2).size(), 2u);
}

TEST(CanBus, StandardBeatsExtendedAndDataBeatsRemoteOnEqualBaseId) {
  Rig rig(5);
  CanFrame remote = make_frame(0x100, 0);
  remote.rtr = true;
  const CanFrame data = make_frame(0x100, 1);  // one byte, so it is longer than the remote frame
  const CanFrame ext_same = make_frame(0x100u << 18, 0, 0, true);
  const CanFrame ext_lower = make_frame((0x0FFu << 18) | 0x3FFFF, 0, 0, true);
  rig.bus.send(0, ext_same, 0);
  rig.bus.send(1, remote, 0);
  rig.bus.send(2, data, 0);
  rig.bus.send(3, ext_lower, 0);
  rig.bus.advance(10'000'000);
  const auto h = rig.heard_by(4);
  ASSERT_EQ(h.size(), 4u);
  // Lower base id wins even though it is extended; then standard data,
  // standard remote, and the extended frame with the same base id last.
  std::int64_t end = reference_frame_bits(ext_lower) * kNsPerBitAt500k;
  EXPECT_EQ(h[0], (Heard{4, ext_lower.id, end}));
  end += reference_frame_bits(data) * kNsPerBitAt500k;
  EXPECT_EQ(h[1], (Heard{4, 0x100, end}));
  end += reference_frame_bits(remote) * kNsPerBitAt500k;
  EXPECT_EQ(h[2], (Heard{4, 0x100, end}));
  end += reference_frame_bits(ext_same) * kNsPerBitAt500k;
  EXPECT_EQ(h[3], (Heard{4, ext_same.id, end}));
}

TEST(CanBus, EqualArbitrationFieldsGoByNodeIndex) {
  Rig rig(2);
  const CanFrame f = make_frame(0x123, 1, 0xAA);
  rig.bus.send(1, f, 0);
  rig.bus.send(0, f, 0);
  rig.bus.advance(10'000'000);
  const std::int64_t one = reference_frame_bits(f) * kNsPerBitAt500k;
  // Node 0's copy goes first, so node 1 hears it first.
  EXPECT_EQ(rig.log, (std::vector<Heard>{{1, 0x123, one}, {0, 0x123, 2 * one}}));
}

TEST(CanBus, SaturatedBusQueuesFramesBackToBack) {
  constexpr std::size_t kSenders = 10;
  Rig rig(kSenders + 1);
  std::int64_t expected_end = 500;
  std::vector<std::int64_t> expected;
  for (std::size_t i = 0; i < kSenders; ++i) {
    const CanFrame f = make_frame(static_cast<std::uint32_t>(0x100 + i), 8, static_cast<std::uint8_t>(i * 37));
    rig.bus.send(i, f, 500);
    expected_end += reference_frame_bits(f) * kNsPerBitAt500k;
    expected.push_back(expected_end);
  }
  rig.bus.advance(expected_end);
  const auto h = rig.heard_by(kSenders);
  ASSERT_EQ(h.size(), kSenders);
  for (std::size_t i = 0; i < kSenders; ++i) EXPECT_EQ(h[i].end_ns, expected[i]) << i;
  EXPECT_EQ(rig.bus.stats().busy_ns, expected_end - 500);
}

TEST(CanBus, OneNodesQueueIsFifoAndHasADepth) {
  Rig rig(2, 500000, 3);
  EXPECT_EQ(rig.bus.send(0, make_frame(0x300, 0), 0), CanBus::SendResult::kQueued);
  EXPECT_EQ(rig.bus.send(0, make_frame(0x100, 0), 0), CanBus::SendResult::kQueued);
  EXPECT_EQ(rig.bus.send(0, make_frame(0x200, 0), 0), CanBus::SendResult::kQueued);
  EXPECT_EQ(rig.bus.send(0, make_frame(0x050, 0), 0), CanBus::SendResult::kQueueFull);
  rig.bus.advance(10'000'000);
  const auto h = rig.heard_by(1);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].id, 0x300u);
  EXPECT_EQ(h[1].id, 0x100u);
  EXPECT_EQ(h[2].id, 0x200u);
}

TEST(CanBus, FrameQueuedDuringATransmissionWaitsButThenWinsArbitration) {
  Rig rig(4);
  const CanFrame first = make_frame(0x400, 8);
  const CanFrame waiting = make_frame(0x300, 8);
  const CanFrame urgent = make_frame(0x001, 8);
  rig.bus.send(0, first, 0);
  rig.bus.send(1, waiting, 0);  // 0x400 < 0x300 is false: this one goes first
  rig.bus.advance(20'000);      // mid-frame: arbitration at 0 is decided
  rig.bus.send(2, urgent, 20'000);
  rig.bus.advance(10'000'000);
  const auto h = rig.heard_by(3);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].id, 0x300u);
  EXPECT_EQ(h[1].id, 0x001u);
  EXPECT_EQ(h[2].id, 0x400u);
  EXPECT_EQ(h[1].end_ns, (reference_frame_bits(waiting) + reference_frame_bits(urgent)) * kNsPerBitAt500k);
}

TEST(CanBus, FrameQueuedAtTheArbitrationInstantTakesPart) {
  // The step loop: the bus is advanced to T, where a frame ends, then the
  // nodes run at T and queue frames at T. Everything queued at T, before or
  // after that advance, meets in the arbitration at T.
  Rig rig(4);
  const CanFrame first = make_frame(0x600, 0);
  const std::int64_t t = reference_frame_bits(first) * kNsPerBitAt500k;
  rig.bus.send(2, first, 0);
  rig.bus.send(0, make_frame(0x500, 0), t);
  rig.bus.advance(t);
  ASSERT_EQ(rig.heard_by(3).size(), 1u);
  rig.bus.send(1, make_frame(0x005, 0), t);
  rig.bus.advance(10'000'000);
  const auto h = rig.heard_by(3);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[1].id, 0x005u);
  EXPECT_EQ(h[2].id, 0x500u);
}

TEST(CanBus, ReplyFromAReceiveCallbackCompetesAtTheDeliveryInstant) {
  CanBus bus("can0");
  std::vector<Heard> log;
  std::size_t responder = 0;
  bus.attach("pcs", [&](const CanFrame& f, std::int64_t end_ns) { log.push_back({0, f.id, end_ns}); });
  responder = bus.attach("bms", [&](const CanFrame& f, std::int64_t end_ns) {
    log.push_back({1, f.id, end_ns});
    if (f.id == 0x305) bus.send(responder, make_frame(0x010, 2), end_ns);
  });
  bus.attach("logger", [&](const CanFrame& f, std::int64_t end_ns) { log.push_back({2, f.id, end_ns}); });
  const CanFrame poll = make_frame(0x305, 8);
  const std::int64_t poll_end = reference_frame_bits(poll) * kNsPerBitAt500k;
  bus.send(0, poll, 0);
  // The logger queues a low-priority frame for exactly the moment the poll ends.
  bus.send(2, make_frame(0x700, 1), poll_end);
  bus.advance(10'000'000);
  std::vector<Heard> at_logger;
  for (const Heard& h : log) {
    if (h.receiver == 2) at_logger.push_back(h);
  }
  const std::int64_t reply_end = poll_end + reference_frame_bits(make_frame(0x010, 2)) * kNsPerBitAt500k;
  ASSERT_EQ(at_logger.size(), 2u);
  EXPECT_EQ(at_logger[1], (Heard{2, 0x010, reply_end}));
  // The 0x700 frame lost the arbitration at poll_end and follows the reply.
  EXPECT_EQ(log.back().id, 0x700u);
  EXPECT_EQ(log.back().end_ns, reply_end + reference_frame_bits(make_frame(0x700, 1)) * kNsPerBitAt500k);
}

TEST(CanBus, IdleBusReportsNoEventAndAdvanceChangesNothing) {
  Rig rig(3);
  EXPECT_EQ(rig.bus.next_event_ns(), INT64_MAX);
  for (std::int64_t t = 0; t < 1'000'000'000; t += 10'000'000) rig.bus.advance(t);
  EXPECT_TRUE(rig.log.empty());
  EXPECT_EQ(rig.bus.stats().bits, 0u);
  EXPECT_EQ(rig.bus.node_count(), 3u);
  EXPECT_EQ(rig.bus.name(), "can0");
  EXPECT_EQ(rig.bus.bitrate_bps(), 500000u);
}

TEST(CanBus, SteppedAdvanceDeliversExactlyWhatOneBigAdvanceDoes) {
  const auto run = [](std::int64_t step_ns) {
    Rig rig(4, 500000, 64);
    for (int k = 0; k < 50; ++k) {
      const std::int64_t t = k * 170'000;
      for (std::size_t n = 0; n < 3; ++n) {
        rig.bus.send(n, make_frame(static_cast<std::uint32_t>(0x100 * (n + 1) + k), 8, static_cast<std::uint8_t>(k)), t);
      }
    }
    for (std::int64_t t = 0; t <= 100'000'000; t += step_ns) rig.bus.advance(t);
    return rig.log;
  };
  const auto big = run(100'000'000);
  EXPECT_EQ(big.size(), 50u * 3u * 3u);
  // Sends all happen before the first advance, so stepping only changes when
  // the bus is asked, never what happens.
  EXPECT_EQ(run(10'000'000), big);
  EXPECT_EQ(run(77'777), big);
}

// A babbling node (the link fault "babbling"): its frame goes out back to back,
// each one starting at the end of the previous one (plus the intermission
// counted in its bits), and a higher identifier never gets the bus until it
// stops; what it had queued is dropped.
TEST(CanBus, ABabblingNodeStarvesTheBusUntilItStops) {
  Rig rig(3);
  const CanFrame babble = make_frame(0x000, 8);
  const std::int64_t frame_ns = reference_frame_bits(babble) * kNsPerBitAt500k;
  ASSERT_EQ(rig.bus.send(0, make_frame(0x100, 8), 0), CanBus::SendResult::kQueued);
  rig.bus.set_babbling(0, &babble, 0);
  EXPECT_EQ(rig.bus.send(0, make_frame(0x101, 8), 0), CanBus::SendResult::kQueueFull);
  ASSERT_EQ(rig.bus.send(1, make_frame(0x351, 8), 0), CanBus::SendResult::kQueued);
  rig.bus.advance(100 * frame_ns);
  const auto at_two = rig.heard_by(2);
  ASSERT_EQ(at_two.size(), 100u);
  for (std::size_t k = 0; k < at_two.size(); ++k) EXPECT_EQ(at_two[k], (Heard{2, 0x000, static_cast<std::int64_t>(k + 1) * frame_ns}));
  rig.bus.set_babbling(0, nullptr, 100 * frame_ns);
  rig.bus.advance(102 * frame_ns);
  const auto after = rig.heard_by(2);
  ASSERT_EQ(after.size(), 101u);
  EXPECT_EQ(after.back().id, 0x351u);  // node 1's frame, queued all along
}

}  // namespace
}  // namespace stacksim::bus
