// Quantities written with their unit, the one style every user-facing file
// uses: "90s", "2h", "25A", "0.5C", "3.2V", "5kW", "45C", "50%".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stacksim {

enum class Dimension {
  kTime,         // s; accepts ns us ms s m(in) h d
  kCurrent,      // A; accepts mA A kA, and C-rate "0.5C" (see ParsedQuantity)
  kVoltage,      // V; accepts mV V kV
  kPower,        // W; accepts mW W kW MW
  kEnergy,       // Wh; accepts Wh kWh MWh J kJ MJ
  kTemperature,  // degC; accepts "25C" "25degC" "25°C" "298.15K"
  kRatio,        // fraction; accepts "50%" only
  kResistance,   // ohm; accepts uOhm mOhm Ohm kOhm
  kCharge,       // Ah; accepts mAh Ah
};

// Human name used in messages, e.g. "a current".
std::string_view dimension_name(Dimension d);
// Example text used in messages, e.g. "\"25A\" or \"0.5C\"".
std::string_view dimension_example(Dimension d);

struct ParsedQuantity {
  double value = 0.0;    // in the dimension's base unit (see enum), or C-rate
  bool c_rate = false;   // kCurrent only: value is a multiple of capacity/1h
};

// Parses one quantity. Leading/trailing spaces are an error; a number without
// a unit is an error; non-finite results are an error. On error returns
// nullopt and, if `error` is given, writes a message that says what was
// expected.
std::optional<ParsedQuantity> parse_quantity(std::string_view text, Dimension d,
                                             std::string* error = nullptr);

// Durations are parsed exactly into integer nanoseconds (decimal digits, no
// floating point): "0.1s" is exactly 100000000. Compound forms like "1h30m"
// are accepted. Negative durations are an error.
std::optional<std::int64_t> parse_duration_ns(std::string_view text,
                                              std::string* error = nullptr);

// "1h30m", "250ms", "0s": the shortest exact form, for messages and reports.
std::string format_duration_ns(std::int64_t ns);

}  // namespace stacksim
