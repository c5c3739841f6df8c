// Link fault "delay" through the whole plant (src/sim/plant.cpp with
// link_delay.cpp, switched by the fault injector from a timeline event): the
// instant a board's firmware is handed each CAN frame or RS485 burst, against
// the instant the frame ended on the wire as the bus's own tap saw it.
//
// The boards run a probe firmware that only listens and logs what it gets;
// a log line is stamped with the board's clock, which the plant sets to the
// delivery instant, so the log is an exact record of deliveries in
// nanoseconds. A test node on the bus sends numbered frames at chosen
// instants before, during and after the fault.
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "plant_fixture.hpp"
#include "scenario/fault_catalogue.hpp"
#include "scenario/timeline.hpp"
#include "sim/fault_injector.hpp"
#include "util/quantity.hpp"

namespace stacksim::sim::testing {
namespace {

// --- the probe firmware ------------------------------------------------------

struct Probe {
  const ssim_hal* hal;
};

void* probe_create(const ssim_hal* hal, const ssim_node_config*) {
  hal->write_output(hal->ctx, SSIM_OUT_POWER_HOLD, 1);  // stays on after the button
  return new Probe{hal};
}
void probe_destroy(void* instance) { delete static_cast<Probe*>(instance); }
void probe_tick(void*) {}
void probe_log(void* instance, const std::string& text) {
  const ssim_hal* hal = static_cast<Probe*>(instance)->hal;
  hal->log(hal->ctx, SSIM_LOG_INFO, text.c_str());
}
void probe_can(void* instance, std::uint16_t, const ssim_can_frame* frame) {
  probe_log(instance, "can " + std::to_string(frame->id));
}
void probe_rs485(void* instance, std::uint16_t, const std::uint8_t* data, std::size_t len) {
  probe_log(instance, "rs485 " + std::to_string(len > 0 ? data[0] : 0));
}

const ssim_firmware kProbe = {SSIM_HAL_ABI_VERSION, "delay-probe", "1", 10000, probe_create, probe_destroy,
                              probe_tick, probe_can, probe_rs485};

FirmwareChoice probe_on_packs() {
  FirmwareChoice choice;
  choice.pack = FirmwareImage{&kProbe, nullptr, "test", "", ""};
  return choice;
}

// --- the run -----------------------------------------------------------------

struct Delivery {
  std::uint32_t number;
  std::int64_t t_ns;
};

// What the probe on `board` logged as `kind` ("can", "rs485"), in order.
std::vector<Delivery> deliveries(const Plant& plant, std::size_t board, const std::string& kind) {
  std::vector<Delivery> out;
  for (const LogLine& l : plant.log()) {
    if (l.board != board || l.message.rfind(kind + " ", 0) != 0) continue;
    out.push_back({static_cast<std::uint32_t>(std::stoul(l.message.substr(kind.size() + 1))), l.t_ns});
  }
  return out;
}

// A "link" "delay" event as the timeline reader makes it from the file.
scenario::FaultEvent delay_event(std::size_t unit, const std::string& bus, const std::string& value,
                                 std::int64_t at_ns, std::int64_t for_ns) {
  scenario::FaultEvent e;
  e.name = "slow gateway";
  e.spec = scenario::find_fault("link");
  e.mode = scenario::find_mode(*e.spec, "delay");
  e.unit = unit;
  e.bus = bus;
  e.value = parse_quantity(value, Dimension::kTime)->value;
  e.at_ns = at_ns;
  e.for_ns = for_ns;
  return e;
}

// The fault: on from 1 s for 1 s. Frames: one before it, three during it,
// one sent 100 ms before its end (still in flight when it ends), one just
// after it (must wait behind that one) and one long after.
constexpr std::int64_t kOn_ns = s(1), kFor_ns = s(1);
const std::map<std::int64_t, std::vector<std::uint32_t>> kSendAt = {
    {ms(500), {1}}, {ms(1200), {2, 3}}, {ms(1500), {4}}, {ms(1900), {5}}, {ms(2050), {6}}, {ms(4500), {7}}};

// Starts the rig and steps it to 5 s with `event` switched by the fault
// injector as a run does, calling send(n, t) for every frame n of kSendAt at
// its instant t (a step boundary) before that step runs.
template <typename Send>
void run(PlantRig& rig, const scenario::FaultEvent& event, Send send) {
  const std::vector<scenario::FaultEvent> events = {event};
  FaultInjector faults(events, rig.physics(), &rig.plant());
  rig.start();
  while (rig.now_ns() < s(5)) {
    faults.apply_due(rig.now_ns());
    if (const auto due = kSendAt.find(rig.now_ns()); due != kSendAt.end()) {
      for (std::uint32_t n : due->second) send(n, rig.now_ns());
    }
    rig.step(physics::TerminalCommand::current(0.0));
  }
}

// When frame n must be handed over, from when it ended on the wire: delayed
// if it arrived while the fault was on; frame 6 arrives after the end but
// may not overtake frame 5; the others go straight through.
std::map<std::uint32_t, std::int64_t> expected_ns(const std::map<std::uint32_t, std::int64_t>& wire_end_ns,
                                                  std::int64_t delay_ns) {
  std::map<std::uint32_t, std::int64_t> t;
  for (const auto& [n, end] : wire_end_ns) {
    const bool during = end >= kOn_ns && end < kOn_ns + kFor_ns;
    t[n] = during ? end + delay_ns : end;
  }
  t[6] = std::max(wire_end_ns.at(6), t[5]);
  return t;
}

void expect_delivered(const std::vector<Delivery>& got, const std::map<std::uint32_t, std::int64_t>& expected) {
  ASSERT_EQ(got.size(), expected.size());
  std::uint32_t previous = 0;
  for (const Delivery& d : got) {
    EXPECT_EQ(d.number, previous + 1) << "out of order";  // 1, 2, ... 7
    previous = d.number;
    ASSERT_TRUE(expected.count(d.number));
    EXPECT_EQ(d.t_ns, expected.at(d.number)) << "frame " << d.number;
  }
}

TEST(LinkDelayInThePlant, ADelayedCanFrameReachesThePackExactlyTheDelayLaterInOrder) {
  PlantRig rig("gtx5000-x1", 0.5, 1, probe_on_packs());
  bus::CanBus& can = rig.plant().pcs_bus();
  const std::size_t tester = can.attach("tester", [](const bus::CanFrame&, std::int64_t) {});
  std::map<std::uint32_t, std::int64_t> wire_end_ns;
  can.add_tap([&](const bus::CanFrame& f, std::int64_t end_ns, std::size_t sender) {
    if (sender == tester) wire_end_ns[f.id] = end_ns;
  });
  run(rig, delay_event(1, "pcs", "300ms", kOn_ns, kFor_ns), [&](std::uint32_t n, std::int64_t t) {
    bus::CanFrame f;
    f.id = n;
    f.dlc = 8;
    ASSERT_EQ(can.send(tester, f, t), bus::CanBus::SendResult::kQueued);
  });
  ASSERT_EQ(wire_end_ns.size(), 7u);
  const std::size_t pack = rig.plant().master(0);
  ASSERT_TRUE(rig.plant().board(pack).powered());
  const auto expected = expected_ns(wire_end_ns, ms(300));
  // Frame 5 ended at ~1.9 s and is handed over 300 ms later, after the end;
  // frame 6 (~2.05 s) waits for it.
  ASSERT_GT(expected.at(5), kOn_ns + kFor_ns);
  ASSERT_GT(expected.at(6), wire_end_ns.at(6));
  expect_delivered(deliveries(rig.plant(), pack, "can"), expected);
  EXPECT_EQ(rig.plant().link_delay().lost(), 0u);
  EXPECT_EQ(rig.plant().link_delay().waiting(pack, true), 0u);
}

TEST(LinkDelayInThePlant, ADelayedRs485BurstReachesOnlyTheFaultyPackLate) {
  PlantRig rig("gtx5000-x2", 0.5, 1, probe_on_packs());
  // The probe does not code the chain: pack 2 is started by its own button.
  hw::Board& pack2 = rig.plant().board(rig.plant().master(1));
  pack2.set_breaker(true);
  pack2.press_button(0, rig.setup().start_hold_ns);
  bus::Rs485Line& line = rig.plant().rs485_line(0);
  ASSERT_EQ(line.name(), "link");
  const std::size_t tester = line.attach("tester", [](const std::uint8_t*, std::size_t, bool, std::int64_t) {});
  std::map<std::uint32_t, std::int64_t> wire_end_ns;
  line.add_tap([&](const bus::Rs485Line::BurstView& b) {
    if (b.sender == tester) wire_end_ns[b.data[0]] = b.end_ns;
  });
  run(rig, delay_event(2, "link", "2s", kOn_ns, kFor_ns), [&](std::uint32_t n, std::int64_t t) {
    const std::uint8_t burst[] = {static_cast<std::uint8_t>(n), 0x55, 0xAA, 0x00, 0x01, 0x02};
    line.write(tester, burst, sizeof burst, t);
  });
  ASSERT_EQ(wire_end_ns.size(), 7u);
  for (std::size_t unit = 0; unit < 2; ++unit) ASSERT_TRUE(rig.plant().board(rig.plant().master(unit)).powered());
  // Pack 1 hears every burst the instant it ends; pack 2 two seconds later
  // while the fault lasts, and burst 6 waits for burst 5 (due ~3.9 s).
  expect_delivered(deliveries(rig.plant(), rig.plant().master(0), "rs485"), expected_ns(wire_end_ns, 0));
  const auto expected = expected_ns(wire_end_ns, s(2));
  ASSERT_GT(expected.at(6), wire_end_ns.at(6) + s(1));
  expect_delivered(deliveries(rig.plant(), rig.plant().master(1), "rs485"), expected);
}

}  // namespace
}  // namespace stacksim::sim::testing
