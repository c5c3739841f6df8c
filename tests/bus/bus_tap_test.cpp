// The taps of CanBus and Rs485Line (what the bus logs record): once per
// frame or burst that receivers get, with the same time and bytes.
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "bus/can_bus.hpp"
#include "bus/rs485_line.hpp"
#include "can_reference.hpp"

namespace stacksim::bus {
namespace {

using test::make_frame;
using test::reference_frame_bits;

struct Tapped {
  std::uint32_t id;
  std::int64_t end_ns;
  std::size_t sender;
  bool operator==(const Tapped&) const = default;
};

TEST(CanBusTap, SeesEachCompletedFrameOnceWithItsSenderAndEnd) {
  CanBus bus("pcs");
  std::vector<std::int64_t> received_end;
  bus.attach("bms", [&](const CanFrame&, std::int64_t end_ns) { received_end.push_back(end_ns); });
  bus.attach("pcs", [&](const CanFrame&, std::int64_t end_ns) { received_end.push_back(end_ns); });
  bus.attach("sniffer", nullptr);
  std::vector<Tapped> tapped;
  bus.add_tap([&](const CanFrame& f, std::int64_t end_ns, std::size_t sender) {
    // Before the receiver of this frame (one with a callback per frame).
    EXPECT_EQ(received_end.size(), tapped.size());
    tapped.push_back({f.id, end_ns, sender});
  });
  const CanFrame a = make_frame(0x351, 8);
  const CanFrame b = make_frame(0x305, 8);
  bus.send(0, a, 0);
  bus.send(1, b, 0);  // lower id: wins arbitration
  bus.advance(1'000'000);
  const std::int64_t end_b = reference_frame_bits(b) * 2000;  // 500 kbit/s
  const std::int64_t end_a = end_b + reference_frame_bits(a) * 2000;
  EXPECT_EQ(tapped, (std::vector<Tapped>{{0x305, end_b, 1}, {0x351, end_a, 0}}));
  EXPECT_EQ(received_end, (std::vector<std::int64_t>{end_b, end_a}));
}

TEST(CanBusTap, DoesNotSeeFailedAttemptsAndCanBeRemoved) {
  CanBus bus("pcs");
  bus.attach("a", nullptr);
  bus.attach("b", nullptr);
  bus.attach("c", nullptr);  // still listens once "a" is bus-off
  int first = 0;
  int second = 0;
  const std::size_t h = bus.add_tap([&](const CanFrame&, std::int64_t, std::size_t) { ++first; });
  bus.add_tap([&](const CanFrame&, std::int64_t, std::size_t) { ++second; });
  bus.set_transmit_fault(0, true);
  bus.send(0, make_frame(0x100, 8), 0);
  bus.advance(10'000'000);  // error frames only, until bus-off
  EXPECT_EQ(bus.error_state(0), CanBus::ErrorState::kBusOff);
  EXPECT_GT(bus.stats().error_frames, 0u);
  EXPECT_EQ(first, 0);
  bus.send(1, make_frame(0x101, 1), 10'000'000);
  bus.advance(20'000'000);
  EXPECT_EQ(first, 1);
  bus.remove_tap(h);
  bus.send(1, make_frame(0x102, 1), 20'000'000);
  bus.advance(30'000'000);
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 2);
  EXPECT_EQ(bus.stats().frames, 2u);
}

struct Burst {
  std::size_t sender;
  std::vector<std::uint8_t> bytes;
  std::int64_t start_ns, end_ns;
  bool corrupted;
  bool operator==(const Burst&) const = default;
};

TEST(Rs485Tap, SeesDeliveredBurstsWithTheirFinalCorruptedFlag) {
  Rs485Line line("link", 115200, 10);
  std::vector<std::vector<std::uint8_t>> received;
  line.attach("pack1", nullptr);
  line.attach("pack2", nullptr);
  line.attach("pack3", [&](const std::uint8_t* d, std::size_t n, bool, std::int64_t) {
    received.emplace_back(d, d + n);
  });
  std::vector<Burst> tapped;
  line.add_tap([&](const Rs485Line::BurstView& b) {
    tapped.push_back({b.sender, std::vector<std::uint8_t>(b.data, b.data + b.len), b.start_ns, b.end_ns, b.corrupted});
  });
  const std::uint8_t hello[] = {0x7E, 0x01, 0x02};
  line.write(0, hello, 3, 0);
  line.advance(1'000'000);
  // 3 bytes x 10 bits at 115200 baud: 30 / 115200 s = 260416.67 ns, rounded down.
  ASSERT_EQ(tapped.size(), 1u);
  EXPECT_EQ(tapped[0], (Burst{0, {0x7E, 0x01, 0x02}, 0, 260416, false}));

  // Two drivers at once: the second write makes both corrupted after the fact.
  const std::uint8_t ff[] = {0xFF, 0xFF};
  const std::uint8_t zero[] = {0x00, 0x00};
  line.write(0, ff, 2, 2'000'000);
  line.write(1, zero, 2, 2'000'000);
  line.advance(3'000'000);
  ASSERT_EQ(tapped.size(), 3u);
  EXPECT_TRUE(tapped[1].corrupted);
  EXPECT_TRUE(tapped[2].corrupted);
  // The tap shows what receivers read: the wired AND of both, 00 00.
  EXPECT_EQ(tapped[1].bytes, (std::vector<std::uint8_t>{0x00, 0x00}));
  EXPECT_EQ(received[1], tapped[1].bytes);
  EXPECT_EQ(line.node_name(1), "pack2");
}

}  // namespace
}  // namespace stacksim::bus
