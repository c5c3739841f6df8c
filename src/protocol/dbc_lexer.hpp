// Splits DBC text into tokens with their line and column. Strings may span
// lines (CM_ comments) and use \" and \\ escapes. Anything that is not a
// token (a stray byte, an unterminated string) becomes a kError token, so the
// parser reports it with its place and goes on.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace stacksim::protocol {

struct DbcToken {
  enum class Kind { kIdent, kNumber, kString, kPunct, kError, kEnd };
  Kind kind = Kind::kEnd;
  std::string_view text;  // as written (strings: with quotes)
  std::string value;      // strings: unescaped contents; errors: the reason
  int line = 0;
  int column = 0;
};

// The last token is always kEnd.
std::vector<DbcToken> lex_dbc(std::string_view text);

}  // namespace stacksim::protocol
