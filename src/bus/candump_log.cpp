#include "bus/candump_log.hpp"

#include <cassert>

namespace stacksim::bus {
namespace {

void append_hex_digits(std::string& out, std::uint32_t v, int digits) {
  constexpr char kHex[] = "0123456789ABCDEF";
  for (int i = digits - 1; i >= 0; --i) out += kHex[(v >> (4 * i)) & 15];
}

// Parses hex digits (at most 8); nullopt if any is not one.
std::optional<std::uint32_t> parse_hex(std::string_view s) {
  std::uint32_t v = 0;
  for (const char c : s) {
    const int d = hex_value(c);
    if (d < 0) return std::nullopt;
    v = v << 4 | static_cast<std::uint32_t>(d);
  }
  return v;
}

// "ID#DATA" into f; returns "" or what was expected.
std::string parse_frame(std::string_view text, CanFrame& f) {
  const auto hash = text.find('#');
  if (hash == std::string_view::npos) return "expected ID#DATA, found no '#'";
  const std::string_view id = text.substr(0, hash);
  std::string_view data = text.substr(hash + 1);
  if (id.size() != 3 && id.size() != 8) {
    return "expected a 3-digit (standard) or 8-digit (extended) hex identifier, found " + quote_log_field(id);
  }
  const auto value = parse_hex(id);
  if (!value) return "expected a hex identifier, found " + quote_log_field(id);
  f.extended = id.size() == 8;
  if (f.extended && (*value & 0x20000000u) != 0) return "error frames (CAN_ERR_FLAG in the identifier) are not supported";
  if (*value > (f.extended ? 0x1FFFFFFFu : 0x7FFu)) return "identifier " + std::string(id) + " out of range";
  f.id = *value;
  if (!data.empty() && data[0] == '#') return "CAN FD frames (##) are not supported";
  if (!data.empty() && (data[0] == 'R' || data[0] == 'r')) {
    f.rtr = true;
    if (data.size() == 1) return "";
    const int dlc = data.size() == 2 ? hex_value(data[1]) : -1;
    if (dlc < 0) return "expected R or R followed by one hex DLC digit, found " + quote_log_field(data);
    f.dlc = static_cast<std::uint8_t>(dlc);
    return "";
  }
  int n = 0;
  while (!data.empty() && data[0] != '_') {
    if (data[0] == '.' && n > 0) data.remove_prefix(1);
    if (data.size() < 2 || hex_value(data[0]) < 0 || hex_value(data[1]) < 0) {
      return "expected data as pairs of hex digits, found " + quote_log_field(data);
    }
    if (n == 8) return "expected at most 8 data bytes (CAN FD is not supported)";
    f.data[static_cast<std::size_t>(n++)] = static_cast<std::uint8_t>(hex_value(data[0]) << 4 | hex_value(data[1]));
    data.remove_prefix(2);
  }
  f.dlc = static_cast<std::uint8_t>(n);
  if (!data.empty()) {  // "_X": a DLC of 9..15 on 8 data bytes
    const int dlc = data.size() == 2 ? hex_value(data[1]) : -1;
    if (n != 8 || dlc < 9) return "expected '_' and a DLC digit 9..F after 8 data bytes, found " + quote_log_field(data);
    f.dlc = static_cast<std::uint8_t>(dlc);
  }
  return "";
}

}  // namespace

void append_candump_line(std::string& out, std::int64_t t_ns, std::string_view iface, const CanFrame& f) {
  assert(can_frame_valid(f) && !iface.empty());
  append_log_time(out, t_ns);
  out += ' ';
  out += iface;
  out += ' ';
  append_hex_digits(out, f.id, f.extended ? 8 : 3);
  out += '#';
  if (f.rtr) {
    out += 'R';
    // can-utils adds the DLC of a remote frame unless it is 0.
    if (f.dlc != 0) append_hex_digits(out, f.dlc, 1);
  } else {
    const int n = can_data_bytes(f);
    for (int i = 0; i < n; ++i) append_hex_byte(out, f.data[static_cast<std::size_t>(i)]);
    if (f.dlc > 8) {
      out += '_';
      append_hex_digits(out, f.dlc, 1);
    }
  }
  out += '\n';
}

std::string candump_line(std::int64_t t_ns, std::string_view iface, const CanFrame& f) {
  std::string out;
  append_candump_line(out, t_ns, iface, f);
  out.pop_back();
  return out;
}

std::optional<CandumpRecord> parse_candump_line(std::string_view line, std::string& error) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::string_view rest = line;
  const std::string_view time = next_log_field(rest);
  const std::string_view iface = next_log_field(rest);
  const std::string_view frame = next_log_field(rest);
  const std::string_view direction = next_log_field(rest);
  const std::string_view extra = next_log_field(rest);
  CandumpRecord r;
  const auto t = parse_log_time(time);
  if (!t) {
    error = "expected a timestamp \"(seconds.micros)\", found " + quote_log_field(time);
    return std::nullopt;
  }
  r.t_ns = *t;
  if (iface.empty() || frame.empty()) {
    error = "expected \"(time) interface ID#DATA\"";
    return std::nullopt;
  }
  r.iface = iface;
  error = parse_frame(frame, r.frame);
  if (!error.empty()) return std::nullopt;
  if (!direction.empty()) {
    if (direction.size() != 1 || (direction[0] != 'R' && direction[0] != 'T' && direction[0] != 'r' &&
                                  direction[0] != 't')) {
      error = "expected the end of the line or a direction R/T after the frame, found " + quote_log_field(direction);
      return std::nullopt;
    }
    r.direction = direction[0] == 'R' || direction[0] == 'r' ? 'R' : 'T';
  }
  if (!extra.empty()) {
    error = "expected the end of the line, found " + quote_log_field(extra);
    return std::nullopt;
  }
  return r;
}

CandumpLog read_candump(std::istream& in) {
  CandumpLog log;
  CandumpReader reader(in);
  CandumpRecord r;
  while (reader.next(r)) log.records.push_back(std::move(r));
  log.error_count = reader.error_count();
  log.errors = reader.errors();
  return log;
}

std::string format_log_error(std::string_view file, const LogError& e) {
  return std::string(file) + ":" + std::to_string(e.line) + ": " + e.message;
}

}  // namespace stacksim::bus
