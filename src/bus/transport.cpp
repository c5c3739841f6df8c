#include "bus/transport.hpp"

#include <algorithm>
#include <array>

namespace stacksim::bus {
namespace {

constexpr std::string_view kAccepted =
    "expected virtual:NAME (NAME of a-z, 0-9, '_' and '-'); socketcan:, socketcand:, slcan:, serial: and pty: "
    "come in a later release";
constexpr std::array<std::string_view, 5> kLater = {"socketcan", "socketcand", "slcan", "serial", "pty"};

bool valid_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

}  // namespace

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
  if (colon != std::string_view::npos && std::find(kLater.begin(), kLater.end(), kind) != kLater.end()) {
    error = "transport '" + std::string(spec) + "': " + std::string(kind) + ": is not available yet; " +
            std::string(kAccepted);
    return std::nullopt;
  }
  error = "unknown transport '" + std::string(spec) + "': " + std::string(kAccepted);
  return std::nullopt;
}

}  // namespace stacksim::bus
