// Hostile frames on a GTX3000 string's internal bus (docs/internal-bus.md,
// 115200 baud) bound to a real pty, with the BCU external as in
// `stacksim serve gtx3000-h4 --external string1/bcu`: the device codes
// module 1, then sends it a bad CRC, a truncated frame, a burst longer than
// the gateway takes, garbage, an unknown function and half a frame before
// leaving. A module answers none of them, counts each in its log, and still
// answers the next poll.
#include <gtest/gtest.h>

#include <string>

#include "pty_line_rig.hpp"
#include "rs485_frames.hpp"

namespace stacksim::serve::testing {
namespace {

constexpr std::uint8_t kBroadcast = 0xFF, kModule = 1;
constexpr std::uint8_t kPoll = 0x01, kAssign = 0x03, kResetAddress = 0x04, kReport = 0x81, kAssigned = 0x83;

// A whole frame from module 1 with function `function` and a right CRC.
bool from_module(const std::string& a, std::uint8_t function) {
  if (a.size() < 6 || a[0] != '\x7E' || a[1] != static_cast<char>(kModule) || a[2] != static_cast<char>(function)) return false;
  const auto len = static_cast<std::uint8_t>(a[3]);
  return a.size() == 6u + len && ibus_frame(kModule, function, a.substr(4, len)) == a;
}

TEST(InternalBusOnAPty, BadFramesGoUnansweredAndCountedAndTheModuleStillAnswers) {
  PtyLineRig rig("gtx3000-h4", "string1/internal", {"string1/bcu"});
  rig.power_on();
  // Coding as a master does it: reset every address, assign 1 until answered
  // (the modules boot first).
  rig.exchange(ibus_frame(kBroadcast, kResetAddress));
  std::string assigned;
  for (int tries = 0; tries < 200 && assigned.empty(); ++tries) {
    assigned = rig.exchange(ibus_frame(kBroadcast, kAssign, "\x01"), 100'000'000);
  }
  ASSERT_TRUE(from_module(assigned, kAssigned)) << rig.plant().log_text();
  const std::string poll = ibus_frame(kModule, kPoll);
  ASSERT_TRUE(from_module(rig.exchange(poll), kReport));

  std::string bad_crc = poll;
  bad_crc.back() = static_cast<char>(bad_crc.back() ^ 0x01);
  EXPECT_EQ(rig.exchange(bad_crc), "");
  EXPECT_EQ(rig.exchange(poll.substr(0, 3)), "") << "truncated";
  EXPECT_EQ(rig.exchange("\x7E\x01" + std::string(3000, '\x01')), "") << "cut at 1024 bytes";
  EXPECT_EQ(rig.exchange(std::string("\x00\x01\xFF\xFE\x13\x37", 6)), "") << "garbage";
  EXPECT_EQ(rig.exchange(ibus_frame(kModule, 0x55, "\x01\x02")), "") << "a function it does not know";
  EXPECT_EQ(rig.leave_mid_frame(poll.substr(0, 4)), "");
  EXPECT_TRUE(from_module(rig.exchange(poll), kReport));

  const sim::ExternalBusReport r = rig.report();
  EXPECT_EQ(r.malformed, 1u);
  EXPECT_EQ(r.frames_refused, 0u);
  EXPECT_TRUE(rig.logs("string1/module1: ibus: 5 bad frames for this module so far")) << rig.plant().log_text();
}

}  // namespace
}  // namespace stacksim::serve::testing
