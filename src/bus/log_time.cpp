#include "bus/log_time.hpp"

#include <cassert>

namespace stacksim::bus {

void append_log_time(std::string& out, std::int64_t t_ns) {
  assert(t_ns >= 0);
  const std::int64_t seconds = t_ns / 1'000'000'000;
  const std::int64_t micros = t_ns % 1'000'000'000 / 1000;
  char buf[32];
  int n = 0;
  // Digits backwards: 6 of micros, then at least 10 of seconds.
  std::int64_t m = micros;
  for (int i = 0; i < 6; ++i, m /= 10) buf[n++] = static_cast<char>('0' + m % 10);
  buf[n++] = '.';
  std::int64_t s = seconds;
  for (int i = 0; i < 10 || s > 0; ++i, s /= 10) buf[n++] = static_cast<char>('0' + s % 10);
  out += '(';
  while (n > 0) out += buf[--n];
  out += ')';
}

std::optional<std::int64_t> parse_log_time(std::string_view text) {
  if (text.size() < 5 || text.front() != '(' || text.back() != ')') return std::nullopt;
  const std::string_view body = text.substr(1, text.size() - 2);
  const auto dot = body.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view sec = body.substr(0, dot);
  const std::string_view frac = body.substr(dot + 1);
  if (sec.empty() || sec.size() > 19 || frac.empty() || frac.size() > 9) return std::nullopt;
  constexpr std::int64_t kMaxSeconds = INT64_MAX / 1'000'000'000 - 1;
  std::int64_t seconds = 0;
  for (const char c : sec) {
    if (c < '0' || c > '9') return std::nullopt;
    seconds = seconds * 10 + (c - '0');
    if (seconds > kMaxSeconds) return std::nullopt;
  }
  std::int64_t ns = 0;
  for (std::size_t i = 0; i < 9; ++i) {
    const char c = i < frac.size() ? frac[i] : '0';
    if (c < '0' || c > '9') return std::nullopt;
    ns = ns * 10 + (c - '0');
  }
  return seconds * 1'000'000'000 + ns;
}

std::string_view next_log_field(std::string_view& rest) {
  std::size_t i = 0;
  while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
  std::size_t j = i;
  while (j < rest.size() && rest[j] != ' ' && rest[j] != '\t') ++j;
  const std::string_view field = rest.substr(i, j - i);
  rest = rest.substr(j);
  return field;
}

std::string quote_log_field(std::string_view field) {
  std::string out = "\"";
  for (const char c : field.substr(0, 40)) out += c >= 0x20 && c < 0x7F ? c : '?';
  out += field.size() > 40 ? "...\"" : "\"";
  return out;
}

}  // namespace stacksim::bus
