// The socketcand protocol's text (raw mode), both ways, with no I/O: what a
// client sends is cut into messages "< ... >" and parsed; what the bus carries
// is formatted for the clients. Reference: linux-can/socketcand doc/protocol.md
// and python-can's client (can/interfaces/socketcand), which is what the
// tests drive.
//
// Bytes from a client are hostile: anything between messages is skipped and
// counted, a message longer than kMaxMessage is dropped whole (the parser
// skips to the next '<'), and a message that does not parse is counted and
// answered "< error ... >" by the server. Nothing here allocates per byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "bus/can_frame.hpp"

namespace stacksim::io {

// Longest message accepted: "< send 1FFFFFFF 8 ff ff ff ff ff ff ff ff >" is
// 44 characters; socketcand's own limit is about this order.
constexpr std::size_t kMaxMessage = 128;

struct SocketcandCommand {
  enum class Kind {
    kOpen,      // "< open CHANNEL >"
    kRawMode,   // "< rawmode >"
    kSend,      // "< send ID LEN B0 B1 ... >"
    kEcho,      // "< echo >": answered "< echo >"
    kOther,     // a well-formed message of another mode (bcmmode, add, ...): not supported
    kMalformed  // a message that does not parse
  };
  Kind kind = Kind::kMalformed;
  std::string channel;  // kOpen
  bus::CanFrame frame;  // kSend
  std::string error;    // kMalformed / kOther: what was wrong, for "< error ... >"
};

class SocketcandParser {
 public:
  using Command = SocketcandCommand;
  // Feeds bytes; calls on_command(const SocketcandCommand&) for every
  // complete message, in order.
  template <typename OnCommand>
  void feed(const char* data, std::size_t len, OnCommand&& on_command) {
    for (std::size_t i = 0; i < len; ++i) {
      if (const SocketcandCommand* c = push(data[i])) on_command(*c);
    }
  }

  std::uint64_t skipped_bytes() const { return skipped_; }     // outside any message
  std::uint64_t oversized() const { return oversized_; }       // messages dropped for length
  bool inside_message() const { return inside_; }

 private:
  const SocketcandCommand* push(char c);

  char buffer_[kMaxMessage];
  std::size_t length_ = 0;
  bool inside_ = false;
  bool overflowed_ = false;
  SocketcandCommand last_;
  std::uint64_t skipped_ = 0, oversized_ = 0;
};

// Parses one message, "<" and ">" included.
SocketcandCommand parse_socketcand(std::string_view message);

// "< frame ID SECONDS.MICROSECONDS DATA >": the identifier in hex, 8 digits
// when extended (so a client can tell an extended id below 0x800), the data
// as contiguous hex bytes, as socketcand writes it.
void append_socketcand_frame(std::string& out, const bus::CanFrame& frame, std::int64_t time_ns);

}  // namespace stacksim::io
