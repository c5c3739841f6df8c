// The inverter node on a real in-process CAN bus, with a scripted battery on
// the other end: communication timeout and resumption, misbehaviour windows,
// the report's counters. Times are simulated; the expected instants follow
// from the frame times the test itself chooses.
#include "inverter/inverter.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "frames.hpp"
#include "protocol/codec.hpp"

namespace stacksim::inverter {
namespace {

constexpr std::int64_t kStep_ns = 10'000'000;
constexpr std::int64_t kSecond_ns = 1'000'000'000;
constexpr double kVolts = 51.2;

using testing::raw;

class Rig {
 public:
  explicit Rig(const char* protocol, scenario::InverterSetup setup = {}) {
    Diagnostics diags;
    const ProfileInfo* info = find_profile(protocol);
    const std::string path = std::string(STACKSIM_DATA_DIR) + "/models/dbc/" + info->dbc_file;
    dbc_ = std::make_unique<protocol::Dbc>(*protocol::Dbc::load(path, diags));
    battery_ = bus_.attach("battery", [this](const bus::CanFrame& f, std::int64_t t) { heard.push_back({f, t}); });
    InverterConfig c;
    c.profile = info;
    c.dbc = dbc_.get();
    c.dbc_label = path;
    c.setup = std::move(setup);
    c.one_c_A = 100.0;
    c.start_epoch_s = 1767225600;
    c.seed = 7;
    inverter = Inverter::create(c, bus_, diags);
    EXPECT_TRUE(inverter) << diags.format();
  }

  // Steps to `until_ns`; `battery` may send frames at each step's start; the
  // terminals do what the command says at kVolts (a stiff battery).
  void run(std::int64_t until_ns, const physics::TerminalCommand& demand,
           const std::function<void(std::int64_t)>& battery = {}) {
    while (now_ns < until_ns) {
      if (battery) battery(now_ns);
      const physics::TerminalCommand c = inverter->command(now_ns, kStep_ns, demand);
      commands.push_back(c);
      bus_.advance(now_ns + kStep_ns);
      physics::TerminalResult r;
      r.voltage_V = kVolts;
      r.current_A = c.mode == physics::TerminalCommand::Mode::kVoltage ? c.current_limit_A : c.current_A;
      r.current_limited = true;
      inverter->after_step(now_ns, kStep_ns, r);
      now_ns += kStep_ns;
    }
  }
  void send(const bus::CanFrame& f, std::int64_t t) { bus_.send(battery_, f, t); }
  // Pylon LV limits (CVL 56.8 V, CCL 50 A, DCL 80 A, DVL 46 V) and both enables, every second.
  std::function<void(std::int64_t)> pylon_lv_battery(std::int64_t from_ns, std::int64_t to_ns) {
    return [this, from_ns, to_ns](std::int64_t t) {
      if (t < from_ns || t >= to_ns || t % kSecond_ns != 0) return;
      send(raw(0x351, false, {0x38, 0x02, 0xF4, 0x01, 0x20, 0x03, 0xCC, 0x01}), t);
      send(raw(0x35C, false, {0xC0, 0x00}), t);
    };
  }
  std::size_t heard_between(std::int64_t a, std::int64_t b, std::uint32_t id) const {
    std::size_t n = 0;
    for (const auto& h : heard) n += h.t_ns >= a && h.t_ns < b && h.f.id == id ? 1 : 0;
    return n;
  }

  struct Heard {
    bus::CanFrame f;
    std::int64_t t_ns;
  };
  std::vector<Heard> heard;
  std::vector<physics::TerminalCommand> commands;
  std::unique_ptr<Inverter> inverter;
  std::int64_t now_ns = 0;
  const protocol::Dbc& dbc() const { return *dbc_; }

 private:
  std::unique_ptr<protocol::Dbc> dbc_;
  bus::CanBus bus_{"pcs"};
  std::size_t battery_ = 0;
};

scenario::Misbehaviour window(scenario::MisbehaviourKind kind, std::int64_t from_ns, std::int64_t to_ns) {
  scenario::Misbehaviour m;
  m.kind = kind;
  m.window = {from_ns, to_ns};
  return m;
}

TEST(Inverter, StopsAfterTheTimeoutAndResumesWhenTheBatterySpeaksAgain) {
  scenario::InverterSetup setup;
  setup.comm_timeout_ns = 5 * kSecond_ns;
  Rig rig("pylon-lv", setup);
  const auto battery = rig.pylon_lv_battery(0, 10 * kSecond_ns);
  const auto charge = physics::TerminalCommand::current(20.0);
  rig.run(2 * kSecond_ns, charge, battery);
  EXPECT_TRUE(rig.inverter->comm_ok());
  EXPECT_EQ(rig.commands.back().mode, physics::TerminalCommand::Mode::kVoltage);
  EXPECT_DOUBLE_EQ(rig.commands.back().voltage_V, 56.8);
  EXPECT_NEAR(rig.commands.back().current_limit_A, 20.0, 1e-9);
  // The last frames start at 9 s and end within the next millisecond; the
  // timeout expires 5 s after their end, at the step starting 14.01 s.
  rig.run(14 * kSecond_ns + kStep_ns, charge, battery);
  EXPECT_TRUE(rig.inverter->comm_ok());
  rig.run(14 * kSecond_ns + 2 * kStep_ns, charge, battery);
  EXPECT_FALSE(rig.inverter->comm_ok());
  EXPECT_EQ(rig.commands.back().current_A, 0.0);
  EXPECT_EQ(rig.inverter->last_limiter(), Limiter::kCommLost);
  // The battery speaks again at 20 s: the step after it resumes.
  const auto again = rig.pylon_lv_battery(20 * kSecond_ns, 30 * kSecond_ns);
  rig.run(20 * kSecond_ns + kStep_ns, charge, again);
  EXPECT_FALSE(rig.inverter->comm_ok());
  rig.run(20 * kSecond_ns + 2 * kStep_ns, charge, again);
  EXPECT_TRUE(rig.inverter->comm_ok());
  const InverterReport r = rig.inverter->report();
  EXPECT_EQ(r.comm_losses, 1);
  EXPECT_EQ(r.comm_lost_ns, 20 * kSecond_ns + kStep_ns - (14 * kSecond_ns + kStep_ns));
  EXPECT_EQ(r.frames_decoded, 2u * 10 + 2);
  EXPECT_EQ(r.first_heard_ns > 0 && r.first_heard_ns < kStep_ns, true);
  // Energy at 51.2 V: 20 A for the steps that charged.
  std::size_t charging = 0;
  for (const auto& c : rig.commands) charging += c.mode == physics::TerminalCommand::Mode::kVoltage ? 1 : 0;
  EXPECT_NEAR(r.charged_Wh, static_cast<double>(charging) * 20.0 * kVolts * 0.01 / 3600.0, 1e-9);
}

TEST(Inverter, BeforeTheBatteryIsHeardNothingFlowsAndNoTimeoutIsCounted) {
  Rig rig("pylon-lv");
  rig.run(3 * kSecond_ns, physics::TerminalCommand::current(-10.0));
  for (const auto& c : rig.commands) EXPECT_EQ(c.current_A, 0.0);
  const InverterReport r = rig.inverter->report();
  EXPECT_EQ(r.comm_losses, 0);
  EXPECT_EQ(r.comm_lost_ns, 0);
  EXPECT_EQ(r.first_heard_ns, -1);
  EXPECT_EQ(r.frames_sent, 3u);  // keep-alives at 0, 1, 2 s
}

TEST(Inverter, SilentWindowSendsNothingButKeepsListening) {
  scenario::InverterSetup setup;
  setup.misbehaviour.push_back(window(scenario::MisbehaviourKind::kSilent, 2 * kSecond_ns, 5 * kSecond_ns));
  Rig rig("pylon-lv", setup);
  rig.run(7 * kSecond_ns, physics::TerminalCommand::current(10.0), rig.pylon_lv_battery(0, 7 * kSecond_ns));
  EXPECT_EQ(rig.heard_between(0, 2 * kSecond_ns, 0x305), 2u);
  EXPECT_EQ(rig.heard_between(2 * kSecond_ns, 5 * kSecond_ns, 0x305), 0u);
  EXPECT_EQ(rig.heard_between(5 * kSecond_ns, 7 * kSecond_ns, 0x305), 2u);
  EXPECT_TRUE(rig.inverter->comm_ok());
  EXPECT_EQ(rig.inverter->report().frames_sent, 4u);
}

TEST(Inverter, MalformedFramesComeAtTheirRateAndAreBroken) {
  scenario::InverterSetup setup;
  auto m = window(scenario::MisbehaviourKind::kMalformedFrames, 2 * kSecond_ns, 3 * kSecond_ns);
  m.every_ns = 100'000'000;
  setup.misbehaviour.push_back(m);
  Rig rig("pylon-lv", setup);
  rig.run(4 * kSecond_ns, physics::TerminalCommand::current(0.0));
  EXPECT_EQ(rig.inverter->report().bad_frames_sent, 10u);
  std::size_t bad = 0;
  for (const auto& h : rig.heard) {
    const bool keep_alive = h.f.id == 0x305 && h.f.dlc == 8 && h.f.data == std::array<std::uint8_t, 8>{};
    if (keep_alive) continue;
    ++bad;
    EXPECT_GE(h.t_ns, 2 * kSecond_ns);
    EXPECT_LT(h.t_ns, 3 * kSecond_ns + kSecond_ns / 100);
    EXPECT_FALSE(h.f.extended);
    // Broken: a DLC other than 8, an id the DBC does not know, or junk in 0x305.
    const bool known = rig.dbc().find(h.f.id, false) != nullptr;
    EXPECT_TRUE(h.f.dlc != 8 || !known || h.f.id == 0x305) << std::hex << h.f.id;
  }
  EXPECT_EQ(bad, 10u);
  EXPECT_EQ(rig.inverter->report().frames_sent, 4u + 10u);
}

TEST(Inverter, OutOfRangeFramesOfPylonHv) {
  scenario::InverterSetup setup;
  setup.misbehaviour.push_back(window(scenario::MisbehaviourKind::kOutOfRange, kSecond_ns, 4 * kSecond_ns));
  Rig rig("pylon-hv", setup);
  rig.run(5 * kSecond_ns, physics::TerminalCommand::current(0.0));
  // One per second: 0x4200 request 7, 0x8210 garbage, 0x4200 request 0xFF.
  EXPECT_EQ(rig.inverter->report().bad_frames_sent, 3u);
  const protocol::Message* poll = rig.dbc().find("PCS_Request");
  std::vector<double> requests;
  for (const auto& h : rig.heard) {
    if (h.f.id == 0x4200) requests.push_back(*protocol::decode(*poll, "Request", h.f));
  }
  // Polls at 0..4 s (0, 2, 0, 2, 0) with the bad ones at 1 s and 3 s.
  EXPECT_EQ(requests, (std::vector<double>{0, 2, 7, 0, 2, 255, 0}));
  EXPECT_EQ(rig.heard_between(2 * kSecond_ns, 3 * kSecond_ns, 0x8210), 1u);
}

TEST(Inverter, WrongAddressMissesTheBatteryAndTimesOut) {
  scenario::InverterSetup setup;
  setup.comm_timeout_ns = 3 * kSecond_ns;
  auto m = window(scenario::MisbehaviourKind::kWrongAddress, 2 * kSecond_ns, 100 * kSecond_ns);
  m.address = 2;
  setup.misbehaviour.push_back(m);
  Rig rig("sofar-hv", setup);
  const auto battery = [&rig](std::int64_t t) {
    if (t % kSecond_ns == 0) rig.send(raw(0x35C, true, {0xC0, 0x00}), t);
  };
  rig.run(8 * kSecond_ns, physics::TerminalCommand::current(0.0), battery);
  const protocol::Message* inquiry = rig.dbc().find("PCS_RealtimeInquiry");
  for (const auto& h : rig.heard) {
    if (h.f.id != 0x605) continue;
    EXPECT_EQ(*protocol::decode(*inquiry, "TargetPack", h.f), h.t_ns < 2 * kSecond_ns ? 0.0 : 2.0);
  }
  const InverterReport r = rig.inverter->report();
  EXPECT_EQ(r.frames_decoded, 2u);             // 0 s and 1 s
  EXPECT_EQ(r.frames_other_address, 6u);       // 2 .. 7 s
  EXPECT_FALSE(rig.inverter->comm_ok());       // nothing of "its" battery since 1 s
  EXPECT_EQ(r.comm_losses, 1);
}

TEST(Inverter, IgnoringLimitsIsNotAViolationButCurrentAboveThemWhileObeyingIs) {
  scenario::InverterSetup setup;
  setup.misbehaviour.push_back(window(scenario::MisbehaviourKind::kIgnoreLimits, kSecond_ns, 6 * kSecond_ns));
  Rig rig("pylon-lv", setup);
  // 100 A asked; CCL is 50 A.
  rig.run(6 * kSecond_ns, physics::TerminalCommand::current(100.0), rig.pylon_lv_battery(0, 20 * kSecond_ns));
  InverterReport r = rig.inverter->report();
  EXPECT_EQ(r.limit_violations, 0);
  EXPECT_EQ(r.misbehaving_ns, 5 * kSecond_ns);
  EXPECT_DOUBLE_EQ(rig.commands.back().current_A, 100.0);
  // Obeying again, but the terminals still carry 100 A for 3 s (a battery
  // that does not follow): one violation, counted after 2 s.
  for (int i = 0; i < 300; ++i) {
    rig.inverter->command(rig.now_ns, kStep_ns, physics::TerminalCommand::current(100.0));
    physics::TerminalResult over;
    over.voltage_V = kVolts;
    over.current_A = 100.0;
    rig.inverter->after_step(rig.now_ns, kStep_ns, over);
    rig.now_ns += kStep_ns;
  }
  r = rig.inverter->report();
  EXPECT_EQ(r.limit_violations, 1);
  EXPECT_EQ(r.violation_ns, kSecond_ns);
}

TEST(Inverter, SiteDemandChargesThePvSurplus) {
  scenario::InverterSetup setup;
  setup.demand = scenario::InverterSetup::Demand::kSite;
  setup.site.load.points = {{0, 500.0}};
  setup.site.pv.points = {{0, 1524.0}};
  Rig rig("pylon-lv", setup);
  rig.run(3 * kSecond_ns, physics::TerminalCommand::current(-99.0), rig.pylon_lv_battery(0, 10 * kSecond_ns));
  // 1024 W surplus at 51.2 V: 20 A (the profile's -99 A is not used).
  EXPECT_NEAR(rig.commands.back().current_limit_A, 20.0, 1e-9);
  EXPECT_TRUE(rig.inverter->has_site());
  EXPECT_NEAR(rig.inverter->grid_W(), 0.0, 1e-9);
}

}  // namespace
}  // namespace stacksim::inverter
