// One message of a profile's DBC, compiled once for the inverter: the codec
// (protocol::MessageCodec) and where the signals the inverter uses sit in it,
// looked up by name at construction. Profiles read battery frames and build
// their own frames through it, never by byte offsets of their own: the DBC is
// the single source of truth (design.md, "Protocols are data").
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bus/can_frame.hpp"
#include "inverter/battery_view.hpp"
#include "protocol/codec.hpp"
#include "protocol/dbc.hpp"
#include "util/diagnostics.hpp"

namespace stacksim::inverter {

struct Field {
  enum Presence {
    kRequired,
    kMayEnd,     // a frame may end before it (Pylon LV 0x351 without DVL)
    kMayBeAbsent,  // the DBC may lack it too (a profile option's extra bit)
  };
  std::string_view name;
  Presence presence = kRequired;
};

class MessagePort {
 public:
  // A message or signal the DBC lacks is a diagnostic naming `dbc_label`,
  // the message and the signal; the port is then not valid().
  MessagePort(const protocol::Dbc& dbc, const std::string& dbc_label, std::string_view message,
              std::span<const Field> fields, Diagnostics& diags);
  MessagePort(const protocol::Dbc& dbc, const std::string& dbc_label, std::string_view message,
              std::initializer_list<Field> fields, Diagnostics& diags)
      : MessagePort(dbc, dbc_label, message, std::span<const Field>(fields.begin(), fields.size()), diags) {}

  bool valid() const { return codec_.has_value(); }
  std::uint32_t id() const { return id_; }
  bool extended() const { return extended_; }

  // Decodes a frame of this message (its address already taken out of the
  // id). False if it is malformed: a remote frame, shorter than the fields
  // that are not optional, or a field outside the DBC's [min|max].
  bool read(const bus::CanFrame& f);
  // The i-th field asked for at construction; NaN if the frame (or the DBC)
  // lacked it.
  double value(std::size_t i) const { return slots_[i] == kAbsent ? kNaN : values_[slots_[i]]; }
  bool flag(std::size_t i) const { return value(i) != 0.0 && value(i) == value(i); }

  // Sending: every signal 0, then set the fields, then frame().
  void clear();
  void set(std::size_t i, double v) {
    if (slots_[i] != kAbsent) values_[slots_[i]] = v;
  }
  bus::CanFrame frame(std::uint32_t id) const;

 private:
  static constexpr std::size_t kAbsent = SIZE_MAX;
  static constexpr double kNaN = __builtin_nan("");
  std::optional<protocol::MessageCodec> codec_;
  std::uint32_t id_ = 0;
  bool extended_ = false;
  std::vector<std::size_t> slots_;       // field -> signal index
  std::vector<bool> optional_;
  std::vector<double> min_, max_;        // per field; min > max: unchecked
  std::vector<double> values_;           // per signal
  int required_bytes_ = 0;
};

// A flag of a battery's alarm frame and what it means.
struct FlagMeaning {
  std::string_view signal;
  std::uint16_t bit;  // AlarmBit
  bool protection;    // protection tier (else warning / alarm)
};

// The fields to read a flag map, followed by `extra`.
std::vector<Field> flag_fields(std::span<const FlagMeaning> map, std::initializer_list<Field> extra = {});
// Sets view.alarms / view.protections from a port built with flag_fields(map).
void read_flags(const MessagePort& port, std::span<const FlagMeaning> map, BatteryView& view);

}  // namespace stacksim::inverter
