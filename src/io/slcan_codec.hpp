// The SLCAN (Lawicel ASCII) protocol of a serial CAN adapter, both ways, with
// no I/O: what the host writes is cut into '\r'-terminated commands and
// parsed; SlcanChannel is the adapter's state (closed / open / listen-only,
// bit rate, timestamps) and answers each command; frames of the bus are
// formatted for the host. References: the Lawicel CANUSB manual (the command
// set, "z\r"/"Z\r" after a transmitted frame) and python-can 4.1's client
// (can/interfaces/slcan.py), which is what the tests drive.
//
// Bytes from the host are hostile: a line longer than kSlcanMaxLine is dropped
// whole, and it, a command that does not parse or one that comes in the wrong
// state is answered BEL ('\a') and counted: a host waits for one answer to
// every line it ends. Nothing here allocates per byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "bus/can_frame.hpp"

namespace stacksim::io {

// Longest command accepted, '\r' excluded: "T1FFFFFFF8" and 16 data digits is
// 26 characters; the rest is room for clients that pad.
constexpr std::size_t kSlcanMaxLine = 64;

struct SlcanCommand {
  enum class Kind {
    kEmpty,       // "" (a bare '\r', which hosts send to resynchronise): OK
    kOpen,        // "O"
    kListenOnly,  // "L": open, but the host may not send
    kClose,       // "C"
    kBitrate,     // "S0".."S8"
    kBtr,         // "sxxyy": SJA1000 BTR0/BTR1
    kVersion,     // "V"
    kSerial,      // "N"
    kStatus,      // "F"
    kTimestamps,  // "Z0" / "Z1"
    kFrame,       // "tIIIL..", "TIIIIIIIIL..", "rIIIL", "RIIIIIIIIL"
    kTooLong,     // a line longer than kSlcanMaxLine, dropped unread (SlcanParser only)
    kMalformed    // anything else
  };
  Kind kind = Kind::kMalformed;
  std::uint32_t bitrate_bps = 0;  // kBitrate
  std::uint16_t btr = 0;          // kBtr: BTR0 << 8 | BTR1
  bool timestamps = false;        // kTimestamps
  bus::CanFrame frame;            // kFrame
  const char* error = "";         // kMalformed: what was wrong
};

// Parses one command, its '\r' removed.
SlcanCommand parse_slcan(std::string_view line);

class SlcanParser {
 public:
  using Command = SlcanCommand;
  // Feeds bytes; calls on_command(const SlcanCommand&) for every complete
  // command, in order.
  template <typename OnCommand>
  void feed(const char* data, std::size_t len, OnCommand&& on_command) {
    for (std::size_t i = 0; i < len; ++i) {
      if (const SlcanCommand* c = push(data[i])) on_command(*c);
    }
  }

  std::uint64_t oversized() const { return oversized_; }  // lines dropped for length (kTooLong)
  // Forgets a partial line (the host went away mid-command).
  void clear_line() {
    length_ = 0;
    overflowed_ = false;
  }

 private:
  const SlcanCommand* push(char c);

  char buffer_[kSlcanMaxLine];
  std::size_t length_ = 0;
  bool overflowed_ = false;
  SlcanCommand last_;
  std::uint64_t oversized_ = 0;
};

// The adapter's state, as the Lawicel manual describes it, and its answers.
class SlcanChannel {
 public:
  enum class Mode { kClosed, kOpen, kListenOnly };

  // Lawicel status flags (answer to "F"): error passive and bus error (the
  // gateway's controller bus-off), data overrun (frames lost to the host).
  static constexpr std::uint8_t kFlagDataOverrun = 0x08;
  static constexpr std::uint8_t kFlagErrorPassive = 0x20;
  static constexpr std::uint8_t kFlagBusError = 0x80;

  // Applies a command and appends its answer to `reply`. Returns true if the
  // command was accepted; for a frame, the caller then puts c.frame on the bus.
  bool apply(const SlcanCommand& c, std::string& reply);

  // What "F" answers until the next call.
  void set_status_flags(std::uint8_t flags) { status_flags_ = flags; }
  // Back to the state at power-on (the host went away).
  void reset() { *this = SlcanChannel(); }

  Mode mode() const { return mode_; }
  bool receiving() const { return mode_ != Mode::kClosed; }  // frames of the bus go to the host
  bool timestamps() const { return timestamps_; }
  std::uint32_t bitrate_bps() const { return bitrate_bps_; }  // 0 until "S"
  std::uint16_t btr() const { return btr_; }                  // 0 until "s"

 private:
  Mode mode_ = Mode::kClosed;
  bool timestamps_ = false;
  std::uint32_t bitrate_bps_ = 0;
  std::uint16_t btr_ = 0;
  std::uint8_t status_flags_ = 0;
};

// The timestamp Lawicel appends with "Z1": milliseconds modulo 60000.
constexpr std::uint16_t slcan_timestamp_ms(std::int64_t time_ns) {
  return static_cast<std::uint16_t>((time_ns / 1'000'000) % 60'000);
}

// "tIIILDD..\r" / "TIIIIIIIILDD..\r" ("r"/"R" for a remote frame, no data),
// with 4 hex digits of slcan_timestamp_ms(time_ns) before the '\r' if
// `timestamp`. A DLC above 8 (allowed on the simulated bus) is written 8: the
// protocol has one digit 0-8.
void append_slcan_frame(std::string& out, const bus::CanFrame& frame, bool timestamp, std::int64_t time_ns);

}  // namespace stacksim::io
