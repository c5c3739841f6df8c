// Packing and unpacking DBC signals into CAN payloads. The free functions
// interpret a Signal on every call; MessageCodec precomputes the byte/shift/
// mask plan of every signal of a message once, for the hot paths
// (virtual inverter, firmware profiles, bus logs). Bit numbering follows
// cantools/Vector exactly: Intel start bit = LSB, Motorola start bit = MSB in
// the sawtooth numbering (bit 7 of byte 0 is 7, bit 0 of byte 1 is 8).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bus/can_frame.hpp"
#include "protocol/dbc.hpp"

namespace stacksim::protocol {

std::int64_t get_raw(const Signal& s, const std::uint8_t* data8);      // sign-extended when signed
void set_raw(const Signal& s, std::uint8_t* data8, std::int64_t raw);  // low `length` bits
double decode(const Signal& s, const std::uint8_t* data8);             // raw * factor + offset
std::int64_t to_raw(const Signal& s, double physical);                 // round to nearest, no clamping
void encode(const Signal& s, std::uint8_t* data8, double physical);
// Whether a multiplexed signal is present in this payload (true for plain signals).
bool present(const Message& m, const Signal& s, const std::uint8_t* data8);
// Name-based convenience, for tests and slow paths (unknown names -> std::nullopt / false).
std::optional<double> decode(const Message& m, std::string_view signal, const bus::CanFrame& f);
// Encodes one signal into `f` by name; false if the message has no such signal.
bool encode(const Message& m, std::string_view signal, bus::CanFrame& f, double physical);

// A message compiled for speed: per-signal precomputed byte/shift/mask plans; values in signal order.
class MessageCodec {
 public:
  explicit MessageCodec(const Message& m);
  std::size_t size() const { return plans_.size(); }  // number of signals
  std::optional<std::size_t> index(std::string_view signal) const;
  void decode(const bus::CanFrame& f, double* values) const;   // multiplexed-absent -> NaN
  void encode(const double* values, bus::CanFrame& f) const;   // sets id/extended/dlc, NaN -> leave 0
  void decode_raw(const std::uint8_t* data8, std::int64_t* raw) const;
  void encode_raw(const std::int64_t* raw, std::uint8_t* data8) const;

  std::uint32_t id() const { return id_; }
  bool extended() const { return extended_; }
  std::uint8_t dlc() const { return dlc_; }

 private:
  // The payload is handled as one 64-bit word: Intel signals read it as a
  // little-endian integer, Motorola signals as a big-endian one, so each
  // signal is one shift and one mask.
  struct Plan {
    std::uint8_t shift = 0;
    bool big_endian = false;
    bool is_signed = false;
    bool multiplexed = false;
    std::uint8_t length = 1;
    std::uint8_t bytes_needed = 0;  // shorter frames do not carry the signal
    std::uint64_t mask = 0;         // low `length` bits
    std::uint64_t sign = 0;         // the sign bit of a signed field, else 0 (sign extension is then a no-op)
    double factor = 1.0, offset = 0.0;
    std::int64_t mux_value = 0;
  };
  static std::int64_t field(const Plan& p, std::uint64_t le, std::uint64_t be);

  std::vector<Plan> plans_;
  std::vector<std::string> names_;
  int mux_plan_ = -1;  // index of the multiplexor signal, -1 if none
  std::uint32_t id_ = 0;
  bool extended_ = false;
  std::uint8_t dlc_ = 8;
};

}  // namespace stacksim::protocol
