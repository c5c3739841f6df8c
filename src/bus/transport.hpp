// Which medium a bus binding uses, chosen by a string (design.md, seam 3).
// This release has only the in-process buses; the accepted forms are listed
// in one place (kTransportForms) so later kinds register here.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace stacksim::bus {

struct TransportSpec {
  std::string kind;  // "virtual"
  std::string name;  // the bus every binding with the same spec shares
};

// Accepts "virtual:NAME" with NAME of [a-z0-9_-]+. On failure returns nullopt
// and sets error to a message naming the accepted forms.
std::optional<TransportSpec> parse_transport(std::string_view spec, std::string& error);

}  // namespace stacksim::bus
