// The SLCAN text both ways and the adapter's answers, from the Lawicel CANUSB
// manual and python-can 4.1's client (can/interfaces/slcan.py): what it
// writes ("%03X%d" + "%02X" per byte) and what it reads back.
#include "io/slcan_codec.hpp"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "feed_all.hpp"

namespace stacksim::io {
namespace {

using K = SlcanCommand::Kind;
using Mode = SlcanChannel::Mode;

// Applies each line to the channel; returns every answer, concatenated.
std::string talk(SlcanChannel& ch, const std::vector<std::string>& lines) {
  std::string reply;
  for (const std::string& line : lines) ch.apply(parse_slcan(line), reply);
  return reply;
}

TEST(SlcanCodec, FramesFromTheHostAsPythonCanWritesThem) {
  const SlcanCommand a = parse_slcan("t305800010203040506FF");
  ASSERT_EQ(a.kind, K::kFrame) << a.error;
  EXPECT_EQ(a.frame.id, 0x305u);
  EXPECT_FALSE(a.frame.extended);
  EXPECT_FALSE(a.frame.rtr);
  EXPECT_EQ(a.frame.dlc, 8);
  EXPECT_EQ(a.frame.data[1], 0x01);
  EXPECT_EQ(a.frame.data[7], 0xFF);
  // Eight identifier digits are extended whatever the value; hex in either case.
  const SlcanCommand b = parse_slcan("T000001232aa55");
  ASSERT_EQ(b.kind, K::kFrame) << b.error;
  EXPECT_TRUE(b.frame.extended);
  EXPECT_EQ(b.frame.id, 0x123u);
  EXPECT_EQ(b.frame.data[0], 0xAA);
  EXPECT_EQ(b.frame.data[1], 0x55);
  const SlcanCommand c = parse_slcan("T1FFFFFFF0");
  ASSERT_EQ(c.kind, K::kFrame) << c.error;
  EXPECT_EQ(c.frame.id, 0x1FFFFFFFu);
  EXPECT_EQ(c.frame.dlc, 0);
  // Remote frames carry a length and no data.
  const SlcanCommand r = parse_slcan("r7FF8");
  ASSERT_EQ(r.kind, K::kFrame) << r.error;
  EXPECT_TRUE(r.frame.rtr);
  EXPECT_EQ(r.frame.id, 0x7FFu);
  EXPECT_EQ(r.frame.dlc, 8);
  const SlcanCommand rx = parse_slcan("R123456782");
  ASSERT_EQ(rx.kind, K::kFrame) << rx.error;
  EXPECT_TRUE(rx.frame.rtr && rx.frame.extended);
  EXPECT_EQ(rx.frame.id, 0x12345678u);
  EXPECT_EQ(rx.frame.dlc, 2);
}

TEST(SlcanCodec, MalformedFramesAndCommandsSayWhat) {
  for (const char* bad : {"t", "t30", "t305", "t3059", "t3051", "t3051000", "t3051GG", "t80000", "t3052aabbcc",
                          "t 3050", "T1234567", "T200000000", "T12345678", "T123456781000", "r3050aa", "r305",
                          "R1234567", "R12345678", "O1", "C ", "Lx", "VV", "N0", "F1", "S", "S9", "S10", "Sx", "s",
                          "s001", "s001c0", "s00xx", "Z", "Z2", "Z01", "X", "?", "\x01", "o", "c"}) {
    const SlcanCommand c = parse_slcan(bad);
    EXPECT_EQ(c.kind, K::kMalformed) << bad;
    EXPECT_STRNE(c.error, "") << bad;
  }
}

TEST(SlcanCodec, SetUpCommandsCarryTheirValues) {
  // Lawicel's S0..S8: 10k 20k 50k 100k 125k 250k 500k 800k 1M.
  const std::uint32_t expected[] = {10000, 20000, 50000, 100000, 125000, 250000, 500000, 800000, 1000000};
  for (int k = 0; k <= 8; ++k) {
    const char line[] = {'S', static_cast<char>('0' + k), '\0'};
    const SlcanCommand c = parse_slcan(line);
    ASSERT_EQ(c.kind, K::kBitrate) << k;
    EXPECT_EQ(c.bitrate_bps, expected[k]) << k;
  }
  const SlcanCommand btr = parse_slcan("s031C");
  ASSERT_EQ(btr.kind, K::kBtr);
  EXPECT_EQ(btr.btr, 0x031C);
  EXPECT_TRUE(parse_slcan("Z1").timestamps);
  EXPECT_FALSE(parse_slcan("Z0").timestamps);
  EXPECT_EQ(parse_slcan("").kind, K::kEmpty);
}

TEST(SlcanCodec, PythonCansOpeningSequenceIsAnsweredOk) {
  // python-can 4.1 with bitrate=500000: "C", "S6", "O", then "O" again.
  SlcanChannel ch;
  EXPECT_EQ(talk(ch, {"C", "S6", "O", "O"}), "\r\r\r\r");
  EXPECT_EQ(ch.mode(), Mode::kOpen);
  EXPECT_EQ(ch.bitrate_bps(), 500000u);
  // get_version() wants "V" + 4 digits + "\r" (6 characters), get_serial_number() "N" + 4 + "\r".
  EXPECT_EQ(talk(ch, {"V"}), "V1013\r");
  EXPECT_EQ(talk(ch, {"N"}), "NSSIM\r");
  // A transmitted frame: "z" standard, "Z" extended, as Lawicel acknowledges it.
  EXPECT_EQ(talk(ch, {"t3050", "T000003050", "r3050", "R000003050"}), "z\rZ\rz\rZ\r");
  EXPECT_EQ(talk(ch, {"C"}), "\r");
  EXPECT_EQ(ch.mode(), Mode::kClosed);
}

TEST(SlcanCodec, CommandsInTheWrongStateAreRefusedWithBel) {
  SlcanChannel ch;
  std::string reply;
  EXPECT_FALSE(ch.apply(parse_slcan("t3050"), reply));  // closed: nothing goes on the bus
  EXPECT_FALSE(ch.apply(parse_slcan("F"), reply));      // status only while open
  EXPECT_TRUE(ch.apply(parse_slcan("L"), reply));
  EXPECT_EQ(ch.mode(), Mode::kListenOnly);
  EXPECT_TRUE(ch.receiving());
  EXPECT_FALSE(ch.apply(parse_slcan("t3050"), reply));  // listen-only: the host may not send
  EXPECT_FALSE(ch.apply(parse_slcan("O"), reply));      // "C" first
  EXPECT_FALSE(ch.apply(parse_slcan("S4"), reply));     // set-up only while closed
  EXPECT_FALSE(ch.apply(parse_slcan("s0014"), reply));
  EXPECT_FALSE(ch.apply(parse_slcan("Z1"), reply));
  EXPECT_FALSE(ch.apply(parse_slcan("what"), reply));
  EXPECT_EQ(reply, "\a\a\r\a\a\a\a\a\a");
  EXPECT_EQ(ch.bitrate_bps(), 0u);
  EXPECT_FALSE(ch.timestamps());
  reply.clear();
  EXPECT_TRUE(ch.apply(parse_slcan("C"), reply));
  EXPECT_TRUE(ch.apply(parse_slcan("s0014"), reply));
  EXPECT_TRUE(ch.apply(parse_slcan("Z1"), reply));
  EXPECT_TRUE(ch.apply(parse_slcan("O"), reply));
  EXPECT_FALSE(ch.apply(parse_slcan("L"), reply));
  EXPECT_EQ(reply, "\r\r\r\r\a");
  EXPECT_EQ(ch.btr(), 0x0014);
  EXPECT_TRUE(ch.timestamps());
  ch.reset();
  EXPECT_EQ(ch.mode(), Mode::kClosed);
  EXPECT_FALSE(ch.timestamps());
}

TEST(SlcanCodec, StatusFlagsAreTwoHexDigits) {
  SlcanChannel ch;
  std::string reply;
  ch.apply(parse_slcan("O"), reply);
  reply.clear();
  EXPECT_EQ(talk(ch, {"F"}), "F00\r");
  ch.set_status_flags(SlcanChannel::kFlagErrorPassive | SlcanChannel::kFlagBusError);
  EXPECT_EQ(talk(ch, {"F"}), "FA0\r");
}

TEST(SlcanCodec, CommandsAreCutOutOfAnyStreamWhateverTheReads) {
  const std::string stream = "\r\rC\rS6\rO\r\nt3051AB\rbad\rT123456780\r";
  for (bool byte_by_byte : {false, true}) {
    SlcanParser p;
    const auto cs = feed_all(p, stream, byte_by_byte);
    ASSERT_EQ(cs.size(), 8u);
    EXPECT_EQ(cs[0].kind, K::kEmpty);
    EXPECT_EQ(cs[2].kind, K::kClose);
    EXPECT_EQ(cs[3].kind, K::kBitrate);
    EXPECT_EQ(cs[4].kind, K::kOpen);
    EXPECT_EQ(cs[5].kind, K::kFrame);  // the '\n' after "O\r" is not part of it
    EXPECT_EQ(cs[5].frame.data[0], 0xAB);
    EXPECT_EQ(cs[6].kind, K::kMalformed);
    EXPECT_EQ(cs[7].frame.id, 0x12345678u);
  }
}

TEST(SlcanCodec, AnOversizedLineIsDroppedWholeAndTheNextOneStillParses) {
  for (bool byte_by_byte : {false, true}) {
    SlcanParser p;
    // Exactly the limit still parses (as malformed); one more is dropped,
    // unread, but still answered (BEL): the host waits for an answer.
    const std::string at_limit(kSlcanMaxLine, 't');
    const std::string over = "t305" + std::string(1000, '1');
    const auto cs = feed_all(p, at_limit + "\r" + over + "\rt3051AB\r", byte_by_byte);
    ASSERT_EQ(cs.size(), 3u);
    EXPECT_EQ(cs[0].kind, K::kMalformed);
    EXPECT_EQ(cs[1].kind, K::kTooLong);
    EXPECT_EQ(cs[2].kind, K::kFrame);
    EXPECT_EQ(cs[2].frame.data[0], 0xAB);
    EXPECT_EQ(p.oversized(), 1u);
    std::string reply;
    EXPECT_FALSE(SlcanChannel().apply(cs[1], reply));
    EXPECT_EQ(reply, "\a");
  }
  // A partial line forgotten (the host went away) does not glue to the next.
  SlcanParser q;
  feed_all(q, "t30", false);
  q.clear_line();
  const auto ds = feed_all(q, "O\r", false);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].kind, K::kOpen);
}

TEST(SlcanCodec, RandomBytesEndEveryLineInOneAnswer) {
  // 1 MB of noise, one byte in 20 a '\r' and a few protocol letters, so that
  // short lines, long lines and near-commands all occur.
  std::mt19937 rng(20261207);
  const std::string letters = "tTrRSsZOLCVNF0123456789ABCDEFabcdef\n\a";
  std::string noise(1 << 20, '\0');
  std::size_t lines = 0;
  for (char& c : noise) {
    const auto r = rng() % 100;
    c = r < 5 ? '\r' : r < 60 ? letters[rng() % letters.size()] : static_cast<char>(rng() & 0xFF);
    lines += c == '\r';
  }
  SlcanParser p;
  SlcanChannel ch;
  std::size_t answered = 0;
  std::string reply;
  const auto on = [&](const SlcanCommand& c) {
    ++answered;
    if (ch.apply(c, reply) && c.kind == K::kFrame) {
      EXPECT_TRUE(bus::can_frame_valid(c.frame));
      EXPECT_LE(c.frame.dlc, 8);
    }
  };
  p.feed(noise.data(), noise.size(), on);
  EXPECT_EQ(answered, lines);
  EXPECT_GT(p.oversized(), 0u);
  // Whatever the noise left, a '\r' resynchronises and the adapter works.
  const std::string after = "\rC\rO\rt1230\r";
  p.feed(after.data(), after.size(), on);
  EXPECT_EQ(reply.substr(reply.size() - 2), "z\r");
  // Every answer ends in '\r' or is a BEL.
  EXPECT_EQ(static_cast<std::size_t>(std::count(reply.begin(), reply.end(), '\r') +
                                     std::count(reply.begin(), reply.end(), '\a')),
            answered);
}

TEST(SlcanCodec, BusFramesAreWrittenAsPythonCanReadsThem) {
  bus::CanFrame f;
  f.id = 0x351;
  f.dlc = 8;
  f.data = {0x2D, 0x02, 0xF4, 0x01, 0xEE, 0x02, 0xC8, 0x01};
  std::string out;
  append_slcan_frame(out, f, false, 0);
  EXPECT_EQ(out, "t35182D02F401EE02C801\r");
  // python-can: id = int(s[1:4], 16), dlc = int(s[4]), data from s[5:].
  EXPECT_EQ(std::stoul(out.substr(1, 3), nullptr, 16), 0x351u);
  f.id = 0x1806E5F4;
  f.extended = true;
  f.dlc = 2;
  out.clear();
  append_slcan_frame(out, f, false, 0);
  EXPECT_EQ(out, "T1806E5F422D02\r");
  // A remote frame has its length and no data; a DLC above 8 is written 8.
  f.rtr = true;
  f.dlc = 12;
  out.clear();
  append_slcan_frame(out, f, false, 0);
  EXPECT_EQ(out, "R1806E5F48\r");
  // What is written parses back.
  f.rtr = false;
  f.dlc = 8;
  out.clear();
  append_slcan_frame(out, f, false, 0);
  const SlcanCommand back = parse_slcan(out.substr(0, out.size() - 1));
  ASSERT_EQ(back.kind, K::kFrame) << back.error;
  EXPECT_EQ(back.frame.id, f.id);
  EXPECT_EQ(back.frame.data, f.data);
}

TEST(SlcanCodec, TimestampsAreMillisecondsModulo60000InFourHexDigits) {
  EXPECT_EQ(slcan_timestamp_ms(0), 0);
  EXPECT_EQ(slcan_timestamp_ms(59'999'999'999), 59999);
  EXPECT_EQ(slcan_timestamp_ms(60'000'000'000), 0);
  EXPECT_EQ(slcan_timestamp_ms(61'234'567'890), 1234);
  bus::CanFrame f;
  f.id = 0x7FF;
  f.dlc = 1;
  f.data[0] = 0x5A;
  std::string out;
  append_slcan_frame(out, f, true, 61'234'567'890);  // 1234 ms = 0x04D2
  EXPECT_EQ(out, "t7FF15A04D2\r");
  out.clear();
  append_slcan_frame(out, f, true, 119'999'000'000);  // 59999 ms = 0xEA5F
  EXPECT_EQ(out, "t7FF15AEA5F\r");
}

}  // namespace
}  // namespace stacksim::io
