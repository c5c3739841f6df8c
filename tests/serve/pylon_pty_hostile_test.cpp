// Hostile requests on a GTX5000's RS485 pins toward the PCS (pcs485,
// Pylontech RS485 ASCII, 115200 baud, address 2), through a real pty into the
// real firmware: each bad request is answered with the return code the
// protocol gives it or not at all, counted by the gateway or in the
// firmware's log, and the battery keeps answering; a device that leaves in
// the middle of a frame harms the next one in nothing.
#include <gtest/gtest.h>

#include <string>

#include "pty_line_rig.hpp"
#include "rs485_frames.hpp"

namespace stacksim::serve::testing {
namespace {

constexpr int kVer = 0x20, kBattery = 2, kCid1 = 0x46;

// What the battery answers to a request it refuses: RTN in CID2, no INFO.
std::string refusal(int rtn) { return pylon_frame(kVer, kBattery, kCid1, rtn, ""); }

bool answered_ok(const std::string& a) { return a.rfind("~20024600", 0) == 0 && a.back() == '\r'; }

TEST(PylonRs485OnAPty, EveryBadRequestIsAnsweredAsTheProtocolSaysAndCounted) {
  PtyLineRig rig("gtx5000-x1", "pcs485");
  rig.start();
  const std::string ask92 = pylon_frame(kVer, kBattery, kCid1, 0x92, "02");
  ASSERT_EQ(ask92, "~20024692E00202FD2E\r");  // the protocol's example: the frames here are right
  ASSERT_EQ(refusal(0x02), "~200246020000FDB0\r");
  EXPECT_TRUE(answered_ok(rig.exchange(ask92)));

  EXPECT_EQ(rig.exchange(pylon_frame(kVer, kBattery, kCid1, 0x92, "02", 0, 1)), refusal(0x02)) << "CHKSUM";
  EXPECT_EQ(rig.exchange(pylon_frame(kVer, kBattery, kCid1, 0x92, "02", 1, 0)), refusal(0x03)) << "LCHKSUM";
  // INFO of 200 bytes, more than any request or answer of the protocol has.
  EXPECT_EQ(rig.exchange(pylon_frame(kVer, kBattery, kCid1, 0x92, std::string(400, '0'))), refusal(0x05));
  EXPECT_EQ(rig.exchange(pylon_frame(kVer, kBattery, kCid1, 0x99, "")), refusal(0x04)) << "unknown CID2";
  // Nobody can answer a frame without its end, binary garbage, or a burst
  // longer than the gateway takes (1024 bytes: cut, the cut counted).
  EXPECT_EQ(rig.exchange(ask92.substr(0, 12)), "");
  EXPECT_EQ(rig.exchange(std::string("\x00\xff\x7e\x13\x80\x20\x02", 7)), "");
  EXPECT_EQ(rig.exchange("~" + std::string(3000, '2') + "\r"), "");
  EXPECT_EQ(rig.exchange(pylon_frame(kVer, 3, kCid1, 0x92, "03")), "") << "another battery's";

  // A device leaves in the middle of a frame; the next one is answered.
  EXPECT_EQ(rig.leave_mid_frame(ask92.substr(0, 10)), "");
  EXPECT_TRUE(answered_ok(rig.exchange(ask92)));

  const sim::ExternalBusReport r = rig.report();
  EXPECT_EQ(r.frames_in, 11u);
  EXPECT_EQ(r.frames_out, 6u);
  EXPECT_EQ(r.malformed, 1u);
  EXPECT_EQ(r.frames_refused, 0u);
  EXPECT_TRUE(rig.logs(pcs485_counts(4, 4, 2, 1))) << rig.plant().log_text();
}

}  // namespace
}  // namespace stacksim::serve::testing
