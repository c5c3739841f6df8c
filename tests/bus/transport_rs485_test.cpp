// The RS485 transport strings (bus/transport.hpp): serial:DEVICE@BAUD and pty:PATH.
#include <string>

#include <gtest/gtest.h>

#include "bus/transport.hpp"

namespace stacksim::bus {
namespace {

TEST(TransportRs485, SerialTakesAnAbsoluteDeviceAndAStandardBaudRate) {
  std::string error;
  const auto spec = parse_transport("serial:/dev/ttyUSB0@115200", error);
  ASSERT_TRUE(spec.has_value()) << error;
  EXPECT_EQ(spec->kind, "serial");
  EXPECT_EQ(spec->name, "/dev/ttyUSB0@115200");
  const auto serial = parse_serial_name(spec->name);
  ASSERT_TRUE(serial.has_value());
  EXPECT_EQ(serial->device, "/dev/ttyUSB0");
  EXPECT_EQ(serial->baud, 115200u);
  // The last '@' separates the rate: a device path may hold one.
  const auto odd = parse_transport("serial:/dev/serial/by-id/usb-FTDI@1-if00@9600", error);
  ASSERT_TRUE(odd.has_value()) << error;
  EXPECT_EQ(parse_serial_name(odd->name)->device, "/dev/serial/by-id/usb-FTDI@1-if00");
  for (const char* good : {"serial:/dev/ttyS0@1200", "serial:/tmp/b@921600", "serial:/dev/ttyAMA0@19200"}) {
    EXPECT_TRUE(parse_transport(good, error).has_value()) << good << ": " << error;
  }
}

TEST(TransportRs485, PtyTakesAnAbsolutePath) {
  std::string error;
  const auto spec = parse_transport("pty:/tmp/stacksim-string1", error);
  ASSERT_TRUE(spec.has_value()) << error;
  EXPECT_EQ(spec->kind, "pty");
  EXPECT_EQ(spec->name, "/tmp/stacksim-string1");
  EXPECT_TRUE(is_rs485_kind(spec->kind));
  EXPECT_FALSE(is_rs485_kind("socketcand"));
  EXPECT_FALSE(is_rs485_kind("socketcan"));
}

TEST(TransportRs485, MalformedSpecsAreRejectedNamingTheForm) {
  for (const char* bad : {"serial:", "serial:/dev/ttyUSB0", "serial:/dev/ttyUSB0@", "serial:/dev/ttyUSB0@115201",
                          "serial:/dev/ttyUSB0@0", "serial:/dev/ttyUSB0@11520x", "serial:/dev/ttyUSB0@1152000",
                          "serial:ttyUSB0@115200", "serial:@115200", "serial:/@115200", "serial:/dev/@115200",
                          "serial:/dev/tty\nUSB0@115200", "pty:", "pty:tmp/a", "pty:/", "pty:/tmp/a/", "pty:/tmp/\x01"}) {
    std::string error;
    EXPECT_FALSE(parse_transport(bad, error).has_value()) << bad;
    EXPECT_NE(error.find("serial:DEVICE@BAUD"), std::string::npos) << bad << ": " << error;
    EXPECT_NE(error.find("pty:PATH"), std::string::npos) << bad << ": " << error;
  }
}

TEST(TransportRs485, OnlyTheRatesTermiosNamesAreStandard) {
  for (std::uint32_t baud : {1200u, 2400u, 4800u, 9600u, 19200u, 38400u, 57600u, 115200u, 230400u, 460800u, 921600u}) {
    EXPECT_TRUE(standard_baud(baud)) << baud;
  }
  for (std::uint32_t baud : {0u, 300u, 14400u, 100000u, 250000u, 1000000u}) EXPECT_FALSE(standard_baud(baud)) << baud;
}

}  // namespace
}  // namespace stacksim::bus
