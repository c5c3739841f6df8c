#include "bus/transport.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace stacksim::bus {
namespace {

constexpr std::string_view kAccepted =
    "expected virtual:NAME (NAME of a-z, 0-9, '_' and '-') or socketcand:ADDRESS:PORT (an IPv4 address or "
    "localhost, a port 0-65535) or socketcan:IFACE[@BITRATE] (a Linux interface name of 1-15 characters, "
    "a bit rate of 1-1000000 bit/s) or serial:DEVICE@BAUD (an absolute tty path, a standard baud rate "
    "1200-921600) or pty:PATH or slcan:PATH (an absolute path for the pseudo-terminal's link)";

// "ADDRESS:PORT": a dotted IPv4 address (or localhost) and a decimal port.
bool valid_endpoint(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= text.size()) return false;
  const std::string_view address = text.substr(0, colon), port = text.substr(colon + 1);
  if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  if (std::stoul(std::string(port)) > 65535) return false;
  if (address == "localhost") return true;
  int parts = 0;
  std::size_t start = 0;
  while (start <= address.size()) {
    const std::size_t dot = std::min(address.find('.', start), address.size());
    const std::string_view part = address.substr(start, dot - start);
    if (part.empty() || part.size() > 3 ||
        !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoul(std::string(part)) > 255) {
      return false;
    }
    ++parts;
    start = dot + 1;
  }
  return parts == 4;
}

// "IFACE[@BITRATE]": a name the kernel would take (dev_valid_name: 1-15
// characters, not "." or "..", no '/', ':' or white space; control characters
// refused too, and '@' separates the bit rate here) and a classic CAN bit rate
// in bit/s.
bool valid_interface(std::string_view text) {
  const auto at = text.find('@');
  const std::string_view name = text.substr(0, at);
  if (name.empty() || name.size() > 15 || name == "." || name == ".." ||
      std::any_of(name.begin(), name.end(), [](char c) {
        return c == '/' || c == ':' || static_cast<unsigned char>(c) <= ' ' || c == 0x7f;
      })) {
    return false;
  }
  if (at == std::string_view::npos) return true;
  const std::string_view rate = text.substr(at + 1);
  if (rate.empty() || rate.size() > 7 || !std::all_of(rate.begin(), rate.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  const unsigned long bps = std::stoul(std::string(rate));
  return bps >= 1 && bps <= 1'000'000;
}

bool valid_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// An absolute path a tty or a link to one can have: starts with '/', does
// not end with it, no control characters (they would garble the messages).
bool valid_path(std::string_view path) {
  return path.size() >= 2 && path.front() == '/' && path.back() != '/' &&
         std::none_of(path.begin(), path.end(), [](char c) { return static_cast<unsigned char>(c) < ' ' || c == 0x7f; });
}

}  // namespace

bool standard_baud(std::uint32_t baud) {
  constexpr std::array<std::uint32_t, 11> kStandard = {1200, 2400, 4800, 9600, 19200, 38400,
                                                       57600, 115200, 230400, 460800, 921600};
  return std::find(kStandard.begin(), kStandard.end(), baud) != kStandard.end();
}

std::optional<SerialSpec> parse_serial_name(std::string_view name) {
  const auto at = name.rfind('@');
  if (at == std::string_view::npos || !valid_path(name.substr(0, at))) return std::nullopt;
  const std::string_view rate = name.substr(at + 1);
  if (rate.empty() || rate.size() > 6 || !std::all_of(rate.begin(), rate.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  const auto baud = static_cast<std::uint32_t>(std::stoul(std::string(rate)));
  if (!standard_baud(baud)) return std::nullopt;
  return SerialSpec{std::string(name.substr(0, at)), baud};
}

bool is_rs485_kind(std::string_view kind) { return kind == "serial" || kind == "pty"; }

std::optional<TransportSpec> parse_transport(std::string_view spec, std::string& error) {
  const auto colon = spec.find(':');
  const std::string_view kind = spec.substr(0, colon);
  const std::string_view rest = colon == std::string_view::npos ? std::string_view{} : spec.substr(colon + 1);
  if (colon != std::string_view::npos && kind == "virtual") {
    if (valid_name(rest)) return TransportSpec{std::string(kind), std::string(rest)};
    error = "bad transport '" + std::string(spec) + "': the name after 'virtual:' must be non-empty and use only " +
            "a-z, 0-9, '_' and '-'";
    return std::nullopt;
  }
  if (colon != std::string_view::npos && kind == "socketcand") {
    if (valid_endpoint(rest)) return TransportSpec{std::string(kind), std::string(rest)};
    error = "bad transport '" + std::string(spec) + "': " + std::string(kAccepted);
    return std::nullopt;
  }
  if (colon != std::string_view::npos && kind == "socketcan") {
    if (valid_interface(rest)) return TransportSpec{std::string(kind), std::string(rest)};
    error = "bad transport '" + std::string(spec) + "': " + std::string(kAccepted);
    return std::nullopt;
  }
  if (colon != std::string_view::npos && (kind == "serial" || kind == "pty")) {
    if (kind == "serial" ? parse_serial_name(rest).has_value() : valid_path(rest)) {
      return TransportSpec{std::string(kind), std::string(rest)};
    }
    error = "bad transport '" + std::string(spec) + "': " + std::string(kAccepted);
    return std::nullopt;
  }
  if (colon != std::string_view::npos && kind == "slcan") {
    if (valid_path(rest)) return TransportSpec{std::string(kind), std::string(rest)};
    error = "bad transport '" + std::string(spec) + "': " + std::string(kAccepted);
    return std::nullopt;
  }
  error = "unknown transport '" + std::string(spec) + "': " + std::string(kAccepted);
  return std::nullopt;
}

}  // namespace stacksim::bus
