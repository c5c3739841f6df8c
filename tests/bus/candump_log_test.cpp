// The candump log format: lines exactly as can-utils writes them, and a
// reader that takes them back and reports what it cannot read.
#include "bus/candump_log.hpp"

#include <random>
#include <sstream>

#include <gtest/gtest.h>

namespace stacksim::bus {
namespace {

CanFrame frame(std::uint32_t id, bool extended, std::initializer_list<std::uint8_t> bytes) {
  CanFrame f;
  f.id = id;
  f.extended = extended;
  f.dlc = static_cast<std::uint8_t>(bytes.size());
  std::copy(bytes.begin(), bytes.end(), f.data.begin());
  return f;
}

// The expected strings follow candump -l: "(%010lu.%06lu) %s %s" with
// "%03X#" / "%08X#" identifiers and "%02X" bytes (can-utils lib.c).
TEST(CandumpLog, WritesLinesLikeCandump) {
  EXPECT_EQ(candump_line(1'000'123'000, "pcs", frame(0x351, false, {0x14, 0x02, 0xC0, 0x12, 0xC0, 0x12, 0xC2, 0x01})),
            "(0000000001.000123) pcs 351#1402C012C012C201");
  // Truncated toward zero: 999 ns past the micro are dropped.
  EXPECT_EQ(candump_line(2'000'000'999, "can0", frame(0x18FF50E5, true, {0xCD, 0x0D})),
            "(0000000002.000000) can0 18FF50E5#CD0D");
  EXPECT_EQ(candump_line(0, "pcs", frame(0x005, false, {})), "(0000000000.000000) pcs 005#");
  CanFrame remote = frame(0x123, false, {});
  remote.rtr = true;
  EXPECT_EQ(candump_line(7, "pcs", remote), "(0000000000.000000) pcs 123#R");
  remote.dlc = 4;
  EXPECT_EQ(candump_line(7, "pcs", remote), "(0000000000.000000) pcs 123#R4");
  CanFrame long_dlc = frame(0x7FF, false, {1, 2, 3, 4, 5, 6, 7, 8});
  long_dlc.dlc = 12;
  EXPECT_EQ(candump_line(0, "pcs", long_dlc), "(0000000000.000000) pcs 7FF#0102030405060708_C");
  // The latest time there is still fits the 10 digits.
  EXPECT_EQ(candump_line(INT64_MAX, "x", frame(0, true, {0xAB})), "(9223372036.854775) x 00000000#AB");
}

TEST(CandumpLog, ReadsBackWhatItWrites) {
  std::mt19937_64 rng(7);
  std::string text;
  std::vector<CandumpRecord> written;
  std::int64_t t = 0;
  for (int i = 0; i < 5000; ++i) {
    CandumpRecord r;
    t += static_cast<std::int64_t>(rng() % 3'000'000'000ull);
    r.t_ns = t / 1000 * 1000;  // the format keeps microseconds
    r.iface = i % 2 == 0 ? "pcs" : "vcan12";
    r.frame.extended = (rng() & 1) != 0;
    r.frame.id = static_cast<std::uint32_t>(rng() & (r.frame.extended ? 0x1FFFFFFF : 0x7FF));
    r.frame.rtr = rng() % 10 == 0;
    r.frame.dlc = static_cast<std::uint8_t>(rng() % 16);
    if (!r.frame.rtr && r.frame.dlc > 8 && rng() % 2 == 0) r.frame.dlc = 8;
    for (int k = 0; k < can_data_bytes(r.frame); ++k) r.frame.data[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(rng());
    append_candump_line(text, r.t_ns, r.iface, r.frame);
    written.push_back(r);
  }
  std::istringstream in(text);
  const CandumpLog log = read_candump(in);
  EXPECT_EQ(log.error_count, 0u);
  ASSERT_EQ(log.records.size(), written.size());
  for (std::size_t i = 0; i < written.size(); ++i) {
    const CandumpRecord& a = written[i];
    const CandumpRecord& b = log.records[i];
    ASSERT_EQ(b.t_ns, a.t_ns) << i;
    ASSERT_EQ(b.iface, a.iface) << i;
    ASSERT_EQ(b.frame.id, a.frame.id) << i;
    ASSERT_EQ(b.frame.extended, a.frame.extended) << i;
    ASSERT_EQ(b.frame.rtr, a.frame.rtr) << i;
    ASSERT_EQ(b.frame.dlc, a.frame.dlc) << i;
    ASSERT_EQ(b.frame.data, a.frame.data) << i;
  }
}

TEST(CandumpLog, AcceptsWhatOtherToolsWrite) {
  std::istringstream in(
      "(1700000000.123456) can0 351#14.02.C0.12 R\r\n"   // separators, direction, CRLF
      "\n"
      "   \t\n"
      "(0.5) vcan0 18FF50E5#CD0D t\n"                     // python-can style time, lower-case direction
      "(1.000000001) can1 123#r4\n");                    // nanoseconds, lower-case r
  const CandumpLog log = read_candump(in);
  EXPECT_EQ(log.error_count, 0u);
  ASSERT_EQ(log.records.size(), 3u);
  EXPECT_EQ(log.records[0].t_ns, 1'700'000'000'123'456'000);
  EXPECT_EQ(log.records[0].direction, 'R');
  EXPECT_EQ(log.records[0].frame.dlc, 4);
  EXPECT_EQ(log.records[0].frame.data[3], 0x12);
  EXPECT_EQ(log.records[1].t_ns, 500'000'000);
  EXPECT_EQ(log.records[1].direction, 'T');
  EXPECT_TRUE(log.records[1].frame.extended);
  EXPECT_EQ(log.records[2].t_ns, 1'000'000'001);
  EXPECT_TRUE(log.records[2].frame.rtr);
  EXPECT_EQ(log.records[2].frame.dlc, 4);
  EXPECT_EQ(log.records[2].direction, 0);
}

TEST(CandumpLog, ReportsEveryMalformedLineWithItsNumberAndGoesOn) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"1.000000 pcs 351#00", "expected a timestamp"},
      {"(1.000000 pcs 351#00", "expected a timestamp"},
      {"(1.0000000000) pcs 351#00", "expected a timestamp"},           // 10 fraction digits
      {"(99999999999999999999.0) pcs 351#00", "expected a timestamp"},  // overflows
      {"(1.0) pcs", "expected \"(time) interface ID#DATA\""},
      {"(1.0) pcs 351", "found no '#'"},
      {"(1.0) pcs 3510#00", "3-digit (standard) or 8-digit (extended)"},
      {"(1.0) pcs 35G#00", "expected a hex identifier"},
      {"(1.0) pcs 800#00", "identifier 800 out of range"},
      {"(1.0) pcs 20000000#00", "error frames"},
      {"(1.0) pcs 351##1AABB", "CAN FD frames (##) are not supported"},
      {"(1.0) pcs 351#0", "pairs of hex digits"},
      {"(1.0) pcs 351#0011223344556677889", "at most 8 data bytes"},
      {"(1.0) pcs 351#001122_9", "after 8 data bytes"},
      {"(1.0) pcs 351#RX", "hex DLC digit"},
      {"(1.0) pcs 351#00 X", "direction R/T"},
      {"(1.0) pcs 351#00 R extra", "expected the end of the line"},
      {std::string("(1.0) pcs 351#0\x01", 16), "pairs of hex digits, found \"0?\""},
  };
  std::string text;
  for (const auto& [line, why] : bad) text += line + "\n(2.0) pcs 305#\n";
  std::istringstream in(text);
  const CandumpLog log = read_candump(in);
  EXPECT_EQ(log.records.size(), bad.size());  // every good line in between
  ASSERT_EQ(log.error_count, bad.size());
  ASSERT_EQ(log.errors.size(), bad.size());
  for (std::size_t i = 0; i < bad.size(); ++i) {
    EXPECT_EQ(log.errors[i].line, static_cast<int>(2 * i + 1)) << bad[i].first;
    EXPECT_NE(log.errors[i].message.find(bad[i].second), std::string::npos)
        << bad[i].first << " -> " << log.errors[i].message;
  }
  EXPECT_EQ(format_log_error("x.log", log.errors[5]), "x.log:11: expected ID#DATA, found no '#'");
}

TEST(CandumpLog, RandomBytesNeverCrashTheReader) {
  std::mt19937 rng(11);
  const std::string alphabet = "()0123456789.#RrTt_ abcdefABCDEFxX\n\t\r";
  for (int i = 0; i < 2000; ++i) {
    std::string text(rng() % 300, '\0');
    for (char& c : text) c = i % 2 == 0 ? static_cast<char>(rng()) : alphabet[rng() % alphabet.size()];
    std::istringstream in(text);
    const CandumpLog log = read_candump(in);
    for (const CandumpRecord& r : log.records) EXPECT_TRUE(can_frame_valid(r.frame));
  }
}

}  // namespace
}  // namespace stacksim::bus
