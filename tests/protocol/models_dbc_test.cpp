// Every product DBC under models/dbc/ loads without a single diagnostic, and
// every message of it packs and unpacks all its signals side by side.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "protocol/codec.hpp"
#include "protocol/dbc.hpp"

namespace stacksim::protocol {
namespace {

std::vector<std::filesystem::path> model_dbc_files() {
  std::vector<std::filesystem::path> files;
  const auto dir = std::filesystem::path(STACKSIM_DATA_DIR) / "models/dbc";
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".dbc") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// A raw value that uses the whole field: alternating bits, sign-extended
// for signed signals.
std::int64_t pattern_raw(const Signal& s, std::uint64_t pattern) {
  const std::uint64_t mask = s.length >= 64 ? ~0ull : (1ull << s.length) - 1;
  std::uint64_t raw = pattern & mask;
  if (s.is_signed && s.length < 64 && (raw >> (s.length - 1)) != 0) raw |= ~mask;
  return static_cast<std::int64_t>(raw);
}

bool raw_fits(const Signal& s, std::int64_t raw) {
  if (s.length >= 64) return true;
  if (s.is_signed) {
    const std::int64_t half = std::int64_t{1} << (s.length - 1);
    return raw >= -half && raw < half;
  }
  return raw >= 0 && static_cast<std::uint64_t>(raw) < (std::uint64_t{1} << s.length);
}

TEST(ModelDbc, EveryFileLoadsWithZeroDiagnostics) {
  const auto files = model_dbc_files();
  ASSERT_FALSE(files.empty()) << "no .dbc files under " << STACKSIM_DATA_DIR << "/models/dbc";
  for (const auto& file : files) {
    Diagnostics d;
    const auto dbc = Dbc::load(file, d);
    EXPECT_TRUE(dbc.has_value()) << d.format();
    EXPECT_TRUE(d.empty()) << d.format();
    if (dbc) {
      EXPECT_FALSE(dbc->messages().empty()) << file;
    }
  }
}

TEST(ModelDbc, EveryMessagePacksAllItsSignalsSideBySide) {
  for (const auto& file : model_dbc_files()) {
    Diagnostics d;
    const auto dbc = Dbc::load(file, d);
    if (!dbc) continue;  // reported by the test above
    for (const Message& m : dbc->messages()) {
      MessageCodec codec(m);
      // One pass per multiplexor value in use (one pass for plain messages).
      std::set<std::int64_t> pages{0};
      for (const Signal& s : m.signals) {
        if (s.mux == Signal::Mux::kMultiplexed) pages.insert(s.mux_value);
      }
      for (const std::int64_t page : pages) {
        for (const std::uint64_t pattern : {0x5555555555555555ull, 0xAAAAAAAAAAAAAAAAull, ~0ull}) {
          std::vector<std::int64_t> raw(codec.size());
          for (std::size_t i = 0; i < m.signals.size(); ++i) {
            raw[i] = m.signals[i].mux == Signal::Mux::kMultiplexor ? page : pattern_raw(m.signals[i], pattern);
          }
          std::array<std::uint8_t, 8> data{};
          codec.encode_raw(raw.data(), data.data());
          std::vector<std::int64_t> back(codec.size());
          codec.decode_raw(data.data(), back.data());
          for (std::size_t i = 0; i < m.signals.size(); ++i) {
            const Signal& s = m.signals[i];
            if (s.mux == Signal::Mux::kMultiplexed && s.mux_value != page) continue;
            EXPECT_EQ(back[i], raw[i]) << file << ": " << m.name << "." << s.name;
          }
        }
      }
      // The documented range must be representable, or the DBC contradicts itself.
      for (const Signal& s : m.signals) {
        if (s.minimum == 0.0 && s.maximum == 0.0) continue;  // "no range given"
        EXPECT_TRUE(raw_fits(s, to_raw(s, s.minimum)) && raw_fits(s, to_raw(s, s.maximum)))
            << file << ": " << m.name << "." << s.name << " [" << s.minimum << "|" << s.maximum
            << "] does not fit " << s.length << (s.is_signed ? " signed" : " unsigned") << " bits";
      }
    }
  }
}

}  // namespace
}  // namespace stacksim::protocol
