#include "util/quantity.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <span>
#include <system_error>

namespace stacksim {

namespace {

enum class Conversion { kScale, kKelvin, kCRate };

// value_in_base = value * num / den; dividing by an exact den (1000, 3600)
// rounds once, where multiplying by 0.001 would round twice.
struct Unit {
  std::string_view suffix;
  double num;
  double den;
  Conversion conversion = Conversion::kScale;
};

constexpr Unit kCurrentUnits[] = {
    {"mA", 1, 1000}, {"A", 1, 1}, {"kA", 1000, 1}, {"C", 1, 1, Conversion::kCRate}};
constexpr Unit kVoltageUnits[] = {{"mV", 1, 1000}, {"V", 1, 1}, {"kV", 1000, 1}};
constexpr Unit kPowerUnits[] = {
    {"mW", 1, 1000}, {"W", 1, 1}, {"kW", 1000, 1}, {"MW", 1e6, 1}};
constexpr Unit kEnergyUnits[] = {{"Wh", 1, 1},       {"kWh", 1000, 1},
                                 {"MWh", 1e6, 1},    {"J", 1, 3600},
                                 {"kJ", 1000, 3600}, {"MJ", 1e6, 3600}};
constexpr Unit kTemperatureUnits[] = {{"C", 1, 1},
                                      {"degC", 1, 1},
                                      {"\xC2\xB0" "C", 1, 1},
                                      {"K", 1, 1, Conversion::kKelvin}};
constexpr Unit kRatioUnits[] = {{"%", 1, 100}};
constexpr Unit kResistanceUnits[] = {
    {"uOhm", 1, 1e6}, {"mOhm", 1, 1000}, {"Ohm", 1, 1}, {"kOhm", 1000, 1}};
constexpr Unit kChargeUnits[] = {{"mAh", 1, 1000}, {"Ah", 1, 1}};

std::span<const Unit> units_of(Dimension d) {
  switch (d) {
    case Dimension::kTime: return {};  // handled by the exact duration parser
    case Dimension::kCurrent: return kCurrentUnits;
    case Dimension::kVoltage: return kVoltageUnits;
    case Dimension::kPower: return kPowerUnits;
    case Dimension::kEnergy: return kEnergyUnits;
    case Dimension::kTemperature: return kTemperatureUnits;
    case Dimension::kRatio: return kRatioUnits;
    case Dimension::kResistance: return kResistanceUnits;
    case Dimension::kCharge: return kChargeUnits;
  }
  return {};
}

struct DurationUnit {
  std::string_view suffix;
  int rank;  // larger units first; "m" and "min" are the same unit
  std::int64_t ns;
};

constexpr DurationUnit kDurationUnits[] = {
    {"d", 0, 86'400'000'000'000}, {"h", 1, 3'600'000'000'000},
    {"m", 2, 60'000'000'000},     {"min", 2, 60'000'000'000},
    {"s", 3, 1'000'000'000},      {"ms", 4, 1'000'000},
    {"us", 5, 1'000},             {"ns", 6, 1}};
constexpr std::string_view kDurationUnitList = "d, h, m (or min), s, ms, us, ns";
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// JSON-style quoting keeps control characters and quotes in user text from
// garbling a one-line message.
std::string quote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7F) {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    } else {
      out += c;
    }
  }
  return out + '"';
}

std::string unit_list(Dimension d) {
  if (d == Dimension::kTime) return std::string(kDurationUnitList);
  std::string out;
  for (const Unit& u : units_of(d)) {
    if (!out.empty()) out += ", ";
    out += u.suffix;
  }
  return out;
}

// The one place messages are built, so every one states the expectation.
template <typename T>
std::optional<T> fail(std::string* error, Dimension d, std::string_view text,
                      std::string_view detail) {
  if (error != nullptr) {
    *error = "expected " + std::string(dimension_name(d)) + " like " +
             std::string(dimension_example(d)) + ", got " + quote(text) + " (" +
             std::string(detail) + ")";
  }
  return std::nullopt;
}

std::int64_t pow10(std::size_t n) {
  std::int64_t p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

// Nanoseconds in `fraction` (the digits after the point) of `unit_ns`, exactly,
// or nullopt if it is not a whole number of nanoseconds.
std::optional<std::int64_t> fraction_ns(std::string_view fraction,
                                        std::int64_t unit_ns) {
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  const std::size_t k = fraction.size();
  if (k == 0) return 0;
  // unit_ns = u * 10^z, with u one of 1, 6, 36, 864.
  std::size_t z = 0;
  std::int64_t u = unit_ns;
  while (u % 10 == 0) {
    u /= 10;
    ++z;
  }
  // With F's last digit non-zero, u * F can only end in j zeros if F supplies
  // the 5s and u the 2s; u has at most 2^5, so j > 5 is never exact. That
  // bound also keeps F below 10^16, well inside int64.
  if (k > z + 5) return std::nullopt;
  std::int64_t f = 0;
  for (const char c : fraction) f = f * 10 + (c - '0');
  if (k <= z) return f * (unit_ns / pow10(k));
  const std::int64_t product = u * f;
  const std::int64_t divisor = pow10(k - z);
  if (product % divisor != 0) return std::nullopt;
  return product / divisor;
}

// Unsigned compound duration ("1h30m", "0.25s"); `text` is the whole input,
// for messages.
std::optional<std::int64_t> parse_duration_body(std::string_view body,
                                                std::string_view text,
                                                std::string* error) {
  const auto bad = [&](std::string_view detail) {
    return fail<std::int64_t>(error, Dimension::kTime, text, detail);
  };
  const std::string unit_hint =
      std::string("; use ") + std::string(kDurationUnitList);
  std::size_t pos = 0;
  int last_rank = -1;
  bool had_fraction = false;
  std::int64_t total = 0;
  if (body.empty()) return bad("a number is missing");
  while (pos < body.size()) {
    if (had_fraction) return bad("only the last part may have a fraction");
    if (!is_digit(body[pos])) {
      return bad(body[pos] == '.' ? "write a digit before the '.', like \"0.5s\""
                                  : "it must start with a number");
    }
    const std::size_t int_start = pos;
    while (pos < body.size() && is_digit(body[pos])) ++pos;
    const std::string_view int_digits = body.substr(int_start, pos - int_start);
    std::string_view frac_digits;
    if (pos < body.size() && body[pos] == '.') {
      const std::size_t frac_start = ++pos;
      while (pos < body.size() && is_digit(body[pos])) ++pos;
      frac_digits = body.substr(frac_start, pos - frac_start);
      if (frac_digits.empty()) return bad("expected digits after the '.'");
      had_fraction = true;
    }
    const std::size_t unit_start = pos;
    while (pos < body.size() && !is_digit(body[pos]) && body[pos] != '.') ++pos;
    const std::string_view suffix = body.substr(unit_start, pos - unit_start);
    if (suffix.empty()) return bad("the unit is missing" + unit_hint);
    if (suffix[0] == 'e' || suffix[0] == 'E') {
      return bad("exponents are not allowed in durations");
    }
    const DurationUnit* unit = nullptr;
    for (const DurationUnit& u : kDurationUnits) {
      if (u.suffix == suffix) unit = &u;
    }
    if (unit == nullptr) {
      return bad("unknown unit '" + std::string(suffix) + "'" + unit_hint);
    }
    if (unit->rank <= last_rank) {
      return bad("units must go from largest to smallest, each at most once");
    }
    last_rank = unit->rank;

    constexpr std::string_view kTooLong =
        "longer than the longest supported duration, about 292 years";
    std::int64_t count = 0;
    for (const char c : int_digits) {
      const int digit = c - '0';
      if (count > (kMax - digit) / 10) return bad(kTooLong);
      count = count * 10 + digit;
    }
    if (count > kMax / unit->ns) return bad(kTooLong);
    const std::int64_t whole = count * unit->ns;
    const std::optional<std::int64_t> part = fraction_ns(frac_digits, unit->ns);
    if (!part) return bad("not a whole number of nanoseconds");
    if (whole > kMax - total) return bad(kTooLong);
    total += whole;
    if (*part > kMax - total) return bad(kTooLong);
    total += *part;
  }
  return total;
}

}  // namespace

std::string_view dimension_name(Dimension d) {
  switch (d) {
    case Dimension::kTime: return "a duration";
    case Dimension::kCurrent: return "a current";
    case Dimension::kVoltage: return "a voltage";
    case Dimension::kPower: return "a power";
    case Dimension::kEnergy: return "an energy";
    case Dimension::kTemperature: return "a temperature";
    case Dimension::kRatio: return "a percentage";
    case Dimension::kResistance: return "a resistance";
    case Dimension::kCharge: return "a charge";
  }
  return "a quantity";
}

std::string_view dimension_example(Dimension d) {
  switch (d) {
    case Dimension::kTime: return "\"90s\" or \"1h30m\"";
    case Dimension::kCurrent: return "\"25A\" or \"0.5C\"";
    case Dimension::kVoltage: return "\"3.2V\"";
    case Dimension::kPower: return "\"5kW\"";
    case Dimension::kEnergy: return "\"10kWh\"";
    case Dimension::kTemperature: return "\"25C\" or \"298.15K\"";
    case Dimension::kRatio: return "\"50%\"";
    case Dimension::kResistance: return "\"1.5mOhm\"";
    case Dimension::kCharge: return "\"280Ah\"";
  }
  return "\"1\"";
}

std::optional<ParsedQuantity> parse_quantity(std::string_view text, Dimension d,
                                             std::string* error) {
  const auto bad = [&](std::string_view detail) {
    return fail<ParsedQuantity>(error, d, text, detail);
  };
  if (text.empty()) return bad("the text is empty");
  if (text.find_first_of(" \t\r\n\v\f") != std::string_view::npos) {
    return bad("spaces are not allowed");
  }
  const bool negative = text[0] == '-';
  const std::size_t start = (text[0] == '-' || text[0] == '+') ? 1 : 0;

  if (d == Dimension::kTime) {
    const auto ns = parse_duration_body(text.substr(start), text, error);
    if (!ns) return std::nullopt;
    const double seconds = static_cast<double>(*ns) / 1e9;
    return ParsedQuantity{negative ? -seconds : seconds, false};
  }

  std::size_t pos = start;
  if (pos >= text.size() || !is_digit(text[pos])) {
    return bad(pos < text.size() && text[pos] == '.'
                   ? "write a digit before the '.', like \"0.5\""
                   : "it must start with a number");
  }
  while (pos < text.size() && is_digit(text[pos])) ++pos;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    if (pos >= text.size() || !is_digit(text[pos])) {
      return bad("expected digits after the '.'");
    }
    while (pos < text.size() && is_digit(text[pos])) ++pos;
  }
  // An 'e' is an exponent only if digits follow; no unit starts with 'e'.
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    std::size_t p = pos + 1;
    if (p < text.size() && (text[p] == '+' || text[p] == '-')) ++p;
    if (p < text.size() && is_digit(text[p])) {
      while (p < text.size() && is_digit(text[p])) ++p;
      pos = p;
    }
  }
  const std::string_view number = text.substr(start, pos - start);
  const std::string_view suffix = text.substr(pos);
  if (suffix.empty()) return bad("the unit is missing; use " + unit_list(d));
  const Unit* unit = nullptr;
  for (const Unit& u : units_of(d)) {
    if (u.suffix == suffix) unit = &u;
  }
  if (unit == nullptr) {
    return bad("unknown unit '" + std::string(suffix) + "'; use " + unit_list(d));
  }

  double value = 0.0;
  const auto [end, ec] =
      std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || end != number.data() + number.size()) {
    return bad("the number is out of range");
  }
  if (negative) value = -value;
  ParsedQuantity q;
  switch (unit->conversion) {
    case Conversion::kScale: q.value = value * unit->num / unit->den; break;
    case Conversion::kKelvin: q.value = value - 273.15; break;
    case Conversion::kCRate:
      q.value = value;
      q.c_rate = true;
      break;
  }
  if (!std::isfinite(q.value)) return bad("the number is out of range");
  if (d == Dimension::kTemperature && q.value < -273.15) {
    return bad("below absolute zero");
  }
  return q;
}

std::optional<std::int64_t> parse_duration_ns(std::string_view text,
                                              std::string* error) {
  const auto bad = [&](std::string_view detail) {
    return fail<std::int64_t>(error, Dimension::kTime, text, detail);
  };
  if (text.empty()) return bad("the text is empty");
  if (text.find_first_of(" \t\r\n\v\f") != std::string_view::npos) {
    return bad("spaces are not allowed");
  }
  if (text[0] == '-') return bad("durations cannot be negative");
  if (text[0] == '+') return bad("write it without a sign");
  return parse_duration_body(text, text, error);
}

std::string format_duration_ns(std::int64_t ns) {
  if (ns == 0) return "0s";
  std::string out;
  // Unsigned magnitude, so that INT64_MIN has one too.
  auto magnitude = static_cast<std::uint64_t>(ns);
  if (ns < 0) {
    out = "-";
    magnitude = 0 - magnitude;
  }
  for (const DurationUnit& u : kDurationUnits) {
    if (u.suffix == "min") continue;
    const auto unit = static_cast<std::uint64_t>(u.ns);
    const std::uint64_t count = magnitude / unit;
    if (count == 0) continue;
    out += std::to_string(count);
    out += u.suffix;
    magnitude %= unit;
  }
  return out;
}

}  // namespace stacksim
