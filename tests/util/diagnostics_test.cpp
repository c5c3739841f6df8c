#include "util/diagnostics.hpp"

#include <gtest/gtest.h>

namespace stacksim {
namespace {

TEST(FormatDiagnostic, FileLineColumnPointerMessage) {
  const Diagnostic d{"cfg.json", "/pack/cells", {3, 14}, "expected an integer"};
  EXPECT_EQ(format_diagnostic(d), "cfg.json:3:14: /pack/cells: expected an integer");
}

TEST(FormatDiagnostic, UnknownLocationIsLeftOut) {
  const Diagnostic d{"cfg.json", "/a", {0, 0}, "expected a string"};
  EXPECT_EQ(format_diagnostic(d), "cfg.json: /a: expected a string");
}

TEST(FormatDiagnostic, EmptyPointerIsLeftOut) {
  const Diagnostic d{"cfg.json", "", {2, 5}, "expected ':'"};
  EXPECT_EQ(format_diagnostic(d), "cfg.json:2:5: expected ':'");
}

TEST(FormatDiagnostic, OnlyFileAndMessage) {
  const Diagnostic d{"missing.json", "", {}, "cannot read file: No such file or directory"};
  EXPECT_EQ(format_diagnostic(d), "missing.json: cannot read file: No such file or directory");
}

TEST(Diagnostics, StartsEmpty) {
  const Diagnostics diags;
  EXPECT_TRUE(diags.empty());
  EXPECT_EQ(diags.size(), 0u);
  EXPECT_EQ(diags.format(), "");
}

TEST(Diagnostics, KeepsOrderAndEndsEveryLineWithNewline) {
  Diagnostics diags;
  diags.add("a.json", "/x", {1, 2}, "first");
  diags.add("b.json", "", {}, "second");
  ASSERT_EQ(diags.size(), 2u);
  EXPECT_FALSE(diags.empty());
  EXPECT_EQ(diags.items()[0].file, "a.json");
  EXPECT_EQ(diags.items()[0].pointer, "/x");
  EXPECT_EQ(diags.items()[0].location.line, 1);
  EXPECT_EQ(diags.items()[0].location.column, 2);
  EXPECT_EQ(diags.items()[1].message, "second");
  EXPECT_EQ(diags.format(), "a.json:1:2: /x: first\nb.json: second\n");
}

TEST(Diagnostics, MergeAppendsInOrder) {
  Diagnostics a;
  a.add("a.json", "", {1, 1}, "one");
  Diagnostics b;
  b.add("b.json", "", {2, 1}, "two");
  b.add("b.json", "", {3, 1}, "three");
  a.merge(b);
  EXPECT_EQ(a.format(), "a.json:1:1: one\nb.json:2:1: two\nb.json:3:1: three\n");
  EXPECT_EQ(b.size(), 2u);
}

TEST(Diagnostics, MergeWithItselfDoubles) {
  Diagnostics a;
  a.add("a.json", "", {1, 1}, "one");
  a.add("a.json", "", {2, 1}, "two");
  a.merge(a);
  EXPECT_EQ(a.format(), "a.json:1:1: one\na.json:2:1: two\na.json:1:1: one\na.json:2:1: two\n");
}

}  // namespace
}  // namespace stacksim
