#include "report/text_format.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <system_error>

#include "util/markup.hpp"
#include "util/quantity.hpp"

namespace stacksim::report {

std::string fixed(double value, int decimals) {
  if (!std::isfinite(value)) return "0";
  char text[64];
  const auto result = std::to_chars(text, text + sizeof text, value, std::chars_format::fixed, decimals);
  // Only a value beyond 10^60 fails to fit; nothing the report draws.
  if (result.ec != std::errc{}) return "0";
  std::string out(text, result.ptr);
  if (out[0] == '-' && out.find_first_not_of("-0.") == std::string::npos) out.erase(0, 1);
  return out;
}

void append_escaped(std::string& out, std::string_view text) { append_markup_escaped(out, text); }

std::string html_escape(std::string_view text) { return markup_escape(text); }

std::string format_time_s(double seconds) {
  if (!std::isfinite(seconds)) return "?";
  const auto ms = static_cast<std::int64_t>(std::llround(seconds * 1000.0));
  return format_duration_ns(ms * 1'000'000);
}

}  // namespace stacksim::report
