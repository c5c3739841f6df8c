#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "core/params.hpp"
#include "param_builder.hpp"

namespace stacksim::fw {
namespace {

TEST(ParamSet, GetHasAndFallback) {
  const ssim_param table[] = {{"soc.rest_ms", 1800000}, {"prot.count", 3}, {"neg", -42}};
  const ParamSet p(table, 3);
  EXPECT_TRUE(p.has("soc.rest_ms"));
  EXPECT_FALSE(p.has("soc.rest"));  // no prefix matches
  EXPECT_EQ(p.get("soc.rest_ms", 7), 1800000);
  EXPECT_EQ(p.get("neg", 7), -42);
  EXPECT_EQ(p.get("absent", 7), 7);
  EXPECT_EQ(p.missing_count(), 0u);
}

TEST(ParamSet, NullTableIsEmpty) {
  const ParamSet p(nullptr, 5);
  EXPECT_FALSE(p.has("x"));
  EXPECT_EQ(p.get("x", 3), 3);
}

TEST(ParamSet, RequireRecordsEveryMissingKey) {
  const ssim_param table[] = {{"a", 1}, {"prot.2.alarm", 3600}};
  const ParamSet p(table, 2);
  EXPECT_EQ(p.require("a"), 1);
  EXPECT_EQ(p.require("b"), 0);
  EXPECT_EQ(p.require("prot.", 2, ".alarm"), 3600);
  EXPECT_EQ(p.require("prot.", 12, ".warning"), 0);
  ASSERT_EQ(p.missing_count(), 2u);
  EXPECT_STREQ(p.missing(0), "b");
  EXPECT_STREQ(p.missing(1), "prot.12.warning");
  EXPECT_EQ(p.missing(2), nullptr);
}

TEST(ParamSet, RemembersOnlyTheFirstNamesButCountsAll) {
  const ParamSet p(nullptr, 0);
  for (int i = 0; i < 20; ++i) p.require("k.", i, "");
  EXPECT_EQ(p.missing_count(), 20u);
  EXPECT_STREQ(p.missing(ParamSet::kMaxRemembered - 1), "k.15");
  EXPECT_EQ(p.missing(ParamSet::kMaxRemembered), nullptr);
}

TEST(ParamSet, IndexedKeys) {
  const ssim_param table[] = {{"ocv.0.mV", 2500}, {"ocv.15.mV", 3550}, {"x.-3.y", 9}};
  const ParamSet p(table, 3);
  EXPECT_TRUE(p.has("ocv.", 0, ".mV"));
  EXPECT_TRUE(p.has("ocv.", 15, ".mV"));
  EXPECT_FALSE(p.has("ocv.", 1, ".mV"));
  EXPECT_EQ(p.get("ocv.", 15, ".mV", 0), 3550);
  EXPECT_EQ(p.get("x.", -3, ".y", 0), 9);
}

TEST(ParamSet, FormatKeyReportsTruncation) {
  char small[8];
  EXPECT_FALSE(ParamSet::format_key(small, sizeof small, "prot.", 31, ".protection"));
  EXPECT_EQ(std::strlen(small), 7u);
  char big[48];
  EXPECT_TRUE(ParamSet::format_key(big, sizeof big, "prot.", 31, ".protection"));
  EXPECT_STREQ(big, "prot.31.protection");
}

}  // namespace
}  // namespace stacksim::fw
