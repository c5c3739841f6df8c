// The socketcand text both ways (linux-can/socketcand doc/protocol.md), and
// what the parser does with bytes that are not the protocol.
#include "io/socketcand_codec.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "feed_all.hpp"

namespace stacksim::io {
namespace {

using K = SocketcandCommand::Kind;

TEST(SocketcandCodec, SendOfAStandardAndAnExtendedFrame) {
  // python-can writes "< send %X %X %x %x ... >".
  const SocketcandCommand a = parse_socketcand("< send 305 8 0 1 2 3 4 5 6 ff >");
  ASSERT_EQ(a.kind, K::kSend) << a.error;
  EXPECT_EQ(a.frame.id, 0x305u);
  EXPECT_FALSE(a.frame.extended);
  EXPECT_EQ(a.frame.dlc, 8);
  EXPECT_EQ(a.frame.data[1], 1);
  EXPECT_EQ(a.frame.data[7], 0xFF);
  // Eight digits are extended however small the value; more than 11 bits must be.
  const SocketcandCommand b = parse_socketcand("< send 00000123 2 aa 55 >");
  ASSERT_EQ(b.kind, K::kSend) << b.error;
  EXPECT_TRUE(b.frame.extended);
  EXPECT_EQ(b.frame.id, 0x123u);
  const SocketcandCommand c = parse_socketcand("< send 4200 0 >");
  ASSERT_EQ(c.kind, K::kSend) << c.error;
  EXPECT_TRUE(c.frame.extended);
  EXPECT_EQ(c.frame.dlc, 0);
}

TEST(SocketcandCodec, MalformedSendsSayWhat) {
  for (const char* bad : {"< send >", "< send 305 >", "< send 305 2 1 >", "< send 305 2 1 2 3 >", "< send 305 9 0 0 0 0 0 0 0 0 0 >",
                          "< send 305 1 100 >", "< send 305 1 zz >", "< send 123456789 1 0 >", "< send 20000000 0 >",
                          "< send x 0 >", "<>", "< >"}) {
    const SocketcandCommand c = parse_socketcand(bad);
    EXPECT_EQ(c.kind, K::kMalformed) << bad;
    EXPECT_FALSE(c.error.empty()) << bad;
  }
  EXPECT_EQ(parse_socketcand("< bcmmode >").kind, K::kOther);
  EXPECT_EQ(parse_socketcand("< open can0 >").channel, "can0");
  EXPECT_EQ(parse_socketcand("< rawmode >").kind, K::kRawMode);
  EXPECT_EQ(parse_socketcand("< rawmode now >").kind, K::kMalformed);
}

TEST(SocketcandCodec, MessagesAreCutOutOfAnyStreamWhateverTheReads) {
  const std::string stream = "junk< open can0 >\r\n< rawmode ><send 1 1 2>  < send 7FF 0 >";
  for (bool byte_by_byte : {false, true}) {
    SocketcandParser p;
    const auto cs = feed_all(p, stream, byte_by_byte);
    ASSERT_EQ(cs.size(), 4u);
    EXPECT_EQ(cs[0].kind, K::kOpen);
    EXPECT_EQ(cs[1].kind, K::kRawMode);
    EXPECT_EQ(cs[2].kind, K::kSend);
    EXPECT_EQ(cs[2].frame.data[0], 2);
    EXPECT_EQ(cs[3].frame.id, 0x7FFu);
    EXPECT_EQ(p.skipped_bytes(), 4u);  // "junk"; whitespace between messages is not counted
  }
}

TEST(SocketcandCodec, AnOversizedMessageIsDroppedAndTheNextOneStillParses) {
  SocketcandParser p;
  const std::string big = "< send 305 8 " + std::string(kMaxMessage * 3, '1') + " >";
  const auto cs = feed_all(p, big + "< send 305 1 9 >");
  ASSERT_EQ(cs.size(), 1u);
  EXPECT_EQ(cs[0].frame.data[0], 9);
  EXPECT_EQ(p.oversized(), 1u);
  // A message cut off by a new '<' is counted and forgotten.
  SocketcandParser q;
  const auto ds = feed_all(q, "< send 30< echo >");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].kind, K::kEcho);
  EXPECT_EQ(q.skipped_bytes(), 1u);
}

TEST(SocketcandCodec, FramesAreWrittenAsSocketcandWritesThem) {
  std::string out;
  bus::CanFrame f;
  f.id = 0x351;
  f.dlc = 3;
  f.data = {0x2D, 0x02, 0xF4};
  append_socketcand_frame(out, f, 7'120'242'000);
  EXPECT_EQ(out, "< frame 351 7.120242 2D02F4 >");
  out.clear();
  f.id = 0x123;
  f.extended = true;
  f.dlc = 0;
  append_socketcand_frame(out, f, 1'000'000'000'123);
  EXPECT_EQ(out, "< frame 00000123 1000.000000  >");
  // What is written parses back as what the client would send.
  f.dlc = 8;
  f.data = {1, 2, 3, 4, 5, 6, 7, 8};
  const SocketcandCommand c = parse_socketcand("< send 00000123 8 1 2 3 4 5 6 7 8 >");
  EXPECT_EQ(c.frame.data, f.data);
}

}  // namespace
}  // namespace stacksim::io
