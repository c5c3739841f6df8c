#include "util/object_reader.hpp"

#include <cmath>
#include <functional>
#include <limits>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace stacksim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

// Value columns are key length + 7 ("  \"" + key + "\": "), counted by hand.
constexpr std::string_view kConfig =
    "{\n"
    "  \"name\": \"pack-1\",\n"
    "  \"enabled\": true,\n"
    "  \"count\": 3,\n"
    "  \"ratio\": 0.25,\n"
    "  \"voltage\": \"1200V\",\n"
    "  \"duration\": \"1h30m\",\n"
    "  \"mode\": \"cc\",\n"
    "  \"weights\": [1, 2.5, 3],\n"
    "  \"extra\": 1\n"
    "}\n";

JsonDocument parse(std::string_view text) {
  Diagnostics diags;
  auto doc = parse_json_document("cfg.json", text, diags);
  EXPECT_TRUE(doc.has_value()) << diags.format();
  return doc ? std::move(*doc) : JsonDocument{};
}

TEST(ObjectReader, ReadsAFullObjectAndReportsLeftovers) {
  const JsonDocument doc = parse(kConfig);
  Diagnostics diags;
  ObjectReader r(doc, doc.root, "", diags);
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(r.string("name", true), "pack-1");
  EXPECT_EQ(r.boolean("enabled", true), true);
  EXPECT_EQ(r.integer("count", true, 1, 10), 3);
  EXPECT_EQ(r.number("ratio", true, 0.0, 1.0), 0.25);
  EXPECT_FALSE(r.quantity("voltage", Dimension::kVoltage, true, 0.0, 1000.0));
  EXPECT_EQ(r.duration_ns("duration", true), std::int64_t{5400} * 1'000'000'000);
  EXPECT_EQ(r.choice("mode", true, {"cc", "cv", "cp"}), "cc");
  EXPECT_EQ(r.numbers("weights", true, 3), (std::vector<double>{1.0, 2.5, 3.0}));
  EXPECT_FALSE(r.string("comment", false).has_value());
  r.finish();

  EXPECT_EQ(diags.format(),
            "cfg.json:6:14: /voltage: expected a voltage between 0V and 1000V, got \"1200V\"\n"
            "cfg.json:10:12: /extra: unknown key 'extra' (expected one of: comment, count, "
            "duration, enabled, mode, name, ratio, voltage, weights)\n");
}

TEST(ObjectReader, MissingRequiredKeyIsReportedAtTheObject) {
  const JsonDocument doc = parse("{\n  \"pack\": {\n    \"x\": 1\n  }\n}");
  Diagnostics diags;
  ObjectReader r(doc, doc.root["pack"], "/pack", diags);
  EXPECT_FALSE(r.duration_ns("duration", true));
  EXPECT_FALSE(r.duration_ns("optional", false));
  EXPECT_FALSE(r.integer("seed", true, 0, kInt64Max));
  EXPECT_FALSE(r.child("cells", true));
  EXPECT_FALSE(r.numbers("ocv", true, 0));
  EXPECT_EQ(diags.format(),
            "cfg.json:2:11: /pack: missing key 'duration': expected a duration like \"90s\" "
            "or \"1h30m\"\n"
            "cfg.json:2:11: /pack: missing key 'seed': expected an integer in "
            "[0, 9223372036854775807]\n"
            "cfg.json:2:11: /pack: missing key 'cells': expected a value\n"
            "cfg.json:2:11: /pack: missing key 'ocv': expected a non-empty array of numbers\n");
}

// One single-key document per case: {"k": <json>}, value at column 7.
std::string message_for(std::string_view value_json,
                        const std::function<void(ObjectReader&)>& read) {
  const JsonDocument doc = parse("{\"k\": " + std::string(value_json) + "}");
  Diagnostics diags;
  ObjectReader r(doc, doc.root, "", diags);
  read(r);
  if (diags.size() != 1) return "<" + std::to_string(diags.size()) + " diagnostics>";
  EXPECT_EQ(diags.items()[0].pointer, "/k");
  EXPECT_EQ(diags.items()[0].location.column, 7);
  return diags.items()[0].message;
}

TEST(ObjectReader, WrongTypesNameExpectationAndFinding) {
  EXPECT_EQ(message_for("3", [](ObjectReader& r) { r.string("k", true); }),
            "expected a string, got number 3");
  EXPECT_EQ(message_for("\"yes\"", [](ObjectReader& r) { r.boolean("k", true); }),
            "expected true or false, got string \"yes\"");
  EXPECT_EQ(message_for("null", [](ObjectReader& r) { r.string("k", true); }),
            "expected a string, got null");
  EXPECT_EQ(message_for("[1]", [](ObjectReader& r) { r.string("k", true); }),
            "expected a string, got an array");
  EXPECT_EQ(message_for("{}", [](ObjectReader& r) { r.boolean("k", true); }),
            "expected true or false, got an object");
}

TEST(ObjectReader, NumberRejectsBooleansStringsAndRange) {
  const auto number01 = [](ObjectReader& r) { r.number("k", true, 0.0, 1.0); };
  EXPECT_EQ(message_for("true", number01), "expected a number between 0 and 1, got boolean true");
  EXPECT_EQ(message_for("\"0.5\"", number01),
            "expected a number between 0 and 1, got string \"0.5\"");
  EXPECT_EQ(message_for("1.5", number01), "expected a number between 0 and 1, got number 1.5");
  EXPECT_EQ(message_for("-1", [](ObjectReader& r) { r.number("k", true, 0.0, kInf); }),
            "expected a number of at least 0, got number -1");
  EXPECT_EQ(message_for("false", [](ObjectReader& r) { r.number("k", true, -kInf, kInf); }),
            "expected a number, got boolean false");
}

TEST(ObjectReader, NumberAcceptsIntegersAndRejectsNonFinite) {
  const JsonDocument doc = parse("{\"i\": 1, \"f\": -2.5e-3}");
  Diagnostics diags;
  ObjectReader r(doc, doc.root, "", diags);
  EXPECT_EQ(r.number("i", true, 0.0, 1.0), 1.0);
  EXPECT_EQ(r.number("f", true, -kInf, kInf), -0.0025);
  EXPECT_TRUE(diags.empty()) << diags.format();

  // JSON text cannot hold NaN, but documents built in code can.
  JsonDocument built;
  built.file = "built";
  built.root = {{"x", std::nan("")}, {"y", kInf}};
  ObjectReader b(built, built.root, "", diags);
  EXPECT_FALSE(b.number("x", true, -kInf, kInf));
  EXPECT_FALSE(b.number("y", true, -kInf, kInf));
  ASSERT_EQ(diags.size(), 2u);
  EXPECT_EQ(diags.items()[0].message, "expected a number, got a non-finite number");
}

TEST(ObjectReader, IntegerRejectsFractionsBooleansAndRange) {
  const auto int010 = [](ObjectReader& r) { r.integer("k", true, 0, 10); };
  EXPECT_EQ(message_for("3.5", int010), "expected an integer in [0, 10], got number 3.5");
  EXPECT_EQ(message_for("true", int010), "expected an integer in [0, 10], got boolean true");
  EXPECT_EQ(message_for("11", int010), "expected an integer in [0, 10], got number 11");
  EXPECT_EQ(message_for("-1", int010), "expected an integer in [0, 10], got number -1");
  EXPECT_EQ(message_for("\"3\"", int010), "expected an integer in [0, 10], got string \"3\"");
  EXPECT_EQ(message_for("18446744073709551615",
                        [](ObjectReader& r) { r.integer("k", true, 0, kInt64Max); }),
            "expected an integer in [0, 9223372036854775807], got number 18446744073709551615");
  EXPECT_EQ(message_for("1e300", [](ObjectReader& r) { r.integer("k", true, 0, kInt64Max); }),
            "expected an integer in [0, 9223372036854775807], got number 1e+300");
}

TEST(ObjectReader, IntegerAcceptsWholeValuesOfAnyJsonNumberKind) {
  const JsonDocument doc =
      parse("{\"a\": 9223372036854775807, \"b\": -9223372036854775808, \"c\": 1e6}");
  Diagnostics diags;
  ObjectReader r(doc, doc.root, "", diags);
  const auto lo = std::numeric_limits<std::int64_t>::min();
  EXPECT_EQ(r.integer("a", true, lo, kInt64Max), kInt64Max);
  EXPECT_EQ(r.integer("b", true, lo, kInt64Max), lo);
  EXPECT_EQ(r.integer("c", true, 0, kInt64Max), 1'000'000);
  EXPECT_TRUE(diags.empty()) << diags.format();
}

TEST(ObjectReader, QuantityMessages) {
  EXPECT_EQ(message_for("25", [](ObjectReader& r) {
              r.quantity("k", Dimension::kCurrent, true, 0.0, 100.0);
            }),
            "expected a current like \"25A\" or \"0.5C\", got number 25");
  EXPECT_EQ(message_for("\"25\"", [](ObjectReader& r) {
              r.quantity("k", Dimension::kCurrent, true, 0.0, 100.0);
            }),
            "expected a current like \"25A\" or \"0.5C\", got \"25\" "
            "(the unit is missing; use mA, A, kA, C)");
  EXPECT_EQ(message_for("\"150%\"", [](ObjectReader& r) {
              r.quantity("k", Dimension::kRatio, true, 0.0, 1.0);
            }),
            "expected a percentage between 0% and 100%, got \"150%\"");
  EXPECT_EQ(message_for("\"-50C\"", [](ObjectReader& r) {
              r.quantity("k", Dimension::kTemperature, true, -40.0, 80.0);
            }),
            "expected a temperature between -40C and 80C, got \"-50C\"");
  EXPECT_EQ(message_for("\"-1mOhm\"", [](ObjectReader& r) {
              r.quantity("k", Dimension::kResistance, true, 0.0, kInf);
            }),
            "expected a resistance of at least 0Ohm, got \"-1mOhm\"");
  // Duration bounds in the syntax a user writes ("1e-09s" would not parse).
  EXPECT_EQ(message_for("\"0s\"", [](ObjectReader& r) {
              r.quantity("k", Dimension::kTime, true, 1e-9, 10.0);
            }),
            "expected a duration between 1ns and 10s, got \"0s\"");
  EXPECT_EQ(message_for("\"100us\"", [](ObjectReader& r) {
              r.quantity("k", Dimension::kTime, true, 0.001, 86400.0);
            }),
            "expected a duration between 1ms and 1d, got \"100us\"");
}

TEST(ObjectReader, QuantityValuesAndCRate) {
  const JsonDocument doc = parse("{\"v\": \"3.2kV\", \"i\": \"2C\", \"r\": \"7%\"}");
  Diagnostics diags;
  ObjectReader r(doc, doc.root, "", diags);
  const auto v = r.quantity("v", Dimension::kVoltage, true, 0.0, 5000.0);
  ASSERT_TRUE(v.has_value());
  EXPECT_DOUBLE_EQ(v->value, 3200.0);
  // A C-rate cannot be compared with an ampere range here; the caller does.
  const auto i = r.quantity("i", Dimension::kCurrent, true, 0.0, 1.0);
  ASSERT_TRUE(i.has_value());
  EXPECT_TRUE(i->c_rate);
  EXPECT_DOUBLE_EQ(i->value, 2.0);
  EXPECT_FALSE(r.quantity("r", Dimension::kRatio, true, 0.0, 0.05));
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags.items()[0].message, "expected a percentage between 0% and 5%, got \"7%\"");
}

TEST(ObjectReader, DurationMessages) {
  EXPECT_EQ(message_for("90", [](ObjectReader& r) { r.duration_ns("k", true); }),
            "expected a duration like \"90s\" or \"1h30m\", got number 90");
  EXPECT_EQ(message_for("\"-5s\"", [](ObjectReader& r) { r.duration_ns("k", true); }),
            "expected a duration like \"90s\" or \"1h30m\", got \"-5s\" "
            "(durations cannot be negative)");
}

TEST(ObjectReader, ChoiceMessages) {
  const auto abc = [](ObjectReader& r) { r.choice("k", true, {"a", "b", "c"}); };
  EXPECT_EQ(message_for("\"x\"", abc), "expected one of: a, b, c; got \"x\"");
  EXPECT_EQ(message_for("\"A\"", abc), "expected one of: a, b, c; got \"A\"");
  EXPECT_EQ(message_for("3", abc), "expected one of: a, b, c; got number 3");
}

TEST(ObjectReader, NumbersChecksCountAndEachElement) {
  EXPECT_EQ(message_for("[1, 2, 3]", [](ObjectReader& r) { r.numbers("k", true, 2); }),
            "expected an array of 2 numbers, got an array of 3");
  EXPECT_EQ(message_for("[]", [](ObjectReader& r) { r.numbers("k", true, 0); }),
            "expected a non-empty array of numbers, got an array of 0");
  EXPECT_EQ(message_for("\"1,2\"", [](ObjectReader& r) { r.numbers("k", true, 0); }),
            "expected a non-empty array of numbers, got string \"1,2\"");

  const JsonDocument doc = parse("{\"w\": [1,\n  \"x\", true, 4]}");
  Diagnostics diags;
  ObjectReader r(doc, doc.root, "", diags);
  EXPECT_FALSE(r.numbers("w", true, 0));
  EXPECT_EQ(diags.format(),
            "cfg.json:2:3: /w/1: expected a finite number, got string \"x\"\n"
            "cfg.json:2:8: /w/2: expected a finite number, got boolean true\n");
}

TEST(ObjectReader, NotAnObjectIsOneDiagnostic) {
  const JsonDocument doc = parse("{\n  \"pack\": [1, 2]\n}");
  Diagnostics diags;
  ObjectReader r(doc, doc.root["pack"], "/pack", diags);
  EXPECT_FALSE(r.is_object());
  EXPECT_FALSE(r.has("x"));
  EXPECT_FALSE(r.string("name", true));
  EXPECT_FALSE(r.integer("n", true, 0, 1));
  EXPECT_EQ(r.child("c", true), nullptr);
  r.finish();
  EXPECT_EQ(diags.format(), "cfg.json:2:11: /pack: expected an object, got an array\n");
}

TEST(ObjectReader, FinishListsEveryUnknownKeyAtItsValue) {
  const JsonDocument doc = parse("{\"b\": 1,\n \"zeta\": 2,\n \"alpha\": {}}");
  Diagnostics diags;
  ObjectReader r(doc, doc.root, "", diags);
  EXPECT_TRUE(r.has("b"));
  EXPECT_FALSE(r.has("c"));
  r.finish();
  EXPECT_EQ(diags.format(),
            "cfg.json:3:11: /alpha: unknown key 'alpha' (no keys are expected here)\n"
            "cfg.json:1:7: /b: unknown key 'b' (no keys are expected here)\n"
            "cfg.json:2:10: /zeta: unknown key 'zeta' (no keys are expected here)\n");
}

TEST(ObjectReader, ChildMarksKeyKnownAndNestedReadersUseFullPointers) {
  const JsonDocument doc = parse("{\"a/b\": {\n  \"v\": \"9V\",\n  \"typo\": 1}}");
  Diagnostics diags;
  ObjectReader top(doc, doc.root, "", diags);
  EXPECT_EQ(top.pointer_of("a/b"), "/a~1b");
  const nlohmann::json* child = top.child("a/b", true);
  ASSERT_NE(child, nullptr);
  top.finish();
  EXPECT_TRUE(diags.empty());

  ObjectReader inner(doc, *child, top.pointer_of("a/b"), diags);
  EXPECT_EQ(inner.pointer(), "/a~1b");
  EXPECT_FALSE(inner.quantity("v", Dimension::kVoltage, true, 0.0, 5.0));
  inner.error("", "expected a consistent pack");
  inner.error("missing", "expected something here");
  inner.finish();
  EXPECT_EQ(diags.format(),
            "cfg.json:2:8: /a~1b/v: expected a voltage between 0V and 5V, got \"9V\"\n"
            "cfg.json:1:9: /a~1b: expected a consistent pack\n"
            "cfg.json:1:9: /a~1b/missing: expected something here\n"
            "cfg.json:3:11: /a~1b/typo: unknown key 'typo' (expected one of: v)\n");
}

}  // namespace
}  // namespace stacksim
