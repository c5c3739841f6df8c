#include "util/quantity.hpp"

#include <cstdint>
#include <limits>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace stacksim {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

struct Good {
  std::string_view text;
  Dimension dimension;
  double value;
  bool c_rate = false;
};

TEST(ParseQuantity, AcceptsEveryListedUnit) {
  const Good cases[] = {
      {"25A", Dimension::kCurrent, 25.0},
      {"250mA", Dimension::kCurrent, 0.25},
      {"2kA", Dimension::kCurrent, 2000.0},
      {"0.5C", Dimension::kCurrent, 0.5, true},
      {"-2C", Dimension::kCurrent, -2.0, true},
      {"3.2V", Dimension::kVoltage, 3.2},
      {"3200mV", Dimension::kVoltage, 3.2},
      {"1.5kV", Dimension::kVoltage, 1500.0},
      {"500mW", Dimension::kPower, 0.5},
      {"5W", Dimension::kPower, 5.0},
      {"5kW", Dimension::kPower, 5000.0},
      {"2MW", Dimension::kPower, 2e6},
      {"10Wh", Dimension::kEnergy, 10.0},
      {"10kWh", Dimension::kEnergy, 10000.0},
      {"1MWh", Dimension::kEnergy, 1e6},
      {"3600J", Dimension::kEnergy, 1.0},
      {"7.2kJ", Dimension::kEnergy, 2.0},
      {"3.6MJ", Dimension::kEnergy, 1000.0},
      {"25C", Dimension::kTemperature, 25.0},
      {"25degC", Dimension::kTemperature, 25.0},
      {"25\xC2\xB0" "C", Dimension::kTemperature, 25.0},
      {"-40C", Dimension::kTemperature, -40.0},
      {"298.15K", Dimension::kTemperature, 25.0},
      {"0K", Dimension::kTemperature, -273.15},
      {"50%", Dimension::kRatio, 0.5},
      {"2.5%", Dimension::kRatio, 0.025},
      {"250uOhm", Dimension::kResistance, 0.00025},
      {"1.5mOhm", Dimension::kResistance, 0.0015},
      {"2Ohm", Dimension::kResistance, 2.0},
      {"2kOhm", Dimension::kResistance, 2000.0},
      {"500mAh", Dimension::kCharge, 0.5},
      {"280Ah", Dimension::kCharge, 280.0},
      {"-5A", Dimension::kCurrent, -5.0},
      {"+5A", Dimension::kCurrent, 5.0},
      {"1e3W", Dimension::kPower, 1000.0},
      {"2.5E-3V", Dimension::kVoltage, 0.0025},
      {"1e+2kW", Dimension::kPower, 1e5},
      {"007V", Dimension::kVoltage, 7.0},
      {"90s", Dimension::kTime, 90.0},
      {"1h30m", Dimension::kTime, 5400.0},
      {"2min", Dimension::kTime, 120.0},
      {"1.5h", Dimension::kTime, 5400.0},
      {"250ms", Dimension::kTime, 0.25},
      {"-0.5s", Dimension::kTime, -0.5},
  };
  for (const Good& c : cases) {
    std::string error;
    const auto q = parse_quantity(c.text, c.dimension, &error);
    ASSERT_TRUE(q.has_value()) << c.text << ": " << error;
    EXPECT_DOUBLE_EQ(q->value, c.value) << c.text;
    EXPECT_EQ(q->c_rate, c.c_rate) << c.text;
  }
}

std::string error_of(std::string_view text, Dimension d) {
  std::string error;
  EXPECT_FALSE(parse_quantity(text, d, &error).has_value()) << text;
  return error;
}

TEST(ParseQuantity, MissingUnitSaysWhatWasExpected) {
  EXPECT_EQ(error_of("25", Dimension::kCurrent),
            "expected a current like \"25A\" or \"0.5C\", got \"25\" "
            "(the unit is missing; use mA, A, kA, C)");
  EXPECT_EQ(error_of("0.5", Dimension::kRatio),
            "expected a percentage like \"50%\", got \"0.5\" (the unit is missing; use %)");
}

TEST(ParseQuantity, RejectsMalformedText) {
  const struct {
    std::string_view text;
    Dimension dimension;
    std::string_view detail;
  } cases[] = {
      {"", Dimension::kVoltage, "(the text is empty)"},
      {"25 A", Dimension::kCurrent, "(spaces are not allowed)"},
      {" 25A", Dimension::kCurrent, "(spaces are not allowed)"},
      {"25A ", Dimension::kCurrent, "(spaces are not allowed)"},
      {"25a", Dimension::kCurrent, "(unknown unit 'a'; use mA, A, kA, C)"},
      {"25mAh", Dimension::kCurrent, "(unknown unit 'mAh'; use mA, A, kA, C)"},
      {"5kw", Dimension::kPower, "(unknown unit 'kw'; use mW, W, kW, MW)"},
      {"5ohm", Dimension::kResistance, "(unknown unit 'ohm'; use uOhm, mOhm, Ohm, kOhm)"},
      {"5F", Dimension::kTemperature, "(unknown unit 'F'; use C, degC, \xC2\xB0" "C, K)"},
      {"0.5", Dimension::kCurrent, "(the unit is missing; use mA, A, kA, C)"},
      {".5V", Dimension::kVoltage, "(write a digit before the '.', like \"0.5\")"},
      {"5.V", Dimension::kVoltage, "(expected digits after the '.')"},
      {"V", Dimension::kVoltage, "(it must start with a number)"},
      {"-V", Dimension::kVoltage, "(it must start with a number)"},
      {"--5V", Dimension::kVoltage, "(it must start with a number)"},
      {"nanV", Dimension::kVoltage, "(it must start with a number)"},
      {"1e999W", Dimension::kPower, "(the number is out of range)"},
      {"1e308MW", Dimension::kPower, "(the number is out of range)"},
      {"5eV", Dimension::kVoltage, "(unknown unit 'eV'; use mV, V, kV)"},
      {"-300C", Dimension::kTemperature, "(below absolute zero)"},
      {"-1K", Dimension::kTemperature, "(below absolute zero)"},
      {"50", Dimension::kRatio, "(the unit is missing; use %)"},
      {"1e3s", Dimension::kTime, "(exponents are not allowed in durations)"},
      {"90", Dimension::kTime, "(the unit is missing; use d, h, m (or min), s, ms, us, ns)"},
  };
  for (const auto& c : cases) {
    const std::string error = error_of(c.text, c.dimension);
    const std::string expected_start = "expected " + std::string(dimension_name(c.dimension)) +
                                       " like " + std::string(dimension_example(c.dimension)) +
                                       ", got \"" + std::string(c.text) + "\" ";
    EXPECT_THAT(error, StartsWith(expected_start)) << c.text;
    EXPECT_THAT(error, HasSubstr(std::string(c.detail))) << c.text;
  }
}

TEST(ParseQuantity, QuotesControlCharactersInMessages) {
  EXPECT_THAT(error_of("5\nV", Dimension::kVoltage), HasSubstr("got \"5\\u000aV\""));
  EXPECT_THAT(error_of("5\"V", Dimension::kVoltage), HasSubstr("got \"5\\\"V\""));
}

TEST(ParseQuantity, ErrorOutputIsOptional) {
  EXPECT_FALSE(parse_quantity("25", Dimension::kCurrent).has_value());
  EXPECT_FALSE(parse_duration_ns("25").has_value());
}

TEST(DimensionText, EveryDimensionHasNameAndExample) {
  EXPECT_EQ(dimension_name(Dimension::kCurrent), "a current");
  EXPECT_EQ(dimension_example(Dimension::kCurrent), "\"25A\" or \"0.5C\"");
  EXPECT_EQ(dimension_name(Dimension::kTime), "a duration");
  for (const Dimension d :
       {Dimension::kTime, Dimension::kCurrent, Dimension::kVoltage, Dimension::kPower,
        Dimension::kEnergy, Dimension::kTemperature, Dimension::kRatio,
        Dimension::kResistance, Dimension::kCharge}) {
    const std::string_view example = dimension_example(d);
    ASSERT_GE(example.size(), 3u);
    // The first example must itself parse: messages must not teach bad syntax.
    const std::string first(example.substr(1, example.find('"', 1) - 1));
    std::string error;
    EXPECT_TRUE(parse_quantity(first, d, &error).has_value()) << first << ": " << error;
    EXPECT_THAT(dimension_name(d), StartsWith("a"));
  }
}

TEST(ParseDurationNs, ExactIntegerNanoseconds) {
  const struct {
    std::string_view text;
    std::int64_t ns;
  } cases[] = {
      {"0s", 0},
      {"90s", 90 * kSecond},
      {"0.1s", 100'000'000},
      {"0.001s", 1'000'000},
      {"1ms", 1'000'000},
      {"1us", 1'000},
      {"1ns", 1},
      {"1m", 60 * kSecond},
      {"1min", 60 * kSecond},
      {"1h30m", 5400 * kSecond},
      {"1m30s", 90 * kSecond},
      {"2d3h", 183'600 * kSecond},
      {"1.5h", 5400 * kSecond},
      {"1h0.5m", 3630 * kSecond},
      {"1d1h1m1s1ms1us1ns", 90'061'001'001'001},
      {"000090s", 90 * kSecond},
      {"0.1000000000000000000000000s", 100'000'000},
      {"0.000001d", 86'400'000},
      {"0.00000000005m", 3},  // 5e-11 * 60e9 ns, exact in decimal
      {"0.5us", 500},
      {"9223372036854775807ns", kMax},
      {"106751d23h47m16s854ms775us807ns", kMax},
  };
  for (const auto& c : cases) {
    std::string error;
    const auto ns = parse_duration_ns(c.text, &error);
    ASSERT_TRUE(ns.has_value()) << c.text << ": " << error;
    EXPECT_EQ(*ns, c.ns) << c.text;
  }
}

TEST(ParseDurationNs, RejectionsSayWhatWasExpected) {
  const struct {
    std::string_view text;
    std::string_view detail;
  } cases[] = {
      {"", "(the text is empty)"},
      {"-5s", "(durations cannot be negative)"},
      {"+5s", "(write it without a sign)"},
      {"5 s", "(spaces are not allowed)"},
      {"90", "(the unit is missing; use d, h, m (or min), s, ms, us, ns)"},
      {"1h30", "(the unit is missing"},
      {"5x", "(unknown unit 'x'; use d, h, m (or min), s, ms, us, ns)"},
      {"5S", "(unknown unit 'S'"},
      {"s", "(it must start with a number)"},
      {".5s", "(write a digit before the '.', like \"0.5s\")"},
      {"5.s", "(expected digits after the '.')"},
      {"1e3s", "(exponents are not allowed in durations)"},
      {"30m1h", "(units must go from largest to smallest, each at most once)"},
      {"1m1m", "(units must go from largest to smallest, each at most once)"},
      {"1m1min", "(units must go from largest to smallest, each at most once)"},
      {"1.5h30m", "(only the last part may have a fraction)"},
      {"0.5ns", "(not a whole number of nanoseconds)"},
      {"0.0000000001s", "(not a whole number of nanoseconds)"},
      {"1.0000000000000001d", "(not a whole number of nanoseconds)"},
      {"0.1234567891234567891234s", "(not a whole number of nanoseconds)"},
      {"9223372036854775808ns", "(longer than the longest supported duration, about 292 years)"},
      {"106752d", "(longer than the longest supported duration"},
      {"106751d23h47m16s854ms775us808ns", "(longer than the longest supported duration"},
      {"99999999999999999999999s", "(longer than the longest supported duration"},
  };
  for (const auto& c : cases) {
    std::string error;
    EXPECT_FALSE(parse_duration_ns(c.text, &error).has_value()) << c.text;
    EXPECT_THAT(error, StartsWith("expected a duration like \"90s\" or \"1h30m\", got \"" +
                                  std::string(c.text) + "\" "))
        << c.text;
    EXPECT_THAT(error, HasSubstr(std::string(c.detail))) << c.text;
  }
}

TEST(FormatDurationNs, ShortestCompoundForm) {
  EXPECT_EQ(format_duration_ns(0), "0s");
  EXPECT_EQ(format_duration_ns(1), "1ns");
  EXPECT_EQ(format_duration_ns(250'000'000), "250ms");
  EXPECT_EQ(format_duration_ns(1'500'000'000), "1s500ms");
  EXPECT_EQ(format_duration_ns(5400 * kSecond), "1h30m");
  EXPECT_EQ(format_duration_ns(86'400 * kSecond), "1d");
  EXPECT_EQ(format_duration_ns(90'061'001'001'001), "1d1h1m1s1ms1us1ns");
  EXPECT_EQ(format_duration_ns(kMax), "106751d23h47m16s854ms775us807ns");
  EXPECT_EQ(format_duration_ns(-1'500'000'000), "-1s500ms");
  EXPECT_EQ(format_duration_ns(std::numeric_limits<std::int64_t>::min()),
            "-106751d23h47m16s854ms775us808ns");
}

TEST(FormatDurationNs, RoundTripsThroughTheParser) {
  for (const std::int64_t ns :
       {std::int64_t{0}, std::int64_t{1}, std::int64_t{999}, std::int64_t{1'000},
        std::int64_t{59'999'999'999}, std::int64_t{3'600'000'000'001},
        std::int64_t{123'456'789'012'345}, kMax}) {
    const std::string text = format_duration_ns(ns);
    std::string error;
    const auto back = parse_duration_ns(text, &error);
    ASSERT_TRUE(back.has_value()) << text << ": " << error;
    EXPECT_EQ(*back, ns) << text;
  }
}

}  // namespace
}  // namespace stacksim
