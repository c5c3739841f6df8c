// One board with the real product data: power rules per product, the HAL's
// answers, actuators reaching physics, NVM across power cycles.
#include "hw/board.hpp"

#include <cstring>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "hw_fixture.hpp"

namespace stacksim::hw {
namespace {

using testing::make_rig;

constexpr std::int64_t kStep = 10'000'000;  // 10 ms
constexpr std::int64_t kSecond = 1'000'000'000;

// A GTX3000 string: BCU plus one board per module, as the owner wires them.
struct Hv {
  testing::Rig rig;
  std::unique_ptr<DcLink> link;
  std::unique_ptr<Board> bcu;
  std::vector<std::unique_ptr<Board>> modules;
  std::int64_t t = 0;

  explicit Hv(const std::string& system, std::size_t modules_override = 0) : rig(make_rig(system, modules_override)) {
    link = std::make_unique<DcLink>(rig.hardware.dc_link, *rig.physics);
    BoardWiring w{SSIM_ROLE_BCU, "string1/bcu", 0, std::nullopt, 0, nullptr, nullptr, 1'700'000'000};
    w.modules_in_string = static_cast<std::uint16_t>(rig.physics->branch(0).modules);
    bcu = std::make_unique<Board>(*rig.hardware.board(SSIM_ROLE_BCU), w, *rig.physics, link.get(), 1);
    for (std::size_t m = 0; m < rig.physics->branch(0).modules; ++m) {
      BoardWiring mw{SSIM_ROLE_MODULE, "string1/module" + std::to_string(m + 1), 0, m, 1, bcu.get(),
                     m == 0 ? bcu.get() : modules.back().get(), 0};
      modules.push_back(std::make_unique<Board>(*rig.hardware.board(SSIM_ROLE_MODULE), mw, *rig.physics, nullptr, 1));
    }
  }
  void step(physics::TerminalCommand cmd = physics::TerminalCommand::current(0.0)) {
    bcu->update(t, kStep);
    for (auto& m : modules) m->update(t, kStep);
    rig.physics->step(kStep, cmd);
    link->advance(kStep);
    t += kStep;
    bcu->sample(t);
    for (auto& m : modules) m->sample(t);
  }
  void run_for(std::int64_t ns) {
    const std::int64_t end = t + ns;
    while (t < end) step();
  }
};

struct Lv {
  testing::Rig rig;
  std::unique_ptr<DcLink> link;
  std::unique_ptr<Board> pack;
  std::int64_t t = 0;
  std::vector<std::pair<std::int64_t, bool>> power_events;

  explicit Lv(const std::string& system) : rig(make_rig(system)) {
    link = std::make_unique<DcLink>(rig.hardware.dc_link, *rig.physics);
    BoardWiring w{SSIM_ROLE_PACK, "pack1", 0, 0, 1, nullptr, nullptr, 0};
    pack = std::make_unique<Board>(*rig.hardware.board(SSIM_ROLE_PACK), w, *rig.physics, link.get(), 1);
    pack->on_power([this](std::int64_t at, bool on) { power_events.emplace_back(at, on); });
  }
  void step(physics::TerminalCommand cmd = physics::TerminalCommand::current(0.0)) {
    pack->update(t, kStep);
    rig.physics->step(kStep, cmd);
    link->advance(kStep);
    t += kStep;
    pack->sample(t);
  }
  void run_for(std::int64_t ns) {
    const std::int64_t end = t + ns;
    while (t < end) step();
  }
  const ssim_hal& hal() const { return *pack->hal(); }
};

// --- power rules ---------------------------------------------------------------

TEST(BoardPower, DcDcWindowEdgesFromTheManual) {
  auto rig = make_rig("gtx3000-h4");
  const SupplySpec& s = rig.hardware.board(SSIM_ROLE_BCU)->supply;
  PowerInputs in;
  in.breaker_closed = true;
  for (auto [v, on] : {std::pair{179.9, false}, {180.0, true}, {750.0, true}, {750.1, false}}) {
    in.string_V = v;
    EXPECT_EQ(supply_available(s, in), on) << v;
  }
  in.string_V = 400.0;
  in.breaker_closed = false;
  EXPECT_FALSE(supply_available(s, in));
  in.breaker_closed = true;
  in.supply_fault = true;
  EXPECT_FALSE(supply_available(s, in));
}

TEST(BoardPower, BcuNeedsTheBreakerAndModulesFollowTheBcu) {
  Hv hv("gtx3000-h4");
  const ssim_hal& hal = *hv.bcu->hal();
  hv.run_for(kSecond);
  EXPECT_FALSE(hv.bcu->powered());
  EXPECT_FALSE(hv.modules[2]->powered());
  hv.bcu->set_breaker(true);
  hv.step();
  ASSERT_GT(hv.rig.physics->branch_voltage_V(0), 180.0);
  EXPECT_TRUE(hv.bcu->powered());
  EXPECT_TRUE(hv.modules[2]->powered());  // same step: the BCU updates first
  EXPECT_EQ(hal.read_input(hal.ctx, SSIM_IN_BREAKER), 1);
  hv.bcu->set_supply_fault(true);
  hv.step();
  EXPECT_FALSE(hv.bcu->powered());
  EXPECT_FALSE(hv.modules[0]->powered());
}

TEST(BoardPower, BcuOfAStringBelow180VStaysOff) {
  Hv hv("gtx3000-h4", 3);  // 3 modules: ~158 V at half charge
  ASSERT_LT(hv.rig.physics->branch_voltage_V(0), 180.0);
  hv.bcu->set_breaker(true);
  hv.run_for(kSecond);
  EXPECT_FALSE(hv.bcu->powered());
  EXPECT_FALSE(hv.modules[0]->powered());
}

TEST(BoardPower, Lfp65WakeWindowEdgesAndPowerHold) {
  Lv lv("lfp65-x1");
  const ssim_hal& hal = lv.hal();
  for (auto [v, on] : {std::pair{44.9, false}, {45.0, true}, {60.0, true}, {60.1, false}}) {
    lv.pack->set_wake_voltage_V(v);
    lv.step();
    EXPECT_EQ(lv.pack->powered(), on) << v << " V";
  }
  // Woken, the firmware takes the hold; removing the wake keeps it on.
  lv.pack->set_wake_voltage_V(50.0);
  lv.step();
  ASSERT_TRUE(lv.pack->powered());
  EXPECT_EQ(hal.read_input(hal.ctx, SSIM_IN_WAKE), 1);
  hal.write_output(hal.ctx, SSIM_OUT_POWER_HOLD, 1);
  lv.pack->set_wake_voltage_V(0.0);
  lv.run_for(kSecond);
  EXPECT_TRUE(lv.pack->powered());
  EXPECT_EQ(hal.read_input(hal.ctx, SSIM_IN_WAKE), 0);
  // Letting go of the hold powers the board off at the next update.
  hal.write_output(hal.ctx, SSIM_OUT_POWER_HOLD, 0);
  const std::int64_t released = lv.t;
  lv.step();
  EXPECT_FALSE(lv.pack->powered());
  ASSERT_FALSE(lv.power_events.empty());
  EXPECT_EQ(lv.power_events.back(), std::make_pair(released, false));
  // Without a hold, power lasts only as long as the POWER button is held.
  lv.pack->press_button(lv.t + kSecond, lv.t + 3 * kSecond);
  lv.run_for(kSecond);
  EXPECT_FALSE(lv.pack->powered());
  lv.step();
  EXPECT_TRUE(lv.pack->powered());
  EXPECT_EQ(hal.read_input(hal.ctx, SSIM_IN_BUTTON), 1);
  lv.run_for(2 * kSecond);
  EXPECT_FALSE(lv.pack->powered());
}

TEST(BoardPower, Gtx5000StartButtonBootsItAndHoldKeepsIt) {
  Lv lv("gtx5000-x1");
  const ssim_hal& hal = lv.hal();
  EXPECT_EQ(hal.read_input(hal.ctx, SSIM_IN_WAKE), SSIM_E_RANGE);  // no wake input on a GTX5000
  EXPECT_EQ(hal.read_input(hal.ctx, SSIM_IN_BREAKER), SSIM_E_RANGE);
  lv.pack->set_wake_voltage_V(50.0);  // ignored: no wake input
  lv.pack->press_button(100 * kStep, 100 * kStep + 3500'000'000);
  lv.run_for(kSecond);
  EXPECT_FALSE(lv.pack->powered());
  lv.step();
  ASSERT_TRUE(lv.pack->powered());
  EXPECT_EQ(lv.pack->powered_since_ns(), 100 * kStep);
  hal.write_output(hal.ctx, SSIM_OUT_POWER_HOLD, 1);
  lv.run_for(10 * kSecond);
  EXPECT_TRUE(lv.pack->powered());
  EXPECT_EQ(hal.time_us(hal.ctx), static_cast<std::uint64_t>((lv.t - 100 * kStep) / 1000));
}

// --- HAL answers -----------------------------------------------------------------

TEST(BoardHal, NothingIsReadyBeforeTheFirstConversionAfterPowerOn) {
  Lv lv("gtx2500-x1");
  const ssim_hal& hal = lv.hal();
  lv.pack->press_button(0, kSecond);
  lv.pack->update(0, kStep);
  ASSERT_TRUE(lv.pack->powered());
  std::int32_t mV = 0, mA = 0;
  std::int16_t dC = 0;
  EXPECT_EQ(hal.cell_voltage_mV(hal.ctx, 0, &mV), SSIM_E_NOT_READY);
  EXPECT_EQ(hal.current_mA(hal.ctx, &mA), SSIM_E_NOT_READY);
  EXPECT_EQ(hal.temperature_dC(hal.ctx, 0, &dC), SSIM_E_NOT_READY);
  EXPECT_EQ(hal.cell_voltage_mV(hal.ctx, 16, &mV), SSIM_E_RANGE);
  EXPECT_EQ(hal.temperature_dC(hal.ctx, 4, &dC), SSIM_E_RANGE);
  lv.pack->sample(0);
  EXPECT_EQ(hal.cell_voltage_mV(hal.ctx, 15, &mV), SSIM_OK);
  EXPECT_NEAR(mV, 1000.0 * lv.rig.physics->group_voltage_V(15), 5.0);
  EXPECT_EQ(hal.current_mA(hal.ctx, &mA), SSIM_OK);
  EXPECT_EQ(hal.temperature_dC(hal.ctx, 3, &dC), SSIM_OK);
  EXPECT_NEAR(dC, 250, 15);
  EXPECT_EQ(hal.board_temperature_dC(hal.ctx, &dC), SSIM_OK);
  EXPECT_EQ(hal.voltage_mV(hal.ctx, SSIM_V_SUPPLY, &mV), SSIM_OK);
  EXPECT_NEAR(mV, 12000, 400);
}

TEST(BoardHal, CellReadingsAreHeldBetweenScans) {
  Lv lv("gtx5000-x1");
  const ssim_hal& hal = lv.hal();
  lv.pack->press_button(0, kSecond);
  lv.step();  // powered at 0, first scan at the sample of 10 ms
  hal.write_output(hal.ctx, SSIM_OUT_POS_CONTACTOR, 1);
  hal.write_output(hal.ctx, SSIM_OUT_NEG_CONTACTOR, 1);
  std::int32_t first = 0, now = 0;
  ASSERT_EQ(hal.cell_voltage_mV(hal.ctx, 7, &first), SSIM_OK);
  const double true_first = lv.rig.physics->group_voltage_V(7);
  // A 50 A discharge moves the cell by tens of mV at once; the reading waits
  // for the next scan (100 ms after power-on).
  for (int i = 0; i < 8; ++i) {
    lv.step(physics::TerminalCommand::current(-50.0));
    ASSERT_EQ(hal.cell_voltage_mV(hal.ctx, 7, &now), SSIM_OK);
    EXPECT_EQ(now, first) << lv.t;
  }
  ASSERT_TRUE(lv.rig.physics->branch_closed(0));
  ASSERT_LT(lv.rig.physics->group_voltage_V(7), true_first - 0.01);
  lv.step(physics::TerminalCommand::current(-50.0));  // t = 100 ms
  hal.cell_voltage_mV(hal.ctx, 7, &now);
  EXPECT_LT(now, first - 10);
  EXPECT_NEAR(now, 1000.0 * lv.rig.physics->group_voltage_V(7), 5.0);
}

TEST(BoardHal, BcuContactorsClosePhysicsAfterTheirTimeWithFeedback) {
  Hv hv("gtx3000-h4");
  const ssim_hal& hal = *hv.bcu->hal();
  hv.bcu->set_breaker(true);
  hv.step();
  ASSERT_TRUE(hv.bcu->powered());
  EXPECT_FALSE(hv.rig.physics->branch_closed(0));
  // Pre-charge first: negative + pre-charge relay.
  hal.write_output(hal.ctx, SSIM_OUT_NEG_CONTACTOR, 1);
  hal.write_output(hal.ctx, SSIM_OUT_PRECHARGE, 1);
  hv.run_for(500'000'000);
  EXPECT_TRUE(hv.bcu->precharge_path_closed());
  EXPECT_EQ(hal.read_input(hal.ctx, SSIM_IN_NEG_FEEDBACK), 1);
  EXPECT_EQ(hal.read_input(hal.ctx, SSIM_IN_POS_FEEDBACK), 0);
  std::int32_t link_mV = 0, bat_mV = 0;
  hal.voltage_mV(hal.ctx, SSIM_V_LINK, &link_mV);
  hal.voltage_mV(hal.ctx, SSIM_V_BATTERY, &bat_mV);
  EXPECT_NEAR(link_mV, bat_mV, 0.01 * bat_mV);  // 10 RC: charged
  const std::int64_t commanded = hv.t;
  hal.write_output(hal.ctx, SSIM_OUT_POS_CONTACTOR, 1);
  const std::int64_t close_ns = hv.bcu->contactor(SSIM_OUT_POS_CONTACTOR)->spec().close_ns;
  while (hv.t < commanded + close_ns) {
    EXPECT_FALSE(hv.rig.physics->branch_closed(0)) << hv.t;
    hv.step();
  }
  hv.step();
  EXPECT_TRUE(hv.rig.physics->branch_closed(0));
  EXPECT_EQ(hal.read_input(hal.ctx, SSIM_IN_POS_FEEDBACK), 1);
  EXPECT_EQ(hv.link->inrush_count(), 0u);
  // Current flows and the shunt sees it (+ = charge).
  for (int i = 0; i < 5; ++i) hv.step(physics::TerminalCommand::current(20.0));
  std::int32_t mA = 0;
  ASSERT_EQ(hal.current_mA(hal.ctx, &mA), SSIM_OK);
  EXPECT_NEAR(mA, 20000, 200);
  // Opening the breaker isolates the string and drops the BCU.
  hv.bcu->set_breaker(false);
  hv.step();
  EXPECT_FALSE(hv.rig.physics->branch_closed(0));
  EXPECT_FALSE(hv.bcu->powered());
}

TEST(BoardHal, ClosingWithoutPrechargeIsCountedAsInrush) {
  Hv hv("gtx3000-h4");
  const ssim_hal& hal = *hv.bcu->hal();
  hv.bcu->set_breaker(true);
  hv.step();
  hal.write_output(hal.ctx, SSIM_OUT_NEG_CONTACTOR, 1);
  hal.write_output(hal.ctx, SSIM_OUT_POS_CONTACTOR, 1);
  hv.run_for(100'000'000);
  EXPECT_TRUE(hv.rig.physics->branch_closed(0));
  EXPECT_EQ(hv.link->inrush_count(), 1u);
  EXPECT_GT(hv.link->peak_inrush_dV(), 180.0);
}

TEST(BoardHal, BlownFuseOpensTheBranchAndReportsIt) {
  Hv hv("gtx3000-h4");
  const ssim_hal& hal = *hv.bcu->hal();
  hv.bcu->set_breaker(true);
  hv.step();
  hal.write_output(hal.ctx, SSIM_OUT_NEG_CONTACTOR, 1);
  hal.write_output(hal.ctx, SSIM_OUT_POS_CONTACTOR, 1);
  hv.run_for(100'000'000);
  ASSERT_TRUE(hv.rig.physics->branch_closed(0));
  EXPECT_EQ(hal.read_input(hal.ctx, SSIM_IN_FUSE_OK), 1);
  hv.bcu->blow_fuse();
  hv.step();
  EXPECT_FALSE(hv.rig.physics->branch_closed(0));
  EXPECT_EQ(hal.read_input(hal.ctx, SSIM_IN_FUSE_OK), 0);
  EXPECT_TRUE(hv.bcu->powered());  // the DC/DC sits before the fuse (manual 8.1: "normal, but no output")
  // An over-current blows it by itself: 10 x rating clears in milliseconds.
  hv.bcu->replace_fuse();
  hv.step();
  ASSERT_TRUE(hv.rig.physics->branch_closed(0));
  for (int i = 0; i < 10 && hal.read_input(hal.ctx, SSIM_IN_FUSE_OK) == 1; ++i) {
    hv.step(physics::TerminalCommand::current(-630.0));
  }
  EXPECT_EQ(hal.read_input(hal.ctx, SSIM_IN_FUSE_OK), 0);
}

TEST(BoardHal, PowerLossReleasesEveryOutput) {
  Hv hv("gtx3000-h4");
  const ssim_hal& hal = *hv.bcu->hal();
  std::vector<std::pair<std::uint16_t, ssim_led_colour>> led_events;
  hv.bcu->on_led([&](std::int64_t, std::uint16_t led, ssim_led_colour c) { led_events.emplace_back(led, c); });
  hv.bcu->set_breaker(true);
  hv.step();
  hal.write_output(hal.ctx, SSIM_OUT_NEG_CONTACTOR, 1);
  hal.write_output(hal.ctx, SSIM_OUT_POS_CONTACTOR, 1);
  hal.write_output(hal.ctx, SSIM_OUT_DRY1, 1);
  hal.set_led(hal.ctx, 4, SSIM_LED_PURPLE);
  hal.set_led(hal.ctx, 4, SSIM_LED_PURPLE);  // no change, no event
  hal.set_led(hal.ctx, 5, SSIM_LED_RED);     // the BCU has L1-L5 only
  hv.run_for(100'000'000);
  ASSERT_TRUE(hv.rig.physics->branch_closed(0));
  EXPECT_TRUE(hv.bcu->output(SSIM_OUT_DRY1));
  EXPECT_EQ(hv.bcu->led(4), SSIM_LED_PURPLE);
  hv.bcu->set_supply_fault(true);
  hv.run_for(100'000'000);
  EXPECT_FALSE(hv.rig.physics->branch_closed(0));
  EXPECT_FALSE(hv.bcu->output(SSIM_OUT_DRY1));
  EXPECT_EQ(hv.bcu->led(4), SSIM_LED_OFF);
  const std::vector<std::pair<std::uint16_t, ssim_led_colour>> expected = {{4, SSIM_LED_PURPLE}, {4, SSIM_LED_OFF}};
  EXPECT_EQ(led_events, expected);
  EXPECT_EQ(hv.bcu->contactor(SSIM_OUT_POS_CONTACTOR)->operations_under_load(), 0u);
}

TEST(BoardHal, BalancingSwitchReachesPhysics) {
  Hv hv("gtx3000-h4");
  hv.bcu->set_breaker(true);
  hv.step();
  Board& m = *hv.modules[1];
  const ssim_hal& hal = *m.hal();
  const std::size_t g = hv.rig.physics->module(1).first_group + 3;
  hal.set_balancing(hal.ctx, 3, 1);
  EXPECT_FALSE(hv.rig.physics->balancing(g));  // applied at the next update
  hv.step();
  EXPECT_TRUE(hv.rig.physics->balancing(g));
  EXPECT_FALSE(hv.rig.physics->balancing(g - 1));
  EXPECT_FALSE(hv.rig.physics->balancing(hv.rig.physics->module(0).first_group + 3));
  hal.set_balancing(hal.ctx, 3, 0);
  hv.step();
  EXPECT_FALSE(hv.rig.physics->balancing(g));
  hal.set_balancing(hal.ctx, 15, 1);
  hv.step();
  EXPECT_TRUE(hv.rig.physics->balancing(g + 12));
  hv.bcu->set_breaker(false);  // the module loses its supply: switches open
  hv.step();
  EXPECT_FALSE(m.powered());
  EXPECT_FALSE(hv.rig.physics->balancing(g + 12));
}

TEST(BoardHal, AddressLineFollowsThePreviousBoardsOutput) {
  Hv hv("gtx3000-h4");
  hv.bcu->set_breaker(true);
  hv.step();
  const ssim_hal& bcu = *hv.bcu->hal();
  const ssim_hal& m1 = *hv.modules[0]->hal();
  const ssim_hal& m2 = *hv.modules[1]->hal();
  EXPECT_EQ(m1.read_input(m1.ctx, SSIM_IN_ADDRESS), 0);
  bcu.write_output(bcu.ctx, SSIM_OUT_ADDRESS, 1);
  EXPECT_EQ(m1.read_input(m1.ctx, SSIM_IN_ADDRESS), 1);
  EXPECT_EQ(m2.read_input(m2.ctx, SSIM_IN_ADDRESS), 0);
  hv.modules[0]->set_address_line_broken(true);
  EXPECT_EQ(m1.read_input(m1.ctx, SSIM_IN_ADDRESS), 0);
}

TEST(BoardHal, AbsentPartsAnswerRange) {
  Hv hv("gtx3000-h4");
  hv.bcu->set_breaker(true);
  hv.step();
  const ssim_hal& bcu = *hv.bcu->hal();
  const ssim_hal& mod = *hv.modules[0]->hal();
  std::int32_t v = 0;
  EXPECT_EQ(bcu.cell_voltage_mV(bcu.ctx, 0, &v), SSIM_E_RANGE);
  EXPECT_EQ(mod.current_mA(mod.ctx, &v), SSIM_E_RANGE);
  EXPECT_EQ(mod.voltage_mV(mod.ctx, SSIM_V_LINK, &v), SSIM_E_RANGE);
  EXPECT_EQ(mod.read_input(mod.ctx, SSIM_IN_BUTTON), SSIM_E_RANGE);
  EXPECT_EQ(mod.read_input(mod.ctx, SSIM_IN_FUSE_OK), SSIM_E_RANGE);
  const ssim_can_frame f{0x351, 0, 0, 8, {}};
  EXPECT_EQ(mod.can_send(mod.ctx, 0, &f), SSIM_E_RANGE);  // modules talk RS485 only
  EXPECT_EQ(bcu.can_send(bcu.ctx, 0, &f), SSIM_OK);       // no cable attached: lost
  const ssim_node_config c = hv.bcu->node_config("gtx3000", nullptr, 0);
  EXPECT_EQ(c.modules, 4);
  EXPECT_EQ(c.leds, 5);
  EXPECT_EQ(c.cell_channels, 0);
  const ssim_node_config mc = hv.modules[0]->node_config("gtx3000", nullptr, 0);
  EXPECT_EQ(mc.cell_channels, 16);
  EXPECT_EQ(mc.temp_sensors, 4);
}

TEST(BoardHal, CanAndRs485GoToTheAttachedLinks) {
  struct Can : CanPortLink {
    std::vector<ssim_can_frame> sent;
    int send(const ssim_can_frame& f) override {
      sent.push_back(f);
      return sent.size() > 2 ? SSIM_E_BUSY : SSIM_OK;
    }
    int state(std::uint16_t* tec, std::uint16_t* rec) override {
      if (tec) *tec = 255;
      if (rec) *rec = 0;
      return 2;
    }
    void recover() override { ++recovers; }
    int recovers = 0;
  } can;
  struct Rs : Rs485PortLink {
    std::vector<std::uint8_t> bytes;
    int write(const std::uint8_t* d, std::size_t n) override {
      bytes.insert(bytes.end(), d, d + n);
      return SSIM_OK;
    }
  } rs;
  Lv lv("gtx5000-x1");
  lv.pack->attach_can(0, &can);
  lv.pack->attach_rs485(0, &rs);
  const ssim_hal& hal = lv.hal();
  const ssim_can_frame f{0x18FF50E5, 1, 0, 2, {1, 2}};
  for (int i = 0; i < 3; ++i) EXPECT_EQ(hal.can_send(hal.ctx, 0, &f), i < 2 ? SSIM_OK : SSIM_E_BUSY);
  ASSERT_EQ(can.sent.size(), 3u);
  EXPECT_EQ(can.sent[0].id, 0x18FF50E5u);
  std::uint16_t tec = 0;
  EXPECT_EQ(hal.can_state(hal.ctx, 0, &tec, nullptr), 2);
  EXPECT_EQ(tec, 255);
  hal.can_recover(hal.ctx, 0);
  EXPECT_EQ(can.recovers, 1);
  const std::uint8_t bytes[] = {0x7E, 0x01};
  EXPECT_EQ(hal.rs485_write(hal.ctx, 0, bytes, 2), SSIM_OK);
  EXPECT_EQ(rs.bytes.size(), 2u);
  // Port 1 is the pack's RS485 pins toward the PCS: it exists, and with
  // nothing attached it takes the bytes and loses them; port 2 does not exist.
  EXPECT_EQ(hal.rs485_write(hal.ctx, 1, bytes, 2), SSIM_OK);
  EXPECT_EQ(rs.bytes.size(), 2u);
  EXPECT_EQ(hal.rs485_write(hal.ctx, 2, bytes, 2), SSIM_E_RANGE);
}

TEST(BoardHal, NvmSurvivesAPowerCycle) {
  Lv lv("lfp65-x1");
  const ssim_hal& hal = lv.hal();
  lv.pack->press_button(0, kSecond);
  lv.step();
  ASSERT_TRUE(lv.pack->powered());
  std::uint8_t erased[4] = {};
  EXPECT_EQ(hal.nvm_read(hal.ctx, 252, erased, 4), SSIM_OK);
  for (std::uint8_t b : erased) EXPECT_EQ(b, 0xFF);
  const char msg[] = "soc=512";
  EXPECT_EQ(hal.nvm_write(hal.ctx, 10, msg, sizeof msg), SSIM_OK);
  EXPECT_EQ(hal.nvm_write(hal.ctx, 250, msg, sizeof msg), SSIM_E_RANGE);  // 250 + 8 > 256
  EXPECT_EQ(hal.nvm_read(hal.ctx, 256, erased, 1), SSIM_E_RANGE);
  lv.run_for(2 * kSecond);
  ASSERT_FALSE(lv.pack->powered());
  lv.pack->press_button(lv.t, lv.t + kSecond);
  lv.step();
  ASSERT_TRUE(lv.pack->powered());
  char back[sizeof msg] = {};
  EXPECT_EQ(hal.nvm_read(hal.ctx, 10, back, sizeof back), SSIM_OK);
  EXPECT_STREQ(back, msg);
  ASSERT_EQ(lv.power_events.size(), 3u);
  EXPECT_EQ(lv.power_events[1].second, false);
}

TEST(BoardHal, ClocksStatusAndLog) {
  Lv lv("gtx2500-x1");
  const ssim_hal& hal = lv.hal();
  lv.pack->press_button(5 * kSecond, 6 * kSecond);
  lv.run_for(5 * kSecond);
  lv.step();
  ASSERT_TRUE(lv.pack->powered());
  lv.pack->set_now(lv.t + 1234'000);
  EXPECT_EQ(hal.time_us(hal.ctx), static_cast<std::uint64_t>(10'000 + 1234));
  EXPECT_EQ(hal.rtc_s(hal.ctx), 5);
  std::vector<ssim_bms_state> seen;
  lv.pack->on_status([&](std::int64_t, const ssim_debug_status& s) { seen.push_back(s.state); });
  ssim_debug_status s{};
  s.state = SSIM_STATE_STARTING;
  hal.debug_status(hal.ctx, &s);
  hal.log(hal.ctx, SSIM_LOG_WARN, "coding");
  ASSERT_TRUE(lv.pack->last_status());
  EXPECT_EQ(lv.pack->last_status()->state, SSIM_STATE_STARTING);
  EXPECT_EQ(seen.size(), 1u);
  EXPECT_EQ(lv.pack->last_log(), "coding");
}

}  // namespace
}  // namespace stacksim::hw
