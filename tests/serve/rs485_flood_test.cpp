// A flood at the full rate of an RS485 line into its pty: for one simulated
// second the device sends frames back to back, each followed only by the
// shortest gap that still ends a frame (Modbus RTU's t3.5: 3.5 characters,
// 1.75 ms above 19200 baud), 10 bits a byte (start, 8 data, stop):
//   115200 baud, Pylontech requests of 20 bytes: 1.736 ms + 1.75 ms, 286 a second;
//   9600 baud, Modbus requests of 8 bytes: 8.333 ms + 3.646 ms, 83 a second.
// They are for another battery or unreadable, so nothing answers and the
// line is the device's alone. Every burst must enter the line (none refused:
// the gateway's backlog holds 1 s of line time), the firmware must count
// every one, and the battery must answer its next request.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pty_line_rig.hpp"
#include "rs485_frames.hpp"

namespace stacksim::serve::testing {
namespace {

constexpr std::int64_t kSecondNs = 1'000'000'000;

struct Flood {
  std::string line_frame;    // for another address: the battery keeps silent
  std::string unreadable;    // as long, but no frame: counted as unreadable
  int unreadable_every = 0;  // frame k is the unreadable one when k % this == this - 1
  std::uint32_t baud = 0;
  std::int64_t gap_ns = 0;
};

struct Sent {
  int frames = 0, unreadable = 0;
};

// Sends frames back to back for one second of simulated time, each when its
// last byte would have arrived on the wire, as the steps go by.
Sent flood(PtyLineRig& rig, const Flood& f) {
  EXPECT_EQ(f.line_frame.size(), f.unreadable.size());
  const std::int64_t wire_ns = static_cast<std::int64_t>(f.line_frame.size()) * 10 * kSecondNs / f.baud;
  const std::int64_t period_ns = wire_ns + f.gap_ns;
  const std::int64_t t0 = rig.now_ns();
  Sent s;
  while (rig.now_ns() < t0 + kSecondNs + 100'000'000) {
    // What arrived during the last step, then the step.
    for (;;) {
      const std::int64_t end_ns = t0 + s.frames * period_ns + wire_ns;
      if (end_ns >= rig.now_ns() || s.frames * period_ns + wire_ns > kSecondNs) break;
      const bool bad = s.frames % f.unreadable_every == f.unreadable_every - 1;
      rig.send(bad ? f.unreadable : f.line_frame, end_ns);
      s.unreadable += bad;
      ++s.frames;
    }
    rig.step();
  }
  return s;
}

TEST(Rs485Flood, PylontechAt115200BaudEveryBurstEntersAndIsCounted) {
  PtyLineRig rig("gtx5000-x1", "pcs485");
  rig.start();
  Flood f;
  f.line_frame = pylon_frame(0x20, 3, 0x46, 0x92, "03");
  f.unreadable = std::string(19, '\x55') + '\r';
  f.unreadable_every = 10;
  f.baud = 115200;
  f.gap_ns = 1'750'000;
  ASSERT_EQ(rig.line().baud(), f.baud);
  const Sent s = flood(rig, f);
  EXPECT_EQ(s.frames, 287);  // those whose last byte arrives within the second
  EXPECT_EQ(rig.listen(100'000'000), "");
  const sim::ExternalBusReport r = rig.report();
  EXPECT_EQ(r.frames_in, static_cast<std::uint64_t>(s.frames));
  EXPECT_EQ(r.frames_refused, 0u);
  EXPECT_EQ(r.malformed, 0u);
  EXPECT_EQ(r.frames_out, 0u);
  EXPECT_EQ(rig.exchange(pylon_frame(0x20, 2, 0x46, 0x92, "02")).rfind("~20024600", 0), 0u);
  EXPECT_TRUE(rig.logs(pcs485_counts(s.unreadable, 0, 1, s.frames - s.unreadable))) << rig.plant().log_text();
}

TEST(Rs485Flood, ModbusAt9600BaudEveryBurstEntersAndIsCounted) {
  PtyLineRig rig("lfp65-x1", "pcs485");
  rig.start();
  Flood f;
  f.line_frame = modbus_adu(std::string("\x02\x04\x00\x16\x00\x01", 6));
  f.unreadable = modbus_adu(std::string("\x01\x04\x00\x16\x00\x01", 6));
  f.unreadable.back() = static_cast<char>(f.unreadable.back() ^ 0x01);  // a bad CRC
  f.unreadable_every = 5;
  f.baud = 9600;
  f.gap_ns = 3'645'834;  // 3.5 x 10 bits at 9600 baud, rounded up
  ASSERT_EQ(rig.line().baud(), f.baud);
  const Sent s = flood(rig, f);
  EXPECT_EQ(s.frames, 83);
  const sim::ExternalBusReport r = rig.report();
  EXPECT_EQ(r.frames_in, static_cast<std::uint64_t>(s.frames));
  EXPECT_EQ(r.frames_refused, 0u);
  EXPECT_EQ(r.frames_out, 0u);
  EXPECT_EQ(rig.exchange(modbus_adu(std::string("\x01\x04\x00\x16\x00\x01", 6))).size(), 7u);
  EXPECT_TRUE(rig.logs(pcs485_counts(s.unreadable, 0, 1, s.frames - s.unreadable))) << rig.plant().log_text();
}

}  // namespace
}  // namespace stacksim::serve::testing
