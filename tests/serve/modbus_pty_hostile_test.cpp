// Hostile requests on the 6.5 kWh pack's RS485 pins toward the PCS (pcs485,
// Growatt Modbus RTU, 9600 baud, slave 1), through a real pty into the real
// firmware. The Modbus serial line spec (V1.02, 2.4.1 and 2.5.1.2): a frame
// with a bad CRC, too short or longer than 256 bytes is discarded without an
// answer; an unknown function code is answered with exception 01 (Modbus
// application protocol V1.1b3, 7). Each is counted (the gateway, the
// firmware's log), and the pack keeps answering.
#include <gtest/gtest.h>

#include <string>

#include "pty_line_rig.hpp"
#include "rs485_frames.hpp"

namespace stacksim::serve::testing {
namespace {

// Input register 0x0016 (SOC), one register, slave 1.
const std::string kReadSoc = modbus_adu(std::string("\x01\x04\x00\x16\x00\x01", 6));

bool soc_answer(const std::string& a) {
  return a.size() == 7 && a.substr(0, 3) == std::string("\x01\x04\x02", 3) && modbus_adu(a.substr(0, 5)) == a;
}

TEST(ModbusRtuOnAPty, EveryBadRequestIsAnsweredAsTheSpecSaysAndCounted) {
  PtyLineRig rig("lfp65-x1", "pcs485");
  rig.start();
  ASSERT_EQ(kReadSoc, std::string("\x01\x04\x00\x16\x00\x01\xD0\x0E", 8));  // the CRC here is right
  EXPECT_TRUE(soc_answer(rig.exchange(kReadSoc)));

  std::string bad_crc = kReadSoc;
  bad_crc.back() = static_cast<char>(bad_crc.back() ^ 0x5A);
  EXPECT_EQ(rig.exchange(bad_crc), "");
  EXPECT_EQ(rig.exchange(std::string("\x01\x04\x00", 3)), "") << "too short for an ADU";
  // 263 bytes with a right CRC: a write of 127 registers, more than an RTU
  // frame may hold.
  std::string write(std::string("\x01\x10\x00\x10\x00\x7F\xFE", 7));
  write += std::string(254, '\x11');
  EXPECT_EQ(rig.exchange(modbus_adu(write)), "");
  EXPECT_EQ(rig.exchange(modbus_adu(std::string("\x01\x41", 2))), modbus_adu(std::string("\x01\xC1\x01", 3)))
      << "an unknown function code: exception 01";
  EXPECT_EQ(rig.exchange(modbus_adu(std::string("\x02\x04\x00\x16\x00\x01", 6))), "") << "another slave's";

  // A device leaves in the middle of a frame; the next one is answered.
  EXPECT_EQ(rig.leave_mid_frame(kReadSoc.substr(0, 4)), "");
  EXPECT_TRUE(soc_answer(rig.exchange(kReadSoc)));

  const sim::ExternalBusReport r = rig.report();
  EXPECT_EQ(r.frames_in, 8u);
  EXPECT_EQ(r.frames_out, 3u);
  EXPECT_EQ(r.malformed, 0u);
  EXPECT_TRUE(rig.logs(pcs485_counts(4, 1, 2, 1))) << rig.plant().log_text();
}

}  // namespace
}  // namespace stacksim::serve::testing
