// Hostile input never crashes the socketcand parser and never yields an
// invalid frame: random bytes, random mixes of protocol tokens, and random
// mutations of valid messages, fed in random pieces. Every frame that comes
// out must fit its format (can_frame_valid), which the gateway relies on.
// Run under the asan build for full value.
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "io/socketcand_codec.hpp"

namespace stacksim::io {
namespace {

// Feeds `text` in random pieces; checks every command and returns how many came.
std::size_t exercise(SocketcandParser& p, const std::string& text, std::mt19937_64& rng) {
  std::size_t commands = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t n = std::min<std::size_t>(text.size() - at, 1 + rng() % 97);
    p.feed(text.data() + at, n, [&](const SocketcandCommand& c) {
      ++commands;
      if (c.kind == SocketcandCommand::Kind::kSend) {
        EXPECT_TRUE(bus::can_frame_valid(c.frame)) << text;
        EXPECT_LE(c.frame.dlc, 8);
      }
      if (c.kind == SocketcandCommand::Kind::kMalformed || c.kind == SocketcandCommand::Kind::kOther) {
        EXPECT_FALSE(c.error.empty());
      }
    });
    at += n;
  }
  return commands;
}

TEST(SocketcandFuzz, RandomBytesTokensAndMutationsNeverBreakTheParser) {
  std::mt19937_64 rng(20261207);
  static const char* const kTokens[] = {"<", ">", " ", "send", "open", "rawmode", "echo", "can0", "1FFFFFFF",
                                        "20000000", "7FF", "800", "8", "9", "0", "ff", "100", "\r\n", "frame"};
  SocketcandParser p;
  std::size_t commands = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    switch (round % 3) {
      case 0:  // bytes
        for (int k = 0; k < 1 + static_cast<int>(rng() % 300); ++k) text += static_cast<char>(rng() % 256);
        break;
      case 1:  // tokens
        for (int k = 0; k < 1 + static_cast<int>(rng() % 40); ++k) text += kTokens[rng() % std::size(kTokens)];
        break;
      default: {  // a valid send, mutated
        text = "< send 1806E5F4 8 1 2 3 4 5 6 7 8 >";
        for (int k = 0; k < 1 + static_cast<int>(rng() % 4); ++k) {
          text[rng() % text.size()] = static_cast<char>(rng() % 128);
        }
      }
    }
    commands += exercise(p, text, rng);
  }
  // The corpus holds complete messages often enough that the parser is
  // exercised past its framing.
  EXPECT_GT(commands, 5000u);
  EXPECT_GT(p.skipped_bytes(), 0u);
}

}  // namespace
}  // namespace stacksim::io
