// The RS485 bus log: one burst per line, as the line carried it,
//   (0000000001.000123) link node=pack2 7E 01 02 03
//   (0000000001.000456) link node=pack1 corrupted 7E 00 02
// Fields: the time the burst's last stop bit ended (simulated, seconds.micros,
// truncated like candump), the line's name, the sending node, "corrupted"
// when the burst overlapped another one, then the bytes a receiver read, in
// upper-case hex. Lines starting with '#' are comments (the writer puts a
// header there); blank lines are ignored. docs/bus-logs.md has the details.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bus/log_reader.hpp"
#include "bus/log_time.hpp"

namespace stacksim::bus {

struct Rs485Record {
  std::int64_t t_ns = 0;  // end of the burst
  std::string line;
  std::string node;
  bool corrupted = false;
  std::vector<std::uint8_t> bytes;
};

// The comment line the writer starts a log with, '\n' included.
std::string_view rs485_log_header();

// Appends one line, '\n' included. Preconditions: t_ns >= 0, len >= 1, line
// and node not empty and without blanks.
void append_rs485_line(std::string& out, std::int64_t t_ns, std::string_view line, std::string_view node,
                       const std::uint8_t* data, std::size_t len, bool corrupted);

// One line without its '\n'; nullopt with what was expected in `error`.
std::optional<Rs485Record> parse_rs485_line(std::string_view text, std::string& error);

// Streams bursts out of a log; comments and blank lines are skipped,
// malformed lines are skipped and counted (log_reader.hpp).
class Rs485LogReader : public LogLineReader<Rs485Record> {
 public:
  explicit Rs485LogReader(std::istream& in) : LogLineReader(in, parse_rs485_line, true) {}
};

}  // namespace stacksim::bus
