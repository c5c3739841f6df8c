// The parallel link on its own, between fake boards: coding over CAN (the
// GTX3000 BCU link), report segments, and hostile bytes. The whole systems are
// in tests/bms/parallel_test.cpp.
#include <cstdint>
#include <cstring>
#include <deque>
#include <vector>

#include <gtest/gtest.h>

#include "parallel/parallel_link.hpp"
#include "parallel/unit_report.hpp"
#include "pcs/pcs_report.hpp"
#include "stacksim/hal.h"

namespace stacksim::fw {
namespace {

// A board with the BCU link port's lines: inputs it reads, outputs it drives,
// and the CAN frames and RS485 bursts it sends.
struct FakeBoard {
  ssim_hal hal{};
  bool link_out = false;
  const FakeBoard* upstream = nullptr;  // drives our LINK_ADDRESS input
  bool link_address_out = false;
  std::vector<ssim_can_frame> sent;
  std::vector<std::vector<std::uint8_t>> bursts;

  FakeBoard() {
    hal.abi_version = SSIM_HAL_ABI_VERSION;
    hal.ctx = this;
    hal.read_input = [](void* ctx, ssim_input in) -> int {
      auto* b = static_cast<FakeBoard*>(ctx);
      if (in == SSIM_IN_LINK_OUT) return b->link_out ? 1 : 0;
      if (in == SSIM_IN_LINK_ADDRESS) return b->upstream && b->upstream->link_address_out ? 1 : 0;
      if (in == SSIM_IN_ADDRESS) return 0;
      return SSIM_E_RANGE;
    };
    hal.write_output = [](void* ctx, ssim_output out, int on) {
      if (out == SSIM_OUT_LINK_ADDRESS) static_cast<FakeBoard*>(ctx)->link_address_out = on != 0;
    };
    hal.can_send = [](void* ctx, std::uint16_t, const ssim_can_frame* f) -> int {
      static_cast<FakeBoard*>(ctx)->sent.push_back(*f);
      return SSIM_OK;
    };
    hal.rs485_write = [](void* ctx, std::uint16_t, const std::uint8_t* d, std::size_t n) -> int {
      static_cast<FakeBoard*>(ctx)->bursts.emplace_back(d, d + n);
      return SSIM_OK;
    };
  }
};

ParallelConfig can_chain() {
  ParallelConfig c;
  c.mode = ParallelConfig::Mode::kChain;
  c.medium = ParallelConfig::Medium::kCan;
  c.adr_in = SSIM_IN_LINK_ADDRESS;
  c.adr_out = SSIM_OUT_LINK_ADDRESS;
  c.max_units = 8;
  return c;
}

// Delivers every frame sent so far by each board to every other board, as a
// CAN bus would, until nobody has anything left to say.
void deliver(std::vector<FakeBoard*> boards, std::vector<ParallelLink*> links, std::uint32_t now_ms) {
  for (bool any = true; any;) {
    any = false;
    for (std::size_t i = 0; i < boards.size(); ++i) {
      std::vector<ssim_can_frame> out;
      out.swap(boards[i]->sent);
      for (const ssim_can_frame& f : out) {
        any = true;
        for (std::size_t k = 0; k < links.size(); ++k) {
          if (k != i) links[k]->receive_can(f, now_ms);
        }
      }
    }
  }
}

TEST(ParallelLink, CodesThreeBcusOverCanAndReassemblesTheirReports) {
  FakeBoard b[3];
  b[0].link_out = b[1].link_out = true;
  b[1].upstream = &b[0];
  b[2].upstream = &b[1];
  ParallelLink link[3];
  for (auto& l : link) l.configure(&b[&l - link].hal, can_chain(), 0);
  std::vector<FakeBoard*> boards{&b[0], &b[1], &b[2]};
  std::vector<ParallelLink*> links{&link[0], &link[1], &link[2]};

  PcsReport own[3];
  for (int i = 0; i < 3; ++i) {
    own[i].charge_limit_mA = 25000 + i;
    own[i].current_mA = -1 - i;  // signed fields survive the segments
    own[i].temp_min_dC = static_cast<std::int16_t>(-150 - i);
    own[i].tiers[2] = 0x8001;
    own[i].faults = 0x80000001u;
    own[i].cycles = 0xFFFFFFFFu;
    own[i].state = SSIM_STATE_STANDBY;
    own[i].path_closed = true;
    own[i].requests = kPcsChargeEnable | kPcsFullCharge;
  }
  link[0].start_coding(0);
  for (std::uint32_t t = 0; t <= 2000; t += 10) {
    for (int i = 0; i < 3; ++i) link[i].update(t, own[i], 51200);
    deliver(boards, links, t);
  }
  EXPECT_EQ(link[0].coding(), ParallelLink::Coding::kDone);
  EXPECT_EQ(link[0].role(), ParallelLink::Role::kMaster);
  EXPECT_EQ(link[0].units(), 3);
  for (int i = 1; i < 3; ++i) {
    EXPECT_EQ(link[i].role(), ParallelLink::Role::kSlave);
    EXPECT_EQ(link[i].address(), i + 1);
    EXPECT_EQ(link[i].start_orders(), 1u);
    EXPECT_FALSE(link[i].coding_failed_ordered());
    // The master has polled both and holds their summaries byte for byte.
    ASSERT_TRUE(link[0].unit_fresh(static_cast<std::size_t>(i + 1), 2000));
    std::uint8_t want[plink::kUnitReportBytes], got[plink::kUnitReportBytes];
    plink::pack_unit_report(own[i], want);
    plink::pack_unit_report(link[0].unit(static_cast<std::size_t>(i + 1)), got);
    EXPECT_EQ(std::memcmp(want, got, sizeof want), 0) << i;
  }
  EXPECT_FALSE(link[0].link_lost(2000));
  EXPECT_EQ(link[0].malformed(), 0u);
}

TEST(ParallelLink, ACableInTheLastLinkOutWithNobodyBehindItFailsTheCoding) {
  FakeBoard b[2];
  b[0].link_out = b[1].link_out = true;  // b[1]'s cable leads nowhere
  b[1].upstream = &b[0];
  ParallelLink link[2];
  link[0].configure(&b[0].hal, can_chain(), 0);
  link[1].configure(&b[1].hal, can_chain(), 0);
  link[0].start_coding(0);
  const PcsReport own{};
  for (std::uint32_t t = 0; t <= 5000; t += 10) {
    link[0].update(t, own, 0);
    link[1].update(t, own, 0);
    deliver({&b[0], &b[1]}, {&link[0], &link[1]}, t);
  }
  EXPECT_EQ(link[0].coding(), ParallelLink::Coding::kFailed);
  EXPECT_EQ(link[0].units(), 2);  // the one found before the gap
  EXPECT_TRUE(link[1].coding_failed_ordered());
}

TEST(ParallelLink, MissingReportSegmentsAreCountedAndNotUsed) {
  FakeBoard m, s;
  m.link_out = true;
  s.upstream = &m;
  ParallelLink master, slave;
  master.configure(&m.hal, can_chain(), 0);
  slave.configure(&s.hal, can_chain(), 0);
  master.start_coding(0);
  const PcsReport own{};
  for (std::uint32_t t = 0; t <= 100; t += 10) {
    master.update(t, own, 0);
    slave.update(t, own, 0);
    deliver({&m, &s}, {&master, &slave}, t);
  }
  ASSERT_EQ(master.units(), 2);
    // A report with its third segment lost on the way.
  PcsReport lying;
  lying.state = SSIM_STATE_FAULT;
  std::uint8_t bytes[plink::kUnitReportBytes];
  plink::pack_unit_report(lying, bytes);
  const std::uint32_t before = master.malformed();
  constexpr std::uint32_t kSegments = plink::kUnitReportBytes / 8;
  for (std::uint32_t seg = 0; seg < kSegments; ++seg) {
    if (seg == 2) continue;
    ssim_can_frame f{};
    f.id = 0x1E210000u | (seg << 8) | 2u;
    f.extended = 1;
    f.dlc = 8;
    std::memcpy(f.data, bytes + 8 * seg, f.dlc);
    EXPECT_TRUE(master.receive_can(f, 200));
  }
  EXPECT_EQ(master.malformed(), before + 1);
  EXPECT_NE(master.unit(2).state, SSIM_STATE_FAULT);
}

// Bytes from a bus are hostile: nothing they hold crashes the link or makes a
// unit something it is not; what is not a link frame is left to others.
TEST(ParallelLink, RandomFramesAndBurstsAreCountedNeverTrusted) {
  FakeBoard b;
  ParallelLink link;
  ParallelConfig rs485;
  rs485.mode = ParallelConfig::Mode::kChain;
  link.configure(&b.hal, rs485, 0);
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  const auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  std::uint32_t not_link = 0;
  for (int i = 0; i < 20000; ++i) {
    std::uint8_t burst[80];
    const std::size_t n = next() % sizeof burst;
    for (std::size_t k = 0; k < n; ++k) burst[k] = static_cast<std::uint8_t>(next());
    if (i % 2 == 0 && n > 0) burst[0] = 0x7E;  // past the start byte at least
    link.receive(burst, n, static_cast<std::uint32_t>(i));
    ssim_can_frame f{};
    f.id = static_cast<std::uint32_t>(next()) & 0x1FFFFFFFu;
    if (i % 3 == 0) f.id = (f.id & 0x00FFFFFFu) | 0x1E000000u;
    f.extended = 1;
    f.dlc = static_cast<std::uint8_t>(next() % 16);
    for (auto& d : f.data) d = static_cast<std::uint8_t>(next());
    if (!link.receive_can(f, static_cast<std::uint32_t>(i))) ++not_link;
  }
  EXPECT_GT(link.malformed(), 0u);
  EXPECT_GT(not_link, 0u);
  EXPECT_NE(link.role(), ParallelLink::Role::kMaster);
  EXPECT_EQ(link.address(), 0);  // its coding input was never asserted
}

}  // namespace
}  // namespace stacksim::fw
