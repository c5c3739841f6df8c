#include "io/slcan_codec.hpp"

#include <array>
#include <charconv>

namespace stacksim::io {
namespace {

// Lawicel's S0..S8 (CANUSB manual): S7 is 800 kbit/s there, although
// python-can sends S7 for 750 kbit/s.
constexpr std::array<std::uint32_t, 9> kBitrates = {10'000,  20'000,  50'000,  100'000,  125'000,
                                                    250'000, 500'000, 800'000, 1'000'000};

constexpr char kOk[] = "\r";
constexpr char kError[] = "\a";

// Exactly `digits` hex digits, either case.
bool hex_field(std::string_view s, std::size_t digits, std::uint32_t& out) {
  if (s.size() != digits) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out, 16);
  return ec == std::errc() && end == s.data() + s.size();
}

SlcanCommand malformed(const char* error) {
  SlcanCommand c;
  c.error = error;
  return c;
}

SlcanCommand of_kind(SlcanCommand::Kind kind) {
  SlcanCommand c;
  c.kind = kind;
  return c;
}

SlcanCommand simple(SlcanCommand::Kind kind, std::string_view line) {
  if (line.size() != 1) return malformed("this command takes no arguments");
  return of_kind(kind);
}

// "tIIIL DD.." / "TIIIIIIIIL DD.." (no spaces), "rIIIL" / "RIIIIIIIIL".
SlcanCommand parse_frame(std::string_view line) {
  const bool extended = line[0] == 'T' || line[0] == 'R';
  const bool remote = line[0] == 'r' || line[0] == 'R';
  const std::size_t id_digits = extended ? 8 : 3;
  if (line.size() < 2 + id_digits) return malformed("frame: too short for its identifier and length");
  std::uint32_t id = 0;
  if (!hex_field(line.substr(1, id_digits), id_digits, id)) return malformed("frame: bad identifier");
  if (id > (extended ? 0x1FFFFFFFu : 0x7FFu)) return malformed("frame: identifier out of range");
  const char len = line[1 + id_digits];
  if (len < '0' || len > '8') return malformed("frame: length must be 0 to 8");
  SlcanCommand c = of_kind(SlcanCommand::Kind::kFrame);
  c.frame.id = id;
  c.frame.extended = extended;
  c.frame.rtr = remote;
  c.frame.dlc = static_cast<std::uint8_t>(len - '0');
  const std::string_view data = line.substr(2 + id_digits);
  const std::size_t bytes = remote ? 0 : c.frame.dlc;
  if (data.size() != 2 * bytes) return malformed("frame: the data does not match the length");
  for (std::size_t k = 0; k < bytes; ++k) {
    std::uint32_t b = 0;
    if (!hex_field(data.substr(2 * k, 2), 2, b)) return malformed("frame: bad data byte");
    c.frame.data[k] = static_cast<std::uint8_t>(b);
  }
  return c;
}

void put_hex(std::string& out, std::uint32_t value, int digits) {
  constexpr char kDigits[] = "0123456789ABCDEF";
  for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) out += kDigits[(value >> shift) & 0xF];
}

}  // namespace

SlcanCommand parse_slcan(std::string_view line) {
  using K = SlcanCommand::Kind;
  if (line.empty()) return of_kind(K::kEmpty);
  switch (line[0]) {
    case 'O': return simple(K::kOpen, line);
    case 'L': return simple(K::kListenOnly, line);
    case 'C': return simple(K::kClose, line);
    case 'V': return simple(K::kVersion, line);
    case 'N': return simple(K::kSerial, line);
    case 'F': return simple(K::kStatus, line);
    case 'S': {
      if (line.size() != 2 || line[1] < '0' || line[1] > '8') return malformed("S: expected S0 to S8");
      SlcanCommand c = of_kind(K::kBitrate);
      c.bitrate_bps = kBitrates[static_cast<std::size_t>(line[1] - '0')];
      return c;
    }
    case 's': {
      std::uint32_t btr = 0;
      if (!hex_field(line.substr(1), 4, btr)) return malformed("s: expected sxxyy (BTR0, BTR1 in hex)");
      SlcanCommand c = of_kind(K::kBtr);
      c.btr = static_cast<std::uint16_t>(btr);
      return c;
    }
    case 'Z': {
      if (line.size() != 2 || (line[1] != '0' && line[1] != '1')) return malformed("Z: expected Z0 or Z1");
      SlcanCommand c = of_kind(K::kTimestamps);
      c.timestamps = line[1] == '1';
      return c;
    }
    case 't':
    case 'T':
    case 'r':
    case 'R':
      return parse_frame(line);
    default:
      return malformed("unknown command");
  }
}

const SlcanCommand* SlcanParser::push(char c) {
  if (c == '\r') {
    const bool dropped = overflowed_;
    const std::size_t length = length_;
    overflowed_ = false;
    length_ = 0;
    if (dropped) {
      ++oversized_;
      last_ = of_kind(SlcanCommand::Kind::kTooLong);
      last_.error = "line too long";
      return &last_;
    }
    last_ = parse_slcan(std::string_view(buffer_, length));
    return &last_;
  }
  // A '\n' after the '\r' (a host that ends lines with CR LF) is not part of
  // the next command.
  if (c == '\n' && length_ == 0 && !overflowed_) return nullptr;
  if (length_ >= kSlcanMaxLine) {
    overflowed_ = true;
    return nullptr;
  }
  buffer_[length_++] = c;
  return nullptr;
}

bool SlcanChannel::apply(const SlcanCommand& c, std::string& reply) {
  using K = SlcanCommand::Kind;
  const auto refuse = [&] {
    reply += kError;
    return false;
  };
  const auto ok = [&] {
    reply += kOk;
    return true;
  };
  switch (c.kind) {
    case K::kEmpty:
      return ok();
    case K::kOpen:
      // A repeated "O" is fine (python-can sends "O" twice); switching from
      // listen-only needs a "C" first, as on the adapter.
      if (mode_ == Mode::kListenOnly) return refuse();
      mode_ = Mode::kOpen;
      return ok();
    case K::kListenOnly:
      if (mode_ == Mode::kOpen) return refuse();
      mode_ = Mode::kListenOnly;
      return ok();
    case K::kClose:
      // Accepted even when closed: hosts (python-can, the kernel's slcan)
      // send "C" first to reset the adapter.
      mode_ = Mode::kClosed;
      return ok();
    case K::kBitrate:
    case K::kBtr:
    case K::kTimestamps:
      // Set-up commands: only while closed (Lawicel).
      if (mode_ != Mode::kClosed) return refuse();
      if (c.kind == K::kBitrate) bitrate_bps_ = c.bitrate_bps;
      if (c.kind == K::kBtr) btr_ = c.btr;
      if (c.kind == K::kTimestamps) timestamps_ = c.timestamps;
      return ok();
    case K::kVersion:
      reply += "V1013\r";  // hardware 10, software 13: python-can's get_version wants 4 digits
      return true;
    case K::kSerial:
      reply += "NSSIM\r";  // python-can's get_serial_number wants 4 characters
      return true;
    case K::kStatus:
      if (mode_ == Mode::kClosed) return refuse();  // Lawicel: only while open
      reply += 'F';
      put_hex(reply, status_flags_, 2);
      reply += '\r';
      return true;
    case K::kFrame:
      if (mode_ != Mode::kOpen) return refuse();
      // Lawicel acknowledges a transmitted frame with "z" (standard) or "Z"
      // (extended); python-can and the kernel read any line ending in '\r'.
      reply += c.frame.extended ? "Z\r" : "z\r";
      return true;
    case K::kTooLong:
    case K::kMalformed:
      return refuse();
  }
  return refuse();
}

void append_slcan_frame(std::string& out, const bus::CanFrame& f, bool timestamp, std::int64_t time_ns) {
  out += f.rtr ? (f.extended ? 'R' : 'r') : (f.extended ? 'T' : 't');
  put_hex(out, f.id, f.extended ? 8 : 3);
  out += static_cast<char>('0' + (f.dlc > 8 ? 8 : f.dlc));
  const int bytes = bus::can_data_bytes(f);
  for (int k = 0; k < bytes; ++k) put_hex(out, f.data[static_cast<std::size_t>(k)], 2);
  if (timestamp) put_hex(out, slcan_timestamp_ms(time_ns), 4);
  out += '\r';
}

}  // namespace stacksim::io
