// Error confinement on the in-process CAN bus: transmit faults, ACK errors,
// error-passive, bus-off and recovery, unplugged nodes. Expected times are
// worked out from ISO 11898-1 bit counts with the test's own bit model.
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "bus/can_bus.hpp"
#include "can_reference.hpp"

namespace stacksim::bus {
namespace {

using test::make_frame;
using test::node_name;
using test::reference_bits;
using test::reference_frame_bits;
using test::stuff;
using State = CanBus::ErrorState;

constexpr std::int64_t kBit = 2000;  // ns at 500 kbit/s

// Through the arbitration field, then error flag 6 + delimiter 8 + intermission 3.
std::int64_t bit_error_bits(const CanFrame& f) {
  return static_cast<std::int64_t>(stuff(reference_bits(f).arbitration).size()) + 17;
}
// Through CRC delimiter and ACK slot, then the same 17.
std::int64_t ack_error_bits(const CanFrame& f) {
  return static_cast<std::int64_t>(stuff(reference_bits(f).all).size()) + 2 + 17;
}

struct Heard {
  std::size_t receiver;
  std::uint32_t id;
  std::int64_t end_ns;
  bool operator==(const Heard&) const = default;
};

struct Rig {
  explicit Rig(std::size_t nodes) : bus("can0") {
    for (std::size_t i = 0; i < nodes; ++i) add();
  }
  std::size_t add() {
    const std::size_t i = bus.node_count();
    return bus.attach(node_name(i), [this, i](const CanFrame& f, std::int64_t end_ns) {
      log.push_back({i, f.id, end_ns});
    });
  }
  CanBus bus;
  std::vector<Heard> log;
};

TEST(CanErrors, TransmitFaultMakesTheSenderPassiveAfter16AndBusOffAfter32) {
  Rig rig(3);
  const CanFrame f = make_frame(0x100, 8, 0x55);
  const std::int64_t e = bit_error_bits(f);
  rig.bus.set_transmit_fault(0, true);
  rig.bus.send(0, f, 0);

  // Error-active: retries follow each other with no gap, TEC += 8 each.
  rig.bus.advance(15 * e * kBit);
  EXPECT_EQ(rig.bus.tec(0), 120);
  EXPECT_EQ(rig.bus.error_state(0), State::kActive);
  EXPECT_EQ(rig.bus.rec(1), 15);
  rig.bus.advance(16 * e * kBit - 1);
  EXPECT_EQ(rig.bus.tec(0), 120);
  rig.bus.advance(16 * e * kBit);
  EXPECT_EQ(rig.bus.tec(0), 128);
  EXPECT_EQ(rig.bus.error_state(0), State::kPassive);

  // Error-passive: 8 bits of suspend transmission before every retry.
  EXPECT_EQ(rig.bus.next_event_ns(), (16 * e + 8 + e) * kBit);
  const std::int64_t off_ns = (32 * e + 16 * 8) * kBit;
  rig.bus.advance(off_ns - 1);
  EXPECT_EQ(rig.bus.tec(0), 248);
  EXPECT_EQ(rig.bus.error_state(0), State::kPassive);
  rig.bus.advance(off_ns);
  EXPECT_EQ(rig.bus.tec(0), 256);
  EXPECT_EQ(rig.bus.error_state(0), State::kBusOff);
  EXPECT_EQ(rig.bus.send(0, f, off_ns), CanBus::SendResult::kBusOff);

  // Receivers counted every error once and stay error-active.
  EXPECT_EQ(rig.bus.rec(1), 32);
  EXPECT_EQ(rig.bus.rec(2), 32);
  EXPECT_EQ(rig.bus.error_state(1), State::kActive);
  EXPECT_TRUE(rig.log.empty());
  EXPECT_EQ(rig.bus.stats().error_frames, 32u);
  EXPECT_EQ(rig.bus.stats().bits, static_cast<std::uint64_t>(32 * e));
  EXPECT_EQ(rig.bus.stats().frames, 0u);
  EXPECT_EQ(rig.bus.next_event_ns(), INT64_MAX);  // the queue went with bus-off
}

TEST(CanErrors, RecoveryTakes128Times11BitsAndTrafficResumes) {
  Rig rig(3);
  const CanFrame f = make_frame(0x100, 8, 0x55);
  rig.bus.set_transmit_fault(0, true);
  rig.bus.send(0, f, 0);
  rig.bus.advance(100'000'000);
  ASSERT_EQ(rig.bus.error_state(0), State::kBusOff);
  rig.bus.set_transmit_fault(0, false);

  const std::int64_t recover_at = 100'000'000;
  const std::int64_t active_at = recover_at + 128 * 11 * kBit;
  rig.bus.recover(0, recover_at);
  // Others keep talking during the recovery; a bus-off node hears nothing.
  const CanFrame other = make_frame(0x200, 4, 0x0F);
  rig.bus.send(1, other, recover_at);
  rig.bus.advance(active_at - 1);
  EXPECT_EQ(rig.log, (std::vector<Heard>{{2, 0x200, recover_at + reference_frame_bits(other) * kBit}}));
  EXPECT_EQ(rig.bus.error_state(0), State::kBusOff);
  EXPECT_EQ(rig.bus.send(0, f, active_at - 1), CanBus::SendResult::kBusOff);
  rig.bus.recover(0, active_at - 1);  // already recovering: does not restart
  EXPECT_EQ(rig.bus.next_event_ns(), active_at);

  rig.bus.advance(active_at);
  EXPECT_EQ(rig.bus.error_state(0), State::kActive);
  EXPECT_EQ(rig.bus.tec(0), 0);
  EXPECT_EQ(rig.bus.rec(0), 0);
  rig.log.clear();
  ASSERT_EQ(rig.bus.send(0, f, active_at), CanBus::SendResult::kQueued);
  rig.bus.advance(active_at + 1'000'000);
  const std::int64_t end = active_at + reference_frame_bits(f) * kBit;
  // Only the new frame: the one queued before bus-off was dropped.
  EXPECT_EQ(rig.log, (std::vector<Heard>{{1, 0x100, end}, {2, 0x100, end}}));
  // Receivers: 32 errors counted, then two good frames.
  EXPECT_EQ(rig.bus.rec(2), 30);
}

TEST(CanErrors, ErrorPassiveSenderSuspendsAndLetsOthersGoFirst) {
  Rig rig(3);
  const CanFrame urgent = make_frame(0x010, 8, 0xA5);
  const CanFrame lazy = make_frame(0x7F0, 8, 0x5A);
  const std::int64_t e = bit_error_bits(urgent);
  rig.bus.set_transmit_fault(0, true);
  rig.bus.send(0, urgent, 0);
  rig.bus.advance(16 * e * kBit);
  ASSERT_EQ(rig.bus.error_state(0), State::kPassive);
  rig.bus.set_transmit_fault(0, false);
  // Node 1 queued at the instant node 0's last error frame ended: node 0 must
  // wait 8 bits, so node 1 starts at once despite its higher identifier.
  rig.bus.send(1, lazy, 16 * e * kBit);
  rig.bus.advance(100'000'000);
  const std::int64_t lazy_end = (16 * e + reference_frame_bits(lazy)) * kBit;
  // After its successful frame node 0 is error-active again (TEC 127 < 128).
  const std::int64_t urgent_end = lazy_end + reference_frame_bits(urgent) * kBit;
  EXPECT_EQ(rig.log, (std::vector<Heard>{{0, 0x7F0, lazy_end}, {2, 0x7F0, lazy_end}, {1, 0x010, urgent_end}, {2, 0x010, urgent_end}}));
  EXPECT_EQ(rig.bus.tec(0), 127);
  EXPECT_EQ(rig.bus.error_state(0), State::kActive);
}

TEST(CanErrors, ErrorPassiveSenderAloneWaitsSuspendBitsBeforeItsNextFrame) {
  Rig rig(2);
  const CanFrame f = make_frame(0x123, 2, 0x33);
  const std::int64_t e = bit_error_bits(f);
  rig.bus.set_transmit_fault(0, true);
  rig.bus.send(0, f, 0);
  rig.bus.advance(16 * e * kBit);
  rig.bus.set_transmit_fault(0, false);
  rig.bus.advance(100'000'000);
  ASSERT_EQ(rig.log.size(), 1u);
  EXPECT_EQ(rig.log[0].end_ns, (16 * e + 8 + reference_frame_bits(f)) * kBit);
}

TEST(CanErrors, ReceiverBecomesPassiveAt128ReceiveErrorsAndComesBack) {
  Rig rig(6);  // nodes 0-3 faulty, 4 listens, 5 talks later
  for (std::size_t n = 0; n < 4; ++n) {
    rig.bus.set_transmit_fault(n, true);
    rig.bus.send(n, make_frame(static_cast<std::uint32_t>(0x100 + n), 1), 0);
  }
  rig.bus.advance(1'000'000'000);
  for (std::size_t n = 0; n < 4; ++n) ASSERT_EQ(rig.bus.error_state(n), State::kBusOff);
  EXPECT_EQ(rig.bus.rec(4), 4 * 32);
  EXPECT_EQ(rig.bus.error_state(4), State::kPassive);
  rig.bus.send(5, make_frame(0x200, 1), 1'000'000'000);
  rig.bus.advance(2'000'000'000);
  // ISO 11898-1: a good reception above 127 sets the REC into 119..127.
  EXPECT_LE(rig.bus.rec(4), 127);
  EXPECT_GE(rig.bus.rec(4), 119);
  EXPECT_EQ(rig.bus.error_state(4), State::kActive);
}

// Alone on the bus nobody ACKs: TEC += 8 per attempt until error-passive at
// 128, where the standard's exception stops the count, so the node retries
// forever (8 suspend bits between attempts) without going bus-off.
TEST(CanErrors, NodeAloneGetsAckErrorsAndStaysErrorPassiveAt128) {
  const CanFrame f = make_frame(0x351, 8, 0x42);
  const std::int64_t k = ack_error_bits(f);
  const std::int64_t passive_attempts = 100;
  const std::int64_t t_ns = (16 * k + passive_attempts * (k + 8)) * kBit;  // the end of an attempt

  const auto run = [&](std::int64_t step_ns) {
    Rig rig(1);
    rig.bus.send(0, f, 0);
    rig.bus.advance(16 * k * kBit - 1);
    EXPECT_EQ(rig.bus.tec(0), 120);
    for (std::int64_t t = 16 * k * kBit; t < t_ns; t += step_ns) rig.bus.advance(t);
    rig.bus.advance(t_ns);
    EXPECT_EQ(rig.bus.tec(0), 128);
    EXPECT_EQ(rig.bus.error_state(0), State::kPassive);
    EXPECT_EQ(rig.bus.stats().error_frames, static_cast<std::uint64_t>(16 + passive_attempts));
    EXPECT_EQ(rig.bus.stats().bits, static_cast<std::uint64_t>((16 + passive_attempts) * k));
    EXPECT_EQ(rig.bus.stats().busy_ns, (16 + passive_attempts) * k * kBit);
    // A listener arrives: the next attempt, after the suspend bits, succeeds.
    const std::size_t listener = rig.add();
    rig.bus.advance(t_ns + 10'000'000);
    EXPECT_EQ(rig.log, (std::vector<Heard>{{listener, 0x351, t_ns + (8 + reference_frame_bits(f)) * kBit}}));
    EXPECT_EQ(rig.bus.tec(0), 127);
    EXPECT_EQ(rig.bus.error_state(0), State::kActive);
    return rig.bus.stats().error_frames;
  };
  // One advance per attempt at most (50 us steps, attempts take > 250 us) and
  // one advance for all of them must agree.
  EXPECT_EQ(run(50'000), run(t_ns));
  run(10'000'000);
}

TEST(CanErrors, UnpluggedNodeNeitherSendsNorReceives) {
  Rig rig(3);
  rig.bus.set_attached(1, false);
  const CanFrame from0 = make_frame(0x100, 8, 0x01);
  const CanFrame from1 = make_frame(0x050, 8, 0x02);
  rig.bus.send(0, from0, 0);
  rig.bus.send(1, from1, 0);  // the controller does not know its cable is out
  rig.bus.advance(100'000'000);
  const std::int64_t end0 = reference_frame_bits(from0) * kBit;
  EXPECT_EQ(rig.log, (std::vector<Heard>{{2, 0x100, end0}}));
  // On its own cable stub node 1 meets ACK errors: error-passive, not bus-off,
  // and none of it shows on the real bus.
  EXPECT_EQ(rig.bus.tec(1), 128);
  EXPECT_EQ(rig.bus.error_state(1), State::kPassive);
  EXPECT_EQ(rig.bus.stats().error_frames, 0u);
  EXPECT_EQ(rig.bus.stats().bits, static_cast<std::uint64_t>(reference_frame_bits(from0)));

  // Plugged back in, its queued frame goes out at once and it recovers.
  rig.bus.set_attached(1, true);
  rig.bus.advance(200'000'000);
  const std::int64_t end1 = 100'000'000 + reference_frame_bits(from1) * kBit;
  EXPECT_EQ(rig.log, (std::vector<Heard>{{2, 0x100, end0}, {0, 0x050, end1}, {2, 0x050, end1}}));
  EXPECT_EQ(rig.bus.tec(1), 127);
  EXPECT_EQ(rig.bus.error_state(1), State::kActive);
}

TEST(CanErrors, UnpluggedReceiverLeavesTheSenderWithoutAck) {
  Rig rig(2);
  rig.bus.set_attached(1, false);
  rig.bus.send(0, make_frame(0x100, 0), 0);
  rig.bus.advance(100'000'000);
  EXPECT_TRUE(rig.log.empty());
  EXPECT_EQ(rig.bus.tec(0), 128);
  EXPECT_GT(rig.bus.stats().error_frames, 16u);
}

TEST(CanErrors, TransmitFaultWhileUnpluggedEndsInBusOff) {
  Rig rig(2);
  rig.bus.set_attached(0, false);
  rig.bus.set_transmit_fault(0, true);
  rig.bus.send(0, make_frame(0x100, 0), 0);
  rig.bus.advance(1'000'000'000);
  EXPECT_EQ(rig.bus.error_state(0), State::kBusOff);
  EXPECT_EQ(rig.bus.rec(1), 0);  // nothing of it reached node 1
}

}  // namespace
}  // namespace stacksim::bus
