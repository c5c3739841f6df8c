// The candump log format (can-utils "candump -l", python-can
// CanutilsLogReader): one frame per line,
//   (0000000001.000123) pcs 351#1402C012C012C201
// with simulated time in seconds.micros, a 3-digit identifier for standard
// frames and 8 digits for extended ones, upper-case hex, "R" (+ DLC) for
// remote frames and "_X" after 8 data bytes for a DLC of 9..15
// (docs/bus-logs.md). The reader also accepts what newer can-utils write: a
// trailing direction field "R"/"T" and '.' between data bytes; CAN FD lines
// ("##") are reported, as is anything else it cannot read. Bytes of a log
// are hostile: a bad line is a counted error, never a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bus/can_frame.hpp"
#include "bus/log_reader.hpp"
#include "bus/log_time.hpp"

namespace stacksim::bus {

struct CandumpRecord {
  std::int64_t t_ns = 0;
  std::string iface;
  CanFrame frame;
  char direction = 0;  // 'R' or 'T' when the line carried one, else 0
};

// Appends one line, '\n' included. Preconditions: can_frame_valid(f),
// t_ns >= 0, iface not empty and without blanks.
void append_candump_line(std::string& out, std::int64_t t_ns, std::string_view iface, const CanFrame& f);
// The same line without the '\n'.
std::string candump_line(std::int64_t t_ns, std::string_view iface, const CanFrame& f);

// One line without its '\n' (a trailing '\r' is allowed); on failure returns
// nullopt and says what was expected in `error`.
std::optional<CandumpRecord> parse_candump_line(std::string_view line, std::string& error);

// Streams frames out of a log; blank lines are skipped, malformed lines are
// skipped and counted (log_reader.hpp).
class CandumpReader : public LogLineReader<CandumpRecord> {
 public:
  explicit CandumpReader(std::istream& in) : LogLineReader(in, parse_candump_line, false) {}
};

struct CandumpLog {
  std::vector<CandumpRecord> records;
  std::size_t error_count = 0;
  std::vector<LogError> errors;  // the first LogLineReader::kMaxKeptErrors
};
CandumpLog read_candump(std::istream& in);

// "file:line: message".
std::string format_log_error(std::string_view file, const LogError& e);

}  // namespace stacksim::bus
