#include "io/socketcand_codec.hpp"

#include <charconv>
#include <cstdio>
#include <vector>

namespace stacksim::io {
namespace {

std::vector<std::string_view> tokens(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

bool hex_value(std::string_view t, std::size_t max_digits, std::uint32_t& out) {
  if (t.empty() || t.size() > max_digits) return false;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out, 16);
  return ec == std::errc() && end == t.data() + t.size();
}

SocketcandCommand malformed(std::string error) {
  SocketcandCommand c;
  c.kind = SocketcandCommand::Kind::kMalformed;
  c.error = std::move(error);
  return c;
}

SocketcandCommand parse_send(const std::vector<std::string_view>& t) {
  // send ID LEN B0 ... B(LEN-1)
  if (t.size() < 3) return malformed("send: expected '< send ID LEN DATA... >'");
  std::uint32_t id = 0, len = 0;
  if (!hex_value(t[1], 8, id) || id > 0x1FFFFFFFu) return malformed("send: bad identifier");
  if (!hex_value(t[2], 1, len) || len > 8) return malformed("send: length must be 0 to 8");
  if (t.size() != 3 + len) return malformed("send: the length does not match the data bytes");
  SocketcandCommand c;
  c.kind = SocketcandCommand::Kind::kSend;
  // socketcand reads 8 hex digits as extended; an identifier that does not
  // fit 11 bits can only be extended.
  c.frame.extended = t[1].size() == 8 || id > 0x7FFu;
  c.frame.id = id;
  c.frame.dlc = static_cast<std::uint8_t>(len);
  for (std::uint32_t k = 0; k < len; ++k) {
    std::uint32_t b = 0;
    if (!hex_value(t[3 + k], 2, b)) return malformed("send: bad data byte");
    c.frame.data[k] = static_cast<std::uint8_t>(b);
  }
  return c;
}

}  // namespace

SocketcandCommand parse_socketcand(std::string_view m) {
  if (m.size() < 2 || m.front() != '<' || m.back() != '>') return malformed("expected '< ... >'");
  const std::vector<std::string_view> t = tokens(m.substr(1, m.size() - 2));
  if (t.empty()) return malformed("empty message");
  SocketcandCommand c;
  if (t[0] == "open") {
    if (t.size() != 2) return malformed("open: expected '< open CHANNEL >'");
    c.kind = SocketcandCommand::Kind::kOpen;
    c.channel = std::string(t[1]);
    return c;
  }
  if (t[0] == "rawmode") {
    if (t.size() != 1) return malformed("rawmode takes no arguments");
    c.kind = SocketcandCommand::Kind::kRawMode;
    return c;
  }
  if (t[0] == "echo") {
    c.kind = SocketcandCommand::Kind::kEcho;
    return c;
  }
  if (t[0] == "send") return parse_send(t);
  c.kind = SocketcandCommand::Kind::kOther;
  // Appended piecewise: GCC 12 warns falsely (-Wrestrict) on "x" + string.
  c.error = "'";
  c.error.append(t[0]);
  c.error += "' is not supported (raw mode only)";
  return c;
}

const SocketcandCommand* SocketcandParser::push(char c) {
  if (!inside_) {
    if (c == '<') {
      inside_ = true;
      overflowed_ = false;
      buffer_[0] = c;
      length_ = 1;
    } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
      ++skipped_;
    }
    return nullptr;
  }
  if (c == '<') {
    // A new message before the last one ended: the last one was cut off.
    ++skipped_;
    overflowed_ = false;
    buffer_[0] = c;
    length_ = 1;
    return nullptr;
  }
  if (c == '>') {
    inside_ = false;
    if (overflowed_) {
      ++oversized_;
      return nullptr;
    }
    buffer_[length_++] = c;
    last_ = parse_socketcand(std::string_view(buffer_, length_));
    return &last_;
  }
  if (length_ + 1 >= kMaxMessage) {  // room for the closing '>'
    overflowed_ = true;
    return nullptr;
  }
  buffer_[length_++] = c;
  return nullptr;
}

void append_socketcand_frame(std::string& out, const bus::CanFrame& f, std::int64_t time_ns) {
  char text[96];
  const long long s = time_ns / 1'000'000'000;
  const long long us = (time_ns % 1'000'000'000) / 1000;
  int n = std::snprintf(text, sizeof text, f.extended ? "< frame %08X %lld.%06lld " : "< frame %03X %lld.%06lld ",
                        static_cast<unsigned>(f.id), s, us);
  const int bytes = bus::can_data_bytes(f);
  for (int k = 0; k < bytes; ++k) {
    n += std::snprintf(text + n, sizeof text - static_cast<std::size_t>(n), "%02X",
                       static_cast<unsigned>(f.data[static_cast<std::size_t>(k)]));
  }
  out.append(text, static_cast<std::size_t>(n));
  out += " >";
}

}  // namespace stacksim::io
