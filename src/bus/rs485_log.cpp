#include "bus/rs485_log.hpp"

#include <cassert>

namespace stacksim::bus {

std::string_view rs485_log_header() {
  return "# stacksim RS485 log 1: (burst end, simulated seconds.micros) line node=sender [corrupted] bytes...\n";
}

void append_rs485_line(std::string& out, std::int64_t t_ns, std::string_view line, std::string_view node,
                       const std::uint8_t* data, std::size_t len, bool corrupted) {
  assert(len >= 1 && !line.empty() && !node.empty());
  append_log_time(out, t_ns);
  out += ' ';
  out += line;
  out += " node=";
  out += node;
  if (corrupted) out += " corrupted";
  for (std::size_t i = 0; i < len; ++i) {
    out += ' ';
    append_hex_byte(out, data[i]);
  }
  out += '\n';
}

std::optional<Rs485Record> parse_rs485_line(std::string_view text, std::string& error) {
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  std::string_view rest = text;
  Rs485Record r;
  const std::string_view time = next_log_field(rest);
  const auto t = parse_log_time(time);
  if (!t) {
    error = "expected a timestamp \"(seconds.micros)\", found " + quote_log_field(time);
    return std::nullopt;
  }
  r.t_ns = *t;
  r.line = next_log_field(rest);
  const std::string_view node = next_log_field(rest);
  if (r.line.empty() || node.substr(0, 5) != "node=" || node.size() == 5) {
    error = "expected \"(time) line node=NAME [corrupted] bytes\", found " + quote_log_field(text);
    return std::nullopt;
  }
  r.node = node.substr(5);
  std::string_view field = next_log_field(rest);
  if (field == "corrupted") {
    r.corrupted = true;
    field = next_log_field(rest);
  }
  for (; !field.empty(); field = next_log_field(rest)) {
    if (field.size() != 2 || hex_value(field[0]) < 0 || hex_value(field[1]) < 0) {
      error = "expected a byte as two hex digits, found " + quote_log_field(field);
      return std::nullopt;
    }
    r.bytes.push_back(static_cast<std::uint8_t>(hex_value(field[0]) << 4 | hex_value(field[1])));
  }
  if (r.bytes.empty()) {
    error = "expected at least one byte after the node";
    return std::nullopt;
  }
  return r;
}

}  // namespace stacksim::bus
