#include "util/json_document.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace stacksim {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

void expect_at(const JsonDocument& doc, const std::string& pointer, int line, int column) {
  const auto it = doc.locations.find(pointer);
  ASSERT_NE(it, doc.locations.end()) << "no location for '" << pointer << "'";
  EXPECT_EQ(it->second.line, line) << pointer;
  EXPECT_EQ(it->second.column, column) << pointer;
}

// Columns below were counted by hand, 1-based, in bytes.
constexpr std::string_view kSample =
    "{\n"
    "  \"name\": \"pack\",\n"
    "  \"cells\": [1, 2.5,\n"
    "    {\"a/b\": true, \"m~n\": null}],\n"
    "  \"empty\": {},\n"
    "  \"s\": \"x\\\"y\"\n"
    "}\n";

TEST(JsonPointer, EscapesTildeAndSlash) {
  EXPECT_EQ(json_pointer_token("plain"), "plain");
  EXPECT_EQ(json_pointer_token("a/b~c"), "a~1b~0c");
  EXPECT_EQ(json_pointer_token("~1"), "~01");
  EXPECT_EQ(json_pointer_append("", "a"), "/a");
  EXPECT_EQ(json_pointer_append("/x", "y/z"), "/x/y~1z");
  EXPECT_EQ(json_pointer_append("", ""), "/");
  EXPECT_EQ(json_pointer_append("", std::size_t{3}), "/3");
  EXPECT_EQ(json_pointer_append("/cells", std::size_t{12}), "/cells/12");
}

TEST(ParseJsonDocument, RecordsEveryValueLocation) {
  Diagnostics diags;
  const auto doc = parse_json_document("sample.json", kSample, diags);
  ASSERT_TRUE(doc.has_value()) << diags.format();
  EXPECT_TRUE(diags.empty());
  EXPECT_EQ(doc->file, "sample.json");
  EXPECT_EQ(doc->root["cells"][2]["a/b"], true);

  expect_at(*doc, "", 1, 1);
  expect_at(*doc, "/name", 2, 11);
  expect_at(*doc, "/cells", 3, 12);
  expect_at(*doc, "/cells/0", 3, 13);
  expect_at(*doc, "/cells/1", 3, 16);
  expect_at(*doc, "/cells/2", 4, 5);
  expect_at(*doc, "/cells/2/a~1b", 4, 13);
  expect_at(*doc, "/cells/2/m~0n", 4, 26);
  expect_at(*doc, "/empty", 5, 12);
  expect_at(*doc, "/s", 6, 8);
  EXPECT_EQ(doc->locations.size(), 10u);

  // Independent check of the pointers: nlohmann resolves each of them.
  for (const auto& [pointer, location] : doc->locations) {
    EXPECT_TRUE(doc->root.contains(nlohmann::json::json_pointer(pointer))) << pointer;
  }
}

TEST(ParseJsonDocument, LocateWalksUpToNearestAncestor) {
  Diagnostics diags;
  const auto doc = parse_json_document("sample.json", kSample, diags);
  ASSERT_TRUE(doc.has_value());
  const auto check = [&](const std::string& pointer, int line, int column) {
    const SourceLocation l = doc->locate(pointer);
    EXPECT_EQ(l.line, line) << pointer;
    EXPECT_EQ(l.column, column) << pointer;
  };
  check("/cells/2/m~0n", 4, 26);
  check("/cells/2/missing", 4, 5);
  check("/cells/7/x/y", 3, 12);
  check("/nope", 1, 1);
  check("", 1, 1);

  const JsonDocument empty;
  EXPECT_EQ(empty.locate("/a").line, 0);
  EXPECT_EQ(empty.locate("/a").column, 0);
}

TEST(ParseJsonDocument, ErrorHelperAddsLocatedDiagnostic) {
  Diagnostics diags;
  const auto doc = parse_json_document("sample.json", kSample, diags);
  ASSERT_TRUE(doc.has_value());
  doc->error(diags, "/cells/1", "expected an integer");
  EXPECT_EQ(diags.format(), "sample.json:3:16: /cells/1: expected an integer\n");
}

TEST(ParseJsonDocument, DuplicateKeysAreErrorsAtTheSecondOccurrence) {
  Diagnostics diags;
  const auto doc = parse_json_document("dup.json",
                                       "{\"a\": 1,\n"
                                       " \"b\": {\"x\": 1, \"x\": 2},\n"
                                       " \"a\": 3}",
                                       diags);
  EXPECT_FALSE(doc.has_value());
  ASSERT_EQ(diags.size(), 2u);
  EXPECT_EQ(diags.items()[0].pointer, "/b/x");
  EXPECT_EQ(diags.items()[0].location.line, 2);
  EXPECT_EQ(diags.items()[0].location.column, 16);
  EXPECT_EQ(diags.items()[0].message, "duplicate key 'x' (first at line 2); expected each key once");
  EXPECT_EQ(format_diagnostic(diags.items()[1]),
            "dup.json:3:2: /a: duplicate key 'a' (first at line 1); expected each key once");
}

TEST(ParseJsonDocument, DuplicateKeysCompareDecodedText) {
  Diagnostics diags;
  EXPECT_FALSE(parse_json_document("d.json", "{\"a\": 1, \"\\u0061\": 2}", diags));
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags.items()[0].message, "duplicate key 'a' (first at line 1); expected each key once");
  EXPECT_EQ(diags.items()[0].location.column, 10);
}

TEST(ParseJsonDocument, SameKeyInDifferentObjectsIsFine) {
  Diagnostics diags;
  const auto doc = parse_json_document("ok.json", "[{\"a\": 1}, {\"a\": 2}]", diags);
  ASSERT_TRUE(doc.has_value()) << diags.format();
  expect_at(*doc, "/1/a", 1, 18);
}

TEST(ParseJsonDocument, EscapedKeysGiveDecodedPointers) {
  Diagnostics diags;
  const auto doc =
      parse_json_document("k.json", "{\"\\u00e9\\/\\ud83d\\ude00\": 1, \"q\\\"\": 2}", diags);
  ASSERT_TRUE(doc.has_value()) << diags.format();
  expect_at(*doc, "/\xC3\xA9~1\xF0\x9F\x98\x80", 1, 26);
  expect_at(*doc, "/q\"", 1, 36);
}

TEST(ParseJsonDocument, SyntaxErrorHasLineColumnAndExpectation) {
  Diagnostics diags;
  EXPECT_FALSE(parse_json_document("bad.json", "{\n  \"a\": 1,\n  \"b\" 2\n}", diags));
  ASSERT_EQ(diags.size(), 1u);
  const Diagnostic& d = diags.items()[0];
  EXPECT_EQ(d.pointer, "");
  EXPECT_EQ(d.location.line, 3);
  EXPECT_EQ(d.location.column, 7);
  EXPECT_EQ(d.message,
            "syntax error while parsing object separator - unexpected number literal; "
            "expected ':'");
  EXPECT_THAT(format_diagnostic(d), StartsWith("bad.json:3:7: syntax error"));
}

TEST(ParseJsonDocument, TruncatedInputPointsPastTheEnd) {
  Diagnostics diags;
  EXPECT_FALSE(parse_json_document("t.json", "[1,\n", diags));
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags.items()[0].location.line, 2);
  EXPECT_EQ(diags.items()[0].location.column, 1);
  EXPECT_THAT(diags.items()[0].message, HasSubstr("unexpected end of input"));
  EXPECT_THAT(diags.items()[0].message, HasSubstr("expected"));
}

TEST(ParseJsonDocument, LexerErrorsStillSayWhatWasExpected) {
  Diagnostics diags;
  EXPECT_FALSE(parse_json_document("l.json", "[tru]", diags));
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags.items()[0].location.column, 5);
  EXPECT_THAT(diags.items()[0].message, HasSubstr("invalid literal"));
  EXPECT_THAT(diags.items()[0].message, HasSubstr("expected"));
  EXPECT_THAT(diags.items()[0].message, Not(HasSubstr("json.exception")));
}

TEST(ParseJsonDocument, TrailingContentIsAnError) {
  Diagnostics diags;
  EXPECT_FALSE(parse_json_document("x.json", "1 2", diags));
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags.items()[0].location.column, 3);
  EXPECT_THAT(diags.items()[0].message, HasSubstr("expected end of input"));
}

TEST(ParseJsonDocument, NumberOverflowIsLocated) {
  Diagnostics diags;
  EXPECT_FALSE(parse_json_document("n.json", "{\n \"big\": 1e999\n}", diags));
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags.items()[0].location.line, 2);
  EXPECT_EQ(diags.items()[0].location.column, 9);
  EXPECT_EQ(diags.items()[0].message,
            "number overflow parsing '1e999'; expected a finite number");
}

TEST(ParseJsonDocument, EmptyInputIsRejectedClearly) {
  for (const std::string_view text : {"", "  \n\t ", "\xEF\xBB\xBF"}) {
    Diagnostics diags;
    EXPECT_FALSE(parse_json_document("e.json", text, diags));
    ASSERT_EQ(diags.size(), 1u);
    EXPECT_EQ(diags.items()[0].message, "the document is empty; expected a JSON value");
  }
}

TEST(ParseJsonDocument, ByteOrderMarkIsSkippedAndNotCounted) {
  Diagnostics diags;
  const auto doc = parse_json_document("b.json", "\xEF\xBB\xBF{\"a\": 1}", diags);
  ASSERT_TRUE(doc.has_value()) << diags.format();
  expect_at(*doc, "", 1, 1);
  expect_at(*doc, "/a", 1, 7);
}

TEST(ParseJsonDocument, CarriageReturnsDoNotBreakLines) {
  Diagnostics diags;
  const auto doc = parse_json_document("crlf.json", "{\r\n  \"a\":\r\n\t[true]\r\n}\r\n", diags);
  ASSERT_TRUE(doc.has_value()) << diags.format();
  expect_at(*doc, "/a", 3, 2);
  expect_at(*doc, "/a/0", 3, 3);
}

TEST(ParseJsonDocument, DeepNestingDoesNotOverflowTheStack) {
  constexpr std::size_t kDepth = 10000;
  const std::string text = std::string(kDepth, '[') + std::string(kDepth, ']');
  Diagnostics diags;
  const auto doc = parse_json_document("deep.json", text, diags);
  ASSERT_TRUE(doc.has_value()) << diags.format();
  EXPECT_EQ(doc->locations.size(), kDepth);
  expect_at(*doc, "/0/0/0", 1, 4);
}

// Every cut of a valid document either parses (with a location for every
// value) or fails with exactly one located diagnostic; the location scanner
// must never disagree with nlohmann.
TEST(ParseJsonDocument, EveryPrefixFailsCleanlyOrParsesConsistently) {
  for (std::size_t n = 0; n <= kSample.size(); ++n) {
    Diagnostics diags;
    const auto doc = parse_json_document("p.json", kSample.substr(0, n), diags);
    if (doc) {
      EXPECT_TRUE(diags.empty()) << n;
      for (const auto& [pointer, location] : doc->locations) {
        EXPECT_TRUE(doc->root.contains(nlohmann::json::json_pointer(pointer))) << n;
      }
    } else {
      ASSERT_EQ(diags.size(), 1u) << n;
      EXPECT_GE(diags.items()[0].location.line, 1) << n;
      EXPECT_THAT(diags.items()[0].message, HasSubstr("expected")) << n;
    }
  }
}

class LoadJsonFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("stacksim_util_" + std::string(::testing::UnitTest::GetInstance()
                                               ->current_test_info()
                                               ->name()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(LoadJsonFile, ReadsWholeFileInBinary) {
  const auto path = dir_ / "cfg.json";
  {
    std::ofstream out(path, std::ios::binary);
    out << "{\r\n  \"a\": [1,\r\n  2]\r\n}";
  }
  Diagnostics diags;
  const auto doc = load_json_file(path, "configs/cfg.json", diags);
  ASSERT_TRUE(doc.has_value()) << diags.format();
  EXPECT_EQ(doc->file, "configs/cfg.json");
  EXPECT_EQ(doc->root["a"][1], 2);
  expect_at(*doc, "/a/1", 3, 3);
}

TEST_F(LoadJsonFile, ErrorsUseTheLabel) {
  const auto path = dir_ / "bad.json";
  {
    std::ofstream out(path, std::ios::binary);
    out << "{\n  \"a\": }";
  }
  Diagnostics diags;
  EXPECT_FALSE(load_json_file(path, "label.json", diags));
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_THAT(format_diagnostic(diags.items()[0]), StartsWith("label.json:2:8: syntax error"));
}

TEST_F(LoadJsonFile, MissingFileIsOneDiagnostic) {
  Diagnostics diags;
  EXPECT_FALSE(load_json_file(dir_ / "nope.json", "nope.json", diags));
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(format_diagnostic(diags.items()[0]),
            "nope.json: cannot read file: No such file or directory");
}

TEST_F(LoadJsonFile, DirectoryIsOneDiagnostic) {
  Diagnostics diags;
  EXPECT_FALSE(load_json_file(dir_, "dir", diags));
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags.items()[0].message, "cannot read file: Is a directory");
  EXPECT_EQ(diags.items()[0].location.line, 0);
}

}  // namespace
}  // namespace stacksim
