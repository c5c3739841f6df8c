#include "bus/rs485_line.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "can_reference.hpp"

namespace stacksim::bus {
namespace {

using test::node_name;

struct Got {
  std::size_t receiver;
  std::vector<std::uint8_t> data;
  bool corrupted;
  std::int64_t end_ns;
  bool operator==(const Got&) const = default;
};

struct Rig {
  Rig(std::size_t nodes, std::uint32_t baud = 115200, int bits_per_byte = 10) : line("rs485", baud, bits_per_byte) {
    for (std::size_t i = 0; i < nodes; ++i) {
      line.attach(node_name(i),
                  [this, i](const std::uint8_t* data, std::size_t len, bool corrupted, std::int64_t end_ns) {
                    log.push_back({i, std::vector<std::uint8_t>(data, data + len), corrupted, end_ns});
                  });
    }
  }
  void write(std::size_t node, const std::vector<std::uint8_t>& bytes, std::int64_t now_ns) {
    line.write(node, bytes.data(), bytes.size(), now_ns);
  }
  std::vector<Got> got_by(std::size_t node) const {
    std::vector<Got> out;
    for (const Got& g : log) {
      if (g.receiver == node) out.push_back(g);
    }
    return out;
  }
  Rs485Line line;
  std::vector<Got> log;
};

TEST(Rs485Line, TenBytesAt115200TakeTenTimesTenBitTimes) {
  Rig rig(3);
  const std::vector<std::uint8_t> msg = {0x7E, 0x32, 0x30, 0x30, 0x31, 0x34, 0x36, 0x34, 0x32, 0x0D};
  const std::int64_t start = 5'000'000;
  // 10 bytes * 10 bits / 115200 baud = 868.0555... us, one floor at the end.
  const std::int64_t end = start + 868'055;
  rig.write(0, msg, start);
  EXPECT_EQ(rig.line.next_event_ns(), end);
  rig.line.advance(end - 1);
  EXPECT_TRUE(rig.log.empty());
  rig.line.advance(end);
  EXPECT_EQ(rig.log, (std::vector<Got>{{1, msg, false, end}, {2, msg, false, end}}));
  EXPECT_EQ(rig.line.stats().bursts, 1u);
  EXPECT_EQ(rig.line.stats().bytes, 10u);
  EXPECT_EQ(rig.line.stats().collisions, 0u);
  EXPECT_EQ(rig.line.next_event_ns(), INT64_MAX);
}

TEST(Rs485Line, ElevenBitFramingAt9600) {
  Rig rig(2, 9600, 11);  // start + 8 + parity + stop
  rig.write(0, std::vector<std::uint8_t>(3, 0x55), 0);
  rig.line.advance(1'000'000'000);
  ASSERT_EQ(rig.log.size(), 1u);
  EXPECT_EQ(rig.log[0].end_ns, 3LL * 11 * 1'000'000'000 / 9600);  // 3.4375 ms
}

TEST(Rs485Line, OverlappingBurstsAreBothCorruptedAsTheWiredAndOfTheirBytes) {
  Rig rig(3);
  rig.write(0, {0xF0, 0x0F, 0xAA}, 1000);
  rig.write(1, {0x3C, 0xFF, 0x55}, 1000);
  rig.line.advance(1'000'000'000);
  const std::int64_t end = 1000 + 30LL * 1'000'000'000 / 115200;
  // Bytes on top of each other: each data bit is 0 if either driver sends 0.
  const std::vector<std::uint8_t> wire = {0xF0 & 0x3C, 0x0F & 0xFF, 0xAA & 0x55};
  // Equal end times: node 0's burst is delivered first.
  EXPECT_EQ(rig.got_by(2), (std::vector<Got>{{2, wire, true, end}, {2, wire, true, end}}));
  EXPECT_EQ(rig.got_by(0), (std::vector<Got>{{0, wire, true, end}}));
  EXPECT_EQ(rig.got_by(1), (std::vector<Got>{{1, wire, true, end}}));
  EXPECT_EQ(rig.line.stats().collisions, 1u);
  EXPECT_EQ(rig.line.stats().bursts, 2u);
}

// 100000 baud: 10 us per bit, so bursts can be offset by whole bits.
// A = FF FF from t = 0, B = FF from t = 5 bits. B's start bit (0) lies on A's
// bit 5 = A's data bit 4, so A's first byte reads 1110 1111 = 0xEF; B is idle
// (1) during A's second byte's data, which stays 0xFF. B's data bits 0..7 lie
// on A's bits 6..13; A's bit 10, the start bit (0) of A's second byte, lies
// under B's data bit 4: B reads 1110 1111 = 0xEF too.
TEST(Rs485Line, PartlyOverlappingBurstsAreCombinedBitByBit) {
  Rig rig(3, 100000, 10);
  rig.write(0, {0xFF, 0xFF}, 0);
  rig.write(1, {0xFF}, 50'000);
  rig.line.advance(1'000'000);
  EXPECT_EQ(rig.got_by(2), (std::vector<Got>{{2, {0xEF}, true, 150'000}, {2, {0xEF, 0xFF}, true, 200'000}}));
  EXPECT_EQ(rig.line.stats().collisions, 1u);
}

TEST(Rs485Line, BackToBackBurstsFromOneNodeDoNotCollide) {
  Rig rig(2);
  const std::int64_t one = 20LL * 1'000'000'000 / 115200;  // 2 bytes
  rig.write(0, {0x01, 0x02}, 0);
  rig.write(0, {0x03, 0x04}, 0);  // the driver is busy: starts when the first ends
  rig.line.advance(1'000'000);
  EXPECT_EQ(rig.log, (std::vector<Got>{{1, {0x01, 0x02}, false, one}, {1, {0x03, 0x04}, false, 2 * one}}));
  EXPECT_EQ(rig.line.stats().collisions, 0u);
}

TEST(Rs485Line, BurstsThatOnlyTouchAreIndependent) {
  Rig rig(3);
  const std::int64_t one = 10LL * 1'000'000'000 / 115200;
  rig.write(0, {0xAB}, 0);
  rig.write(1, {0xCD}, one);  // starts exactly when A's stop bit ends
  rig.line.advance(1'000'000);
  EXPECT_EQ(rig.got_by(2), (std::vector<Got>{{2, {0xAB}, false, one}, {2, {0xCD}, false, 2 * one}}));
  EXPECT_EQ(rig.line.stats().collisions, 0u);
}

TEST(Rs485Line, ReplyWrittenFromACallbackStartsWhenTheRequestEnds) {
  Rs485Line line("link");
  std::vector<std::pair<std::vector<std::uint8_t>, std::int64_t>> at_master;
  const std::size_t master = line.attach("master", [&](const std::uint8_t* d, std::size_t n, bool, std::int64_t end) {
    at_master.emplace_back(std::vector<std::uint8_t>(d, d + n), end);
  });
  std::size_t slave = 0;
  slave = line.attach("slave", [&](const std::uint8_t* d, std::size_t n, bool, std::int64_t end) {
    std::vector<std::uint8_t> reply(d, d + n);
    reply.push_back(0x99);
    line.write(slave, reply.data(), reply.size(), end);
  });
  const std::uint8_t request[] = {0x01, 0x03};
  line.write(master, request, 2, 0);
  line.advance(10'000'000);
  const std::int64_t req_end = 20LL * 1'000'000'000 / 115200;
  ASSERT_EQ(at_master.size(), 1u);
  EXPECT_EQ(at_master[0].first, (std::vector<std::uint8_t>{0x01, 0x03, 0x99}));
  EXPECT_EQ(at_master[0].second, req_end + 30LL * 1'000'000'000 / 115200);
}

TEST(Rs485Line, UnpluggedNodeNeitherSendsNorReceives) {
  Rig rig(3);
  rig.line.set_attached(1, false);
  rig.write(1, {0x11, 0x22}, 0);  // into the unplugged cable
  rig.write(0, {0x33}, 0);        // overlaps in time, but node 1 is not on the line
  rig.line.advance(1'000'000);
  const std::int64_t one = 10LL * 1'000'000'000 / 115200;
  EXPECT_EQ(rig.log, (std::vector<Got>{{2, {0x33}, false, one}}));
  EXPECT_EQ(rig.line.stats().collisions, 0u);
  EXPECT_EQ(rig.line.stats().bursts, 1u);

  // Plugged back: its driver was busy for its two bytes, then it is heard.
  rig.line.set_attached(1, true);
  rig.log.clear();
  rig.write(1, {0x44}, 1000);
  rig.line.advance(2'000'000);
  const std::int64_t end = 20LL * 1'000'000'000 / 115200 + one;
  EXPECT_EQ(rig.log, (std::vector<Got>{{0, {0x44}, false, end}, {2, {0x44}, false, end}}));
}

}  // namespace
}  // namespace stacksim::bus
