// The RS485 bus log: the documented line format, and a reader that takes it
// back and reports what it cannot read.
#include "bus/rs485_log.hpp"

#include <random>
#include <sstream>

#include <gtest/gtest.h>

namespace stacksim::bus {
namespace {

TEST(Rs485Log, WritesTheDocumentedFormat) {
  std::string out;
  const std::uint8_t a[] = {0x7E, 0x01, 0x02, 0xAB};
  append_rs485_line(out, 1'000'123'999, "link", "pack2", a, 4, false);
  append_rs485_line(out, 61'000'000'000, "gtx3000-1-internal", "bcu", a, 1, true);
  EXPECT_EQ(out,
            "(0000000001.000123) link node=pack2 7E 01 02 AB\n"
            "(0000000061.000000) gtx3000-1-internal node=bcu corrupted 7E\n");
  EXPECT_EQ(rs485_log_header().front(), '#');
  EXPECT_EQ(rs485_log_header().back(), '\n');
}

TEST(Rs485Log, ReadsBackWhatItWrites) {
  std::mt19937_64 rng(5);
  std::string text(rs485_log_header());
  std::vector<Rs485Record> written;
  for (int i = 0; i < 2000; ++i) {
    Rs485Record r;
    r.t_ns = static_cast<std::int64_t>(rng() % 100'000'000'000'000ull) / 1000 * 1000;
    r.line = i % 3 == 0 ? "link" : "s1-internal";
    r.node = "pack" + std::to_string(i % 7);
    r.corrupted = rng() % 5 == 0;
    r.bytes.resize(1 + rng() % 300);
    for (auto& b : r.bytes) b = static_cast<std::uint8_t>(rng());
    append_rs485_line(text, r.t_ns, r.line, r.node, r.bytes.data(), r.bytes.size(), r.corrupted);
    written.push_back(r);
  }
  std::istringstream in(text);
  Rs485LogReader reader(in);
  Rs485Record r;
  std::size_t i = 0;
  while (reader.next(r)) {
    ASSERT_LT(i, written.size());
    EXPECT_EQ(r.t_ns, written[i].t_ns);
    EXPECT_EQ(r.line, written[i].line);
    EXPECT_EQ(r.node, written[i].node);
    EXPECT_EQ(r.corrupted, written[i].corrupted);
    EXPECT_EQ(r.bytes, written[i].bytes);
    ++i;
  }
  EXPECT_EQ(i, written.size());
  EXPECT_EQ(reader.error_count(), 0u);
}

TEST(Rs485Log, ReportsEveryMalformedLineWithItsNumberAndGoesOn) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"link node=a 7E", "expected a timestamp"},
      {"(1.0) link", "expected \"(time) line node=NAME"},
      {"(1.0) link pack1 7E", "expected \"(time) line node=NAME"},
      {"(1.0) link node= 7E", "expected \"(time) line node=NAME"},
      {"(1.0) link node=a", "at least one byte"},
      {"(1.0) link node=a corrupted", "at least one byte"},
      {"(1.0) link node=a 7E 0", "two hex digits, found \"0\""},
      {"(1.0) link node=a 7E 0G", "two hex digits"},
      {"(1.0) link node=a 7E broken", "two hex digits, found \"broken\""},
  };
  std::string text = "# a comment\n";
  for (const auto& [line, why] : bad) text += line + "\n(2.0) link node=b 01\n";
  std::istringstream in(text);
  Rs485LogReader reader(in);
  Rs485Record r;
  std::size_t good = 0;
  while (reader.next(r)) ++good;
  EXPECT_EQ(good, bad.size());
  ASSERT_EQ(reader.error_count(), bad.size());
  for (std::size_t i = 0; i < bad.size(); ++i) {
    EXPECT_EQ(reader.errors()[i].line, static_cast<int>(2 * i + 2)) << bad[i].first;
    EXPECT_NE(reader.errors()[i].message.find(bad[i].second), std::string::npos)
        << bad[i].first << " -> " << reader.errors()[i].message;
  }
}

TEST(Rs485Log, RandomBytesNeverCrashTheReader) {
  std::mt19937 rng(13);
  for (int i = 0; i < 2000; ++i) {
    std::string text(rng() % 300, '\0');
    for (char& c : text) c = static_cast<char>(rng());
    std::istringstream in(text);
    Rs485LogReader reader(in);
    Rs485Record r;
    while (reader.next(r)) EXPECT_FALSE(r.bytes.empty());
  }
}

}  // namespace
}  // namespace stacksim::bus
