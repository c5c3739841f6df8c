#include "util/json_document.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace stacksim {

namespace {

using nlohmann::json;

// Byte offset -> 1-based line and column (columns count bytes, as nlohmann and
// most editors' byte-oriented tooling do).
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') starts_.push_back(i + 1);
    }
  }

  SourceLocation at(std::size_t offset) const {
    const auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
    const auto line = static_cast<std::size_t>(it - starts_.begin());
    const std::size_t start = starts_[line - 1];
    return SourceLocation{static_cast<int>(line),
                          static_cast<int>(offset - start + 1)};
  }

 private:
  std::vector<std::size_t> starts_;
};

// nlohmann keeps no positions, so a second pass over the (already validated)
// text finds where each value starts and notices duplicate keys, which
// nlohmann silently resolves to the last one. Iterative, so deeply nested
// input cannot overflow the stack. Every read is bounds-checked anyway: in the
// number-overflow path the text after the bad number was never validated.
class Scanner {
 public:
  Scanner(std::string_view text, const LineIndex& lines, const std::string& file,
          std::map<std::string, SourceLocation>& locations, Diagnostics& diags)
      : text_(text), lines_(lines), file_(file), locations_(locations),
        diags_(diags) {}

  // In this mode the scan stops at the first number nlohmann cannot hold.
  void find_overflow() { find_overflow_ = true; }
  std::optional<SourceLocation> overflow() const { return overflow_; }

  // False if the text was not a complete JSON value or a key was repeated.
  bool scan();

 private:
  struct Frame {
    bool object;
    std::string pointer;
    std::size_t next_index = 0;
    std::map<std::string, SourceLocation, std::less<>> keys;
  };

  bool at(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  void skip_ws() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
            text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool skip_string();
  bool read_key(std::string& key);
  bool skip_scalar();
  bool begin_member(Frame& frame, std::string& pointer);

  std::string_view text_;
  const LineIndex& lines_;
  const std::string& file_;
  std::map<std::string, SourceLocation>& locations_;
  Diagnostics& diags_;
  std::size_t pos_ = 0;
  bool duplicates_ = false;
  bool find_overflow_ = false;
  std::optional<SourceLocation> overflow_;
};

// At the opening quote; leaves pos_ after the closing one.
bool Scanner::skip_string() {
  for (++pos_; pos_ < text_.size(); ++pos_) {
    if (text_[pos_] == '\\') {
      ++pos_;
    } else if (text_[pos_] == '"') {
      ++pos_;
      return true;
    }
  }
  return false;
}

// Keys are compared and put into pointers decoded ("a" and "\u0061" are the
// same key), exactly as nlohmann decodes them, so it does the decoding.
bool Scanner::read_key(std::string& key) {
  const std::size_t start = pos_;
  if (!skip_string()) return false;
  const std::string_view token = text_.substr(start, pos_ - start);
  if (token.find('\\') == std::string_view::npos) {
    key.assign(token.substr(1, token.size() - 2));
    return true;
  }
  try {
    key = json::parse(token.begin(), token.end()).get<std::string>();
  } catch (const json::exception&) {
    return false;
  }
  return true;
}

// Numbers and the literals true/false/null.
bool Scanner::skip_scalar() {
  const std::size_t start = pos_;
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    const bool token_char = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                            (c >= 'A' && c <= 'Z') || c == '+' || c == '-' ||
                            c == '.';
    if (!token_char) break;
    ++pos_;
  }
  if (pos_ == start) return false;
  const char first = text_[start];
  if (find_overflow_ && (first == '-' || (first >= '0' && first <= '9'))) {
    // Ask nlohmann itself, so "too large" means exactly what it means there.
    const std::string_view token = text_.substr(start, pos_ - start);
    try {
      [[maybe_unused]] const json parsed = json::parse(token.begin(), token.end());
    } catch (const json::out_of_range&) {
      overflow_ = lines_.at(start);
      return false;
    } catch (const json::exception&) {
      return false;
    }
  }
  return true;
}

// After '{' or ',' (whitespace skipped): sets `pointer` to the next member's.
bool Scanner::begin_member(Frame& frame, std::string& pointer) {
  if (!frame.object) {
    pointer = json_pointer_append(frame.pointer, frame.next_index++);
    return true;
  }
  if (!at('"')) return false;
  const SourceLocation key_location = lines_.at(pos_);
  std::string key;
  if (!read_key(key)) return false;
  pointer = json_pointer_append(frame.pointer, key);
  const auto [it, inserted] = frame.keys.emplace(key, key_location);
  if (!inserted) {
    // Keep scanning: every duplicate in the file is reported in one go.
    duplicates_ = true;
    diags_.add(file_, pointer, key_location,
               "duplicate key '" + key + "' (first at line " +
                   std::to_string(it->second.line) + "); expected each key once");
  }
  skip_ws();
  if (!at(':')) return false;
  ++pos_;
  return true;
}

bool Scanner::scan() {
  std::vector<Frame> stack;
  std::string pointer;
  for (;;) {
    skip_ws();
    if (pos_ >= text_.size()) return false;
    locations_[pointer] = lines_.at(pos_);
    const char c = text_[pos_];
    if (c == '{' || c == '[') {
      ++pos_;
      skip_ws();
      if (!at(c == '{' ? '}' : ']')) {
        stack.push_back(Frame{c == '{', pointer, 0, {}});
        if (!begin_member(stack.back(), pointer)) return false;
        continue;
      }
      ++pos_;  // empty container: the value is complete
    } else if (c == '"') {
      if (!skip_string()) return false;
    } else if (!skip_scalar()) {
      return false;
    }
    // A value ended: close finished containers until one has a next member.
    for (;;) {
      skip_ws();
      if (stack.empty()) return pos_ == text_.size() && !duplicates_;
      Frame& top = stack.back();
      if (at(',')) {
        ++pos_;
        skip_ws();
        if (!begin_member(top, pointer)) return false;
        break;
      }
      if (!at(top.object ? '}' : ']')) return false;
      ++pos_;
      stack.pop_back();
    }
  }
}

// nlohmann's what() starts with "[json.exception.parse_error.101] parse error
// at line 1, column 5: "; the location is reported separately, so drop it.
std::string parse_error_message(const json::exception& e,
                                std::string_view expectation) {
  std::string message = e.what();
  const std::size_t bracket = message.find("] ");
  if (message.rfind("[json.exception.", 0) == 0 && bracket != std::string::npos) {
    message.erase(0, bracket + 2);
  }
  if (message.rfind("parse error", 0) == 0) {
    const std::size_t colon = message.find(": ");
    if (colon != std::string::npos) message.erase(0, colon + 2);
  }
  // Lexer errors ("invalid literal; last read: 'tru'") name no expectation.
  if (message.find("expected") == std::string::npos) {
    message += "; expected ";
    message += expectation;
  }
  return message;
}

}  // namespace

std::string json_pointer_token(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (const char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string json_pointer_append(const std::string& pointer, std::string_view key) {
  return pointer + '/' + json_pointer_token(key);
}

std::string json_pointer_append(const std::string& pointer, std::size_t index) {
  return pointer + '/' + std::to_string(index);
}

SourceLocation JsonDocument::locate(const std::string& pointer) const {
  std::string p = pointer;
  for (;;) {
    const auto it = locations.find(p);
    if (it != locations.end()) return it->second;
    if (p.empty()) return SourceLocation{};
    // Escaped tokens contain no '/', so the last '/' starts the last token.
    const std::size_t slash = p.rfind('/');
    p.erase(slash == std::string::npos ? 0 : slash);
  }
}

std::optional<JsonDocument> parse_json_document(std::string file_label,
                                                std::string_view text,
                                                Diagnostics& diags) {
  // Editors on some platforms write a UTF-8 byte order mark; it is not part of
  // the JSON text and not a visible column.
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());

  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    diags.add(std::move(file_label), "", SourceLocation{1, 1},
              "the document is empty; expected a JSON value");
    return std::nullopt;
  }

  const LineIndex lines(text);
  JsonDocument doc;
  doc.file = std::move(file_label);
  try {
    doc.root = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    // e.byte is the 1-based index of the byte that could not be used, one
    // past the end for truncated input.
    const std::size_t offset = std::min(e.byte == 0 ? 0 : e.byte - 1, text.size());
    diags.add(doc.file, "", lines.at(offset), parse_error_message(e, "a valid JSON value"));
    return std::nullopt;
  } catch (const json::exception& e) {
    // Number overflow (out_of_range.406) carries no position; find the number.
    std::map<std::string, SourceLocation> ignored;
    Diagnostics no_diags;
    Scanner finder(text, lines, doc.file, ignored, no_diags);
    finder.find_overflow();
    (void)finder.scan();
    diags.add(doc.file, "", finder.overflow().value_or(SourceLocation{}),
              parse_error_message(e, "a finite number"));
    return std::nullopt;
  }

  const std::size_t before = diags.size();
  Scanner scanner(text, lines, doc.file, doc.locations, diags);
  if (scanner.scan()) return doc;
  // Only duplicates should fail here; a nullopt must never come without a
  // reason the user can see.
  if (diags.size() == before) {
    diags.add(doc.file, "", SourceLocation{},
              "internal error: could not record where values are; expected the "
              "location scanner to accept valid JSON");
  }
  return std::nullopt;
}

std::optional<JsonDocument> load_json_file(const std::filesystem::path& path,
                                           std::string file_label,
                                           Diagnostics& diags) {
  const auto fail = [&](int error) -> std::optional<JsonDocument> {
    diags.add(file_label, "", SourceLocation{},
              "cannot read file: " +
                  std::error_code(error, std::generic_category()).message());
    return std::nullopt;
  };
  // C stdio rather than iostreams: it reports why (errno), iostreams do not.
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return fail(errno);
  std::string text;
  char buffer[65536];
  errno = 0;
  for (;;) {
    const std::size_t n = std::fread(buffer, 1, sizeof buffer, f);
    text.append(buffer, n);
    if (n < sizeof buffer) break;
  }
  const int read_errno = errno != 0 ? errno : EIO;
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return fail(read_errno);
  return parse_json_document(std::move(file_label), text, diags);
}

}  // namespace stacksim
