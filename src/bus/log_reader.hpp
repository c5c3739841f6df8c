// Reading a line-oriented bus log (candump, RS485): one record per line,
// blank lines (and, where the format has them, '#' comments) skipped, every
// line the parser rejects counted and kept with its line number, and
// reading going on at the next line. Log bytes are hostile: nothing here
// stops at a bad line.
#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bus/log_time.hpp"

namespace stacksim::bus {

template <typename Record>
class LogLineReader {
 public:
  using Parse = std::optional<Record> (*)(std::string_view line, std::string& error);
  static constexpr std::size_t kMaxKeptErrors = 1000;

  LogLineReader(std::istream& in, Parse parse, bool hash_comments)
      : in_(in), parse_(parse), hash_comments_(hash_comments) {}

  // The next record; false at the end of the input.
  bool next(Record& out) {
    while (std::getline(in_, text_)) {
      ++line_number_;
      const auto first = text_.find_first_not_of(" \t\r");
      if (first == std::string::npos || (hash_comments_ && text_[first] == '#')) continue;
      std::string error;
      if (auto r = parse_(text_, error)) {
        out = std::move(*r);
        return true;
      }
      ++error_count_;
      if (errors_.size() < kMaxKeptErrors) errors_.push_back(LogError{line_number_, std::move(error)});
    }
    return false;
  }
  std::size_t error_count() const { return error_count_; }
  // The first kMaxKeptErrors of them.
  const std::vector<LogError>& errors() const { return errors_; }

 private:
  std::istream& in_;
  Parse parse_;
  bool hash_comments_;
  std::string text_;
  int line_number_ = 0;
  std::size_t error_count_ = 0;
  std::vector<LogError> errors_;
};

}  // namespace stacksim::bus
