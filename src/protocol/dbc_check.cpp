#include "protocol/dbc_check.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "protocol/bit_layout.hpp"

namespace stacksim::protocol {
namespace {

constexpr std::string_view kNoNode = "Vector__XXX";

class Checker {
 public:
  Checker(const Dbc& dbc, const std::string& file, Diagnostics& diags) : dbc_(dbc), file_(file), diags_(diags) {}

  std::size_t run() {
    const auto& messages = dbc_.messages();
    for (std::size_t i = 0; i < messages.size(); ++i) {
      const Message& m = messages[i];
      for (std::size_t j = 0; j < i; ++j) {
        const Message& earlier = messages[j];
        if (earlier.id == m.id && earlier.extended == m.extended) {
          add(m.line, "message '" + m.name + "' has the same identifier as '" + earlier.name + "' on line " +
                          std::to_string(earlier.line) + " (expected unique identifiers)");
        }
        if (earlier.name == m.name) {
          add(m.line, "message name '" + m.name + "' is already used on line " + std::to_string(earlier.line) +
                          " (expected unique names)");
        }
      }
      check_message(m);
    }
    return count_;
  }

 private:
  void add(int line, std::string message) {
    ++count_;
    diags_.add(file_, "", SourceLocation{line, 0}, std::move(message));
  }

  bool known_node(const std::string& name) const {
    if (name == kNoNode) return true;
    const auto& nodes = dbc_.nodes();
    return std::find(nodes.begin(), nodes.end(), name) != nodes.end();
  }

  void check_message(const Message& m) {
    const std::uint32_t max_id = m.extended ? 0x1FFFFFFFu : 0x7FFu;
    if (m.id > max_id) {
      add(m.line, "message '" + m.name + "': identifier " + std::to_string(m.id) + " does not fit " +
                      (m.extended ? "29 bits" : "11 bits (extended identifiers are written with bit 31 set)"));
    }
    if (m.dlc > 8) {
      add(m.line, "message '" + m.name + "': DLC " + std::to_string(m.dlc) + " (expected 0..8; CAN FD is not supported)");
    }
    if (!known_node(m.sender)) {
      add(m.line, "message '" + m.name + "': sender '" + m.sender + "' is not a node listed in BU_ (or Vector__XXX)");
    }

    std::vector<BitLayout> layouts;
    layouts.reserve(m.signals.size());
    const Signal* multiplexor = nullptr;
    for (std::size_t i = 0; i < m.signals.size(); ++i) {
      const Signal& s = m.signals[i];
      layouts.push_back(bit_layout(s));
      check_signal(m, s, layouts.back());
      for (std::size_t j = 0; j < i; ++j) {
        if (m.signals[j].name == s.name) {
          add(s.line, "message '" + m.name + "': signal name '" + s.name + "' is already used on line " +
                          std::to_string(m.signals[j].line) + " (expected unique names within a message)");
        }
      }
      if (s.mux == Signal::Mux::kMultiplexor) {
        if (multiplexor != nullptr) {
          add(s.line, "message '" + m.name + "': second multiplexor '" + s.name + "' (the first is '" +
                          multiplexor->name + "' on line " + std::to_string(multiplexor->line) +
                          "; expected one 'M' signal per message)");
        } else {
          multiplexor = &s;
        }
      }
    }
    for (const Signal& s : m.signals) {
      if (s.mux != Signal::Mux::kMultiplexed) continue;
      if (multiplexor == nullptr) {
        add(s.line, "message '" + m.name + "': signal '" + s.name + "' is multiplexed (m" +
                        std::to_string(s.mux_value) + ") but the message has no multiplexor ('M') signal");
      } else if (multiplexor->length < 64 &&
                 static_cast<std::uint64_t>(s.mux_value) >= (std::uint64_t{1} << multiplexor->length)) {
        add(s.line, "message '" + m.name + "': signal '" + s.name + "' needs multiplexor value " +
                        std::to_string(s.mux_value) + ", which the " + std::to_string(multiplexor->length) +
                        "-bit multiplexor '" + multiplexor->name + "' cannot hold");
      }
    }
    check_overlaps(m, layouts);
  }

  void check_signal(const Message& m, const Signal& s, const BitLayout& layout) {
    const std::string where = "message '" + m.name + "', signal '" + s.name + "': ";
    if (s.length < 1 || s.length > 64) {
      add(s.line, where + "length " + std::to_string(s.length) + " (expected 1..64 bits)");
    } else if (!layout.fits || layout.bytes_needed > m.dlc) {
      add(s.line, where + "start bit " + std::to_string(s.start_bit) + ", length " + std::to_string(s.length) +
                      (s.little_endian ? " (Intel)" : " (Motorola)") + " reaches byte " +
                      std::to_string(layout.bytes_needed - 1) + ", past the frame (DLC " + std::to_string(m.dlc) +
                      ")");
    }
    if (!(std::isfinite(s.factor) && s.factor != 0.0)) {
      add(s.line, where + "factor must be a finite number other than 0");
    }
    if (!std::isfinite(s.offset) || !std::isfinite(s.minimum) || !std::isfinite(s.maximum)) {
      add(s.line, where + "offset, minimum and maximum must be finite numbers");
    }
    for (const std::string& r : s.receivers) {
      if (!known_node(r)) add(s.line, where + "receiver '" + r + "' is not a node listed in BU_ (or Vector__XXX)");
    }
  }

  // Two signals may share bits only if they are never in the same payload:
  // multiplexed signals under different multiplexor values.
  void check_overlaps(const Message& m, const std::vector<BitLayout>& layouts) {
    for (std::size_t i = 0; i < m.signals.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        const Signal& a = m.signals[j];
        const Signal& b = m.signals[i];
        const std::uint64_t shared = layouts[i].payload_mask & layouts[j].payload_mask;
        if (shared == 0) continue;
        if (a.mux == Signal::Mux::kMultiplexed && b.mux == Signal::Mux::kMultiplexed && a.mux_value != b.mux_value) {
          continue;
        }
        add(b.line, "message '" + m.name + "': signal '" + b.name + "' overlaps signal '" + a.name + "' (line " +
                        std::to_string(a.line) + ") at payload bit " + std::to_string(std::countr_zero(shared)) +
                        " (expected disjoint bits)");
      }
    }
  }

  const Dbc& dbc_;
  const std::string& file_;
  Diagnostics& diags_;
  std::size_t count_ = 0;
};

}  // namespace

std::size_t check_dbc(const Dbc& dbc, const std::string& file, Diagnostics& diags) {
  return Checker(dbc, file, diags).run();
}

}  // namespace stacksim::protocol
