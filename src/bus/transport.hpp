// Which medium a bus binding uses, chosen by a string (design.md, seam 3).
// The accepted forms are listed in one place (transport.cpp, kAccepted): the
// in-process buses and the socketcand server (docs/serve.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stacksim::bus {

struct TransportSpec {
  std::string kind;  // "virtual", "socketcand", "socketcan", "slcan"
  std::string name;  // virtual: the bus every binding with the same spec shares; socketcand: "ADDRESS:PORT";
                     // socketcan: "IFACE" or "IFACE@BITRATE"; slcan: the absolute path of the pty's link
};

// Accepts "virtual:NAME" with NAME of [a-z0-9_-]+, and
// "socketcand:ADDRESS:PORT" with a dotted IPv4 address or localhost, and
// "socketcan:IFACE[@BITRATE]" with a Linux interface name, and "slcan:PATH"
// with an absolute path. On failure returns nullopt
// and sets error to a message naming the accepted forms.
std::optional<TransportSpec> parse_transport(std::string_view spec, std::string& error);

// RS485 kinds (bound to RS485 lines): "serial" (name "DEVICE@BAUD") and
// "pty" (name: the absolute path of the link to the pseudo-terminal).
bool is_rs485_kind(std::string_view kind);
// The baud rates termios names (B1200 ... B921600).
bool standard_baud(std::uint32_t baud);
struct SerialSpec {
  std::string device;
  std::uint32_t baud = 0;
};
// A serial spec's name "DEVICE@BAUD": an absolute path, a standard baud rate.
std::optional<SerialSpec> parse_serial_name(std::string_view name);

}  // namespace stacksim::bus
