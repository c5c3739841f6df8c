#include "protocol/dbc_lexer.hpp"

#include <cctype>
#include <cstddef>

namespace stacksim::protocol {
namespace {

bool is_ident_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }

std::string describe_byte(char c) {
  const auto b = static_cast<unsigned char>(c);
  if (b >= 0x21 && b < 0x7F) return std::string("unexpected character '") + c + "'";
  static constexpr char kHex[] = "0123456789ABCDEF";
  return std::string("unexpected byte 0x") + kHex[b >> 4] + kHex[b & 15];
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  std::vector<DbcToken> run() {
    std::vector<DbcToken> out;
    for (;;) {
      skip_blanks();
      DbcToken t;
      t.line = line_;
      t.column = static_cast<int>(pos_ - line_start_) + 1;
      if (pos_ >= text_.size()) {
        out.push_back(std::move(t));
        return out;
      }
      const std::size_t begin = pos_;
      const char c = text_[pos_];
      if (is_ident_start(c)) {
        while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
        t.kind = DbcToken::Kind::kIdent;
      } else if (starts_number()) {
        lex_number();
        t.kind = DbcToken::Kind::kNumber;
      } else if (c == '"') {
        lex_string(t);
      } else if (std::string_view(":;|@()[],+-").find(c) != std::string_view::npos) {
        ++pos_;
        t.kind = DbcToken::Kind::kPunct;
      } else {
        ++pos_;
        t.kind = DbcToken::Kind::kError;
        t.value = describe_byte(c);
      }
      t.text = text_.substr(begin, pos_ - begin);
      out.push_back(std::move(t));
    }
  }

 private:
  char at(std::size_t i) const { return i < text_.size() ? text_[i] : '\0'; }

  void newline() {
    ++line_;
    line_start_ = pos_ + 1;
  }

  void skip_blanks() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\n') {
        newline();
      } else if (c == '/' && at(pos_ + 1) == '/') {
        // Not in Vector's grammar, but cantools accepts // line comments.
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
        continue;
      } else if (c != ' ' && c != '\t' && c != '\r' && c != '\f' && c != '\v') {
        return;
      }
      ++pos_;
    }
  }

  // A sign is part of a number only when a digit (or ".digit") follows at
  // once: "@1+ (" keeps its '+' as punctuation, "-40" is one token.
  bool starts_number() const {
    std::size_t i = pos_;
    if (at(i) == '+' || at(i) == '-') ++i;
    if (is_digit(at(i))) return true;
    return at(i) == '.' && is_digit(at(i + 1));
  }

  void lex_number() {
    if (at(pos_) == '+' || at(pos_) == '-') ++pos_;
    if (at(pos_) == '0' && (at(pos_ + 1) == 'x' || at(pos_ + 1) == 'X')) {
      pos_ += 2;
      while (std::isxdigit(static_cast<unsigned char>(at(pos_)))) ++pos_;
      return;
    }
    while (is_digit(at(pos_))) ++pos_;
    if (at(pos_) == '.') {
      ++pos_;
      while (is_digit(at(pos_))) ++pos_;
    }
    if ((at(pos_) == 'e' || at(pos_) == 'E') &&
        (is_digit(at(pos_ + 1)) || ((at(pos_ + 1) == '+' || at(pos_ + 1) == '-') && is_digit(at(pos_ + 2))))) {
      pos_ += 2;
      while (is_digit(at(pos_))) ++pos_;
    }
  }

  void lex_string(DbcToken& t) {
    ++pos_;  // opening quote
    for (;;) {
      if (pos_ >= text_.size()) {
        t.kind = DbcToken::Kind::kError;
        t.value = "unterminated string (expected a closing '\"')";
        return;
      }
      const char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        t.kind = DbcToken::Kind::kString;
        return;
      }
      if (c == '\\' && (at(pos_ + 1) == '"' || at(pos_ + 1) == '\\')) {
        t.value += text_[pos_ + 1];
        pos_ += 2;
        continue;
      }
      if (c == '\n') newline();
      t.value += c;
      ++pos_;
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_start_ = 0;
  int line_ = 1;
};

}  // namespace

std::vector<DbcToken> lex_dbc(std::string_view text) { return Lexer(text).run(); }

}  // namespace stacksim::protocol
