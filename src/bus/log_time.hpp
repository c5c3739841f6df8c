// The "(seconds.micros)" timestamps of the bus logs (candump and RS485):
// simulated nanoseconds truncated toward zero to microseconds, written as
// candump -l does, "(%010lld.%06lld)".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stacksim::bus {

// Appends "(SSSSSSSSSS.UUUUUU)". Precondition: t_ns >= 0.
void append_log_time(std::string& out, std::int64_t t_ns);

// Parses "(S.F)" with 1..19 second digits and 1..9 fraction digits into ns;
// nullopt if the text is anything else or overflows.
std::optional<std::int64_t> parse_log_time(std::string_view text);

// Splits off the next blank-separated field of `rest` (blanks: ' ', '\t').
std::string_view next_log_field(std::string_view& rest);

// Appends the two upper-case hex digits of b.
inline void append_hex_byte(std::string& out, std::uint8_t b) {
  constexpr char kHex[] = "0123456789ABCDEF";
  out += kHex[b >> 4];
  out += kHex[b & 15];
}

// The value of a hex digit, or -1.
constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// `field` in double quotes for an error message: at most 40 characters,
// anything but printable ASCII shown as '?' (log bytes are hostile).
std::string quote_log_field(std::string_view field);

// A problem found while reading a log, to be reported as "file:line: message".
struct LogError {
  int line = 0;
  std::string message;
};

}  // namespace stacksim::bus
