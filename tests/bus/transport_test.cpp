#include "bus/transport.hpp"

#include <string>

#include <gtest/gtest.h>

namespace stacksim::bus {
namespace {

TEST(Transport, VirtualWithANameIsAccepted) {
  std::string error;
  const auto spec = parse_transport("virtual:pcs", error);
  ASSERT_TRUE(spec.has_value()) << error;
  EXPECT_EQ(spec->kind, "virtual");
  EXPECT_EQ(spec->name, "pcs");
  const auto other = parse_transport("virtual:link_2-b", error);
  ASSERT_TRUE(other.has_value()) << error;
  EXPECT_EQ(other->name, "link_2-b");
}

TEST(Transport, SocketcandTakesAnAddressAndAPort) {
  std::string error;
  const auto spec = parse_transport("socketcand:127.0.0.1:29536", error);
  ASSERT_TRUE(spec.has_value()) << error;
  EXPECT_EQ(spec->kind, "socketcand");
  EXPECT_EQ(spec->name, "127.0.0.1:29536");
  EXPECT_TRUE(parse_transport("socketcand:localhost:0", error).has_value()) << error;
  EXPECT_TRUE(parse_transport("socketcand:0.0.0.0:65535", error).has_value()) << error;
}

TEST(Transport, EverythingElseIsRejectedNamingTheAcceptedForms) {
  for (const char* bad : {"", "virtual", "virtual:", "virtual:PCS", "virtual:a b", "virtual:a:b", "socketcan:", "socketcan:@500000",
                          "socketcan:can0@", "socketcan:can0@0", "socketcan:can0@1000001", "socketcan:can0@5x",
                          "socketcan:a23456789abcdef0", "socketcan:.", "socketcan:..", "socketcan:can/0", "socketcan:can 0",
                          "socketcan:can0:1", "socketcan:can0@500000@1",
                          "socketcand:127.0.0.1", "socketcand::29536", "socketcand:1.2.3:1", "socketcand:1.2.3.256:1",
                          "socketcand:127.0.0.1:65536", "socketcand:127.0.0.1:x", "pty:", "slcan:", "slcan:/",
                          "slcan:tmp/slcan0", "slcan:/tmp/slcan0/", "slcan:/tmp/a\nb",
                          "vcan:x", "pcs"}) {
    std::string error;
    EXPECT_FALSE(parse_transport(bad, error).has_value()) << bad;
    EXPECT_NE(error.find("virtual:"), std::string::npos) << bad << ": " << error;
    std::string quoted = "'";
    quoted += bad;
    quoted += '\'';
    EXPECT_NE(error.find(quoted), std::string::npos) << bad << ": " << error;
  }
}

TEST(Transport, SlcanTakesTheAbsolutePathOfItsLink) {
  std::string error;
  const auto spec = parse_transport("slcan:/tmp/stacksim-slcan0", error);
  ASSERT_TRUE(spec.has_value()) << error;
  EXPECT_EQ(spec->kind, "slcan");
  EXPECT_EQ(spec->name, "/tmp/stacksim-slcan0");
  // Only the first ':' separates the kind.
  const auto colon = parse_transport("slcan:/run/a:b", error);
  ASSERT_TRUE(colon.has_value()) << error;
  EXPECT_EQ(colon->name, "/run/a:b");
}

TEST(Transport, SocketcanTakesAnInterfaceAndOptionallyABitRate) {
  std::string error;
  const auto spec = parse_transport("socketcan:vcan0", error);
  ASSERT_TRUE(spec.has_value()) << error;
  EXPECT_EQ(spec->kind, "socketcan");
  EXPECT_EQ(spec->name, "vcan0");
  const auto with_rate = parse_transport("socketcan:slcan0@500000", error);
  ASSERT_TRUE(with_rate.has_value()) << error;
  EXPECT_EQ(with_rate->name, "slcan0@500000");
  // Linux allows any 15 characters but '/', ':' and white space in a name.
  for (const char* good : {"socketcan:a23456789abcdef", "socketcan:can-0.1_X", "socketcan:can0@1",
                           "socketcan:can0@1000000"}) {
    EXPECT_TRUE(parse_transport(good, error).has_value()) << good << ": " << error;
  }
}

}  // namespace
}  // namespace stacksim::bus
