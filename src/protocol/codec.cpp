#include "protocol/codec.hpp"

#include <bit>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>

#include "protocol/bit_layout.hpp"

namespace stacksim::protocol {
namespace {

static_assert(std::endian::native == std::endian::little || std::endian::native == std::endian::big);

std::uint64_t byteswap64(std::uint64_t v) { return __builtin_bswap64(v); }

// The payload as the little-endian (Intel) or big-endian (Motorola) word.
std::uint64_t load_word(const std::uint8_t* data8, bool big_endian) {
  std::uint64_t v = 0;
  std::memcpy(&v, data8, 8);
  const bool swap = big_endian == (std::endian::native == std::endian::little);
  return swap ? byteswap64(v) : v;
}

void store_word(std::uint8_t* data8, std::uint64_t v, bool big_endian) {
  const bool swap = big_endian == (std::endian::native == std::endian::little);
  if (swap) v = byteswap64(v);
  std::memcpy(data8, &v, 8);
}

std::uint64_t low_mask(int length) { return length >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << length) - 1; }

std::int64_t extend(std::uint64_t field, int length, bool is_signed) {
  if (!is_signed || length >= 64) return static_cast<std::int64_t>(field);
  const std::uint64_t sign = std::uint64_t{1} << (length - 1);
  return static_cast<std::int64_t>((field ^ sign) - sign);
}

// Round half away from zero without a libm call: x - trunc(x) is exact for
// every double, so the comparison is exact too. Beyond the int64 range the
// result saturates (a raw value that large fits no signal anyway); NaN -> 0.
std::int64_t round_to_int64(double x) {
  constexpr double kLimit = 9223372036854775807.0;  // 2^63
  if (!(x > -kLimit && x < kLimit)) {
    if (std::isnan(x)) return 0;
    return x > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
  }
  auto t = static_cast<std::int64_t>(x);
  const double frac = x - static_cast<double>(t);
  if (frac >= 0.5) ++t;
  if (frac <= -0.5) --t;
  return t;
}

int word_shift(const Signal& s) {
  assert(s.length >= 1 && s.length <= 64);
  if (s.little_endian) {
    assert(s.start_bit + s.length <= 64);
    return s.start_bit;
  }
  assert(s.start_bit < 64);
  const int shift = payload_to_be_bit(s.start_bit) - s.length + 1;
  assert(shift >= 0 && "Motorola signal past byte 7 (check_dbc reports it)");
  return shift;
}

const Signal* multiplexor_of(const Message& m) {
  for (const Signal& s : m.signals) {
    if (s.mux == Signal::Mux::kMultiplexor) return &s;
  }
  return nullptr;
}

}  // namespace

std::int64_t get_raw(const Signal& s, const std::uint8_t* data8) {
  const std::uint64_t word = load_word(data8, !s.little_endian);
  return extend((word >> word_shift(s)) & low_mask(s.length), s.length, s.is_signed);
}

void set_raw(const Signal& s, std::uint8_t* data8, std::int64_t raw) {
  const bool big_endian = !s.little_endian;
  const int shift = word_shift(s);
  const std::uint64_t mask = low_mask(s.length) << shift;
  std::uint64_t word = load_word(data8, big_endian);
  word = (word & ~mask) | ((static_cast<std::uint64_t>(raw) << shift) & mask);
  store_word(data8, word, big_endian);
}

double decode(const Signal& s, const std::uint8_t* data8) {
  return static_cast<double>(get_raw(s, data8)) * s.factor + s.offset;
}

std::int64_t to_raw(const Signal& s, double physical) { return round_to_int64((physical - s.offset) / s.factor); }

void encode(const Signal& s, std::uint8_t* data8, double physical) { set_raw(s, data8, to_raw(s, physical)); }

bool present(const Message& m, const Signal& s, const std::uint8_t* data8) {
  if (s.mux != Signal::Mux::kMultiplexed) return true;
  const Signal* mux = multiplexor_of(m);
  return mux != nullptr && get_raw(*mux, data8) == s.mux_value;
}

// A signal the frame is too short to carry, or one multiplexed out, has no
// value in this frame.
std::optional<double> decode(const Message& m, std::string_view signal, const bus::CanFrame& f) {
  const Signal* s = m.signal(signal);
  if (s == nullptr || bit_layout(*s).bytes_needed > bus::can_data_bytes(f)) return std::nullopt;
  if (!present(m, *s, f.data.data())) return std::nullopt;
  return decode(*s, f.data.data());
}

bool encode(const Message& m, std::string_view signal, bus::CanFrame& f, double physical) {
  const Signal* s = m.signal(signal);
  if (s == nullptr) return false;
  encode(*s, f.data.data(), physical);
  return true;
}

MessageCodec::MessageCodec(const Message& m) : id_(m.id), extended_(m.extended), dlc_(m.dlc) {
  plans_.reserve(m.signals.size());
  names_.reserve(m.signals.size());
  for (std::size_t i = 0; i < m.signals.size(); ++i) {
    const Signal& s = m.signals[i];
    if (s.mux == Signal::Mux::kMultiplexor) mux_plan_ = static_cast<int>(i);
  }
  for (const Signal& s : m.signals) {
    Plan p;
    p.shift = static_cast<std::uint8_t>(word_shift(s));
    p.big_endian = !s.little_endian;
    p.is_signed = s.is_signed;
    p.length = static_cast<std::uint8_t>(s.length);
    p.mask = low_mask(s.length);
    p.sign = s.is_signed && s.length < 64 ? std::uint64_t{1} << (s.length - 1) : 0;
    p.factor = s.factor;
    p.offset = s.offset;
    p.bytes_needed = static_cast<std::uint8_t>(bit_layout(s).bytes_needed);
    p.multiplexed = s.mux == Signal::Mux::kMultiplexed;
    p.mux_value = s.mux_value;
    plans_.push_back(p);
    names_.push_back(s.name);
  }
}

std::optional<std::size_t> MessageCodec::index(std::string_view signal) const {
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == signal) return i;
  }
  return std::nullopt;
}

std::int64_t MessageCodec::field(const Plan& p, std::uint64_t le, std::uint64_t be) {
  const std::uint64_t v = ((p.big_endian ? be : le) >> p.shift) & p.mask;
  return static_cast<std::int64_t>((v ^ p.sign) - p.sign);
}

void MessageCodec::decode_raw(const std::uint8_t* data8, std::int64_t* raw) const {
  const std::uint64_t le = load_word(data8, false);
  const std::uint64_t be = byteswap64(le);
  for (std::size_t i = 0; i < plans_.size(); ++i) raw[i] = field(plans_[i], le, be);
}

void MessageCodec::decode(const bus::CanFrame& f, double* values) const {
  const std::uint64_t le = load_word(f.data.data(), false);
  const std::uint64_t be = byteswap64(le);
  const int bytes = bus::can_data_bytes(f);
  const std::int64_t mux = mux_plan_ >= 0 ? field(plans_[static_cast<std::size_t>(mux_plan_)], le, be) : 0;
  for (std::size_t i = 0; i < plans_.size(); ++i) {
    const Plan& p = plans_[i];
    if (p.bytes_needed > bytes || (p.multiplexed && p.mux_value != mux)) {
      values[i] = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    values[i] = static_cast<double>(field(p, le, be)) * p.factor + p.offset;
  }
}

void MessageCodec::encode_raw(const std::int64_t* raw, std::uint8_t* data8) const {
  std::uint64_t le = 0;
  std::uint64_t be = 0;
  const std::int64_t mux = mux_plan_ >= 0 ? raw[mux_plan_] : 0;
  for (std::size_t i = 0; i < plans_.size(); ++i) {
    const Plan& p = plans_[i];
    if (p.multiplexed && p.mux_value != mux) continue;
    const std::uint64_t bits = (static_cast<std::uint64_t>(raw[i]) & p.mask) << p.shift;
    (p.big_endian ? be : le) |= bits;
  }
  store_word(data8, le | byteswap64(be), false);
}

void MessageCodec::encode(const double* values, bus::CanFrame& f) const {
  f.id = id_;
  f.extended = extended_;
  f.rtr = false;
  f.dlc = dlc_;
  std::uint64_t le = 0;
  std::uint64_t be = 0;
  std::int64_t mux = 0;
  if (mux_plan_ >= 0) {
    const Plan& p = plans_[static_cast<std::size_t>(mux_plan_)];
    const double v = values[mux_plan_];
    mux = std::isnan(v) ? 0 : round_to_int64((v - p.offset) / p.factor);
    if (p.sign != 0) mux = static_cast<std::int64_t>(((static_cast<std::uint64_t>(mux) & p.mask) ^ p.sign) - p.sign);
    else mux = static_cast<std::int64_t>(static_cast<std::uint64_t>(mux) & p.mask);
  }
  for (std::size_t i = 0; i < plans_.size(); ++i) {
    const Plan& p = plans_[i];
    const double v = values[i];
    if (std::isnan(v) || (p.multiplexed && p.mux_value != mux)) continue;
    const std::int64_t raw = round_to_int64((v - p.offset) / p.factor);
    const std::uint64_t bits = (static_cast<std::uint64_t>(raw) & p.mask) << p.shift;
    (p.big_endian ? be : le) |= bits;
  }
  store_word(f.data.data(), le | byteswap64(be), false);
}

}  // namespace stacksim::protocol
