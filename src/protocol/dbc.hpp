// A DBC file (Vector CAN database) loaded into tables: messages, their
// signals, nodes, comments, value tables and GenMsgCycleTime. The codec
// (codec.hpp) works from these tables; there is no code generator.
// The grammar subset and the checks are described in docs/dbc.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/diagnostics.hpp"

namespace stacksim::protocol {

struct Signal {
  std::string name;
  std::uint16_t start_bit = 0;   // as written in the DBC (Motorola: the MSB's bit number, sawtooth numbering)
  std::uint16_t length = 1;      // 1..64
  bool little_endian = true;     // @1 Intel, @0 Motorola
  bool is_signed = false;
  double factor = 1.0, offset = 0.0, minimum = 0.0, maximum = 0.0;
  std::string unit;
  enum class Mux : std::uint8_t { kNone, kMultiplexor, kMultiplexed } mux = Mux::kNone;
  std::int64_t mux_value = 0;    // for kMultiplexed
  std::vector<std::pair<std::int64_t, std::string>> values;  // VAL_ table
  std::vector<std::string> receivers;
  std::string comment;
  int line = 0;
};

struct Message {
  std::uint32_t id = 0;          // without the bit-31 flag
  bool extended = false;
  std::uint8_t dlc = 8;
  std::string name, sender, comment;
  std::int32_t cycle_time_ms = -1;  // BA_ "GenMsgCycleTime", -1 if absent
  std::vector<Signal> signals;
  int line = 0;
  const Signal* signal(std::string_view name) const;
};

class Dbc {
 public:
  // Reads and parses `file`; problems are reported under the file's name.
  static std::optional<Dbc> load(const std::filesystem::path& file, Diagnostics& diags);
  // Parses `text`; every problem is added to `diags` (with `file_label` and
  // the line) and then std::nullopt is returned, so all of them show at once.
  static std::optional<Dbc> parse(std::string_view text, const std::string& file_label,
                                  Diagnostics& diags);

  const std::vector<Message>& messages() const { return messages_; }
  const std::vector<std::string>& nodes() const { return nodes_; }
  const Message* find(std::uint32_t id, bool extended) const;
  const Message* find(std::string_view name) const;

  // VERSION "..." ("" when absent).
  const std::string& version() const { return version_; }

 private:
  friend class DbcParser;
  std::string version_;
  std::vector<std::string> nodes_;
  std::vector<Message> messages_;
};

}  // namespace stacksim::protocol
