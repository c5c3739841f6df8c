// models/hardware/*.json: every product loads with the numbers its manual
// gives; broken files report pointer and line.
#include "sim/hardware_file.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "hw_fixture.hpp"

namespace stacksim::sim {
namespace {

using hw::testing::kDataDir;

std::optional<hw::HardwareSpec> load(const std::string& product, Diagnostics& diags) {
  return load_hardware_file(kDataDir, product, diags);
}

TEST(HardwareFile, EveryProductLoads) {
  for (const char* product : {"gtx3000", "gtx5000", "gtx2500", "lfp65"}) {
    Diagnostics diags;
    EXPECT_TRUE(load(product, diags)) << product << "\n" << diags.format();
  }
}

TEST(HardwareFile, NumbersFromTheManuals) {
  Diagnostics diags;
  const auto gtx3000 = load("gtx3000", diags);
  const auto gtx5000 = load("gtx5000", diags);
  const auto gtx2500 = load("gtx2500", diags);
  const auto lfp65 = load("lfp65", diags);
  ASSERT_TRUE(gtx3000 && gtx5000 && gtx2500 && lfp65) << diags.format();
  const hw::BoardSpec* bcu = gtx3000->board(SSIM_ROLE_BCU);
  ASSERT_TRUE(bcu);
  EXPECT_EQ(bcu->supply.mode, hw::PowerMode::kDcDc);
  EXPECT_EQ(bcu->supply.input_min_V, 180.0);  // GTX3000 manual 5.3.1
  EXPECT_EQ(bcu->supply.input_max_V, 750.0);
  EXPECT_EQ(bcu->leds, 5);                    // L1-L5
  EXPECT_EQ(bcu->dry_contacts, 2);
  EXPECT_TRUE(bcu->breaker && bcu->button && bcu->fuse && bcu->precharge);
  EXPECT_EQ(gtx3000->board(SSIM_ROLE_MODULE)->supply.mode, hw::PowerMode::kFromBcu);
  EXPECT_EQ(gtx3000->board(SSIM_ROLE_MODULE)->afe->channels, 16);
  EXPECT_EQ(gtx5000->board(SSIM_ROLE_PACK)->leds, 7);  // L1-L7
  EXPECT_EQ(gtx2500->board(SSIM_ROLE_PACK)->leds, 8);  // L1-L8
  const hw::BoardSpec* p65 = lfp65->board(SSIM_ROLE_PACK);
  EXPECT_EQ(p65->leds, 5);  // LED1-LED4 and the two-colour RUN/ALM
  ASSERT_TRUE(p65->supply.wake);
  EXPECT_EQ(p65->supply.wake->min_V, 45.0);
  EXPECT_EQ(p65->supply.wake->max_V, 60.0);
  EXPECT_EQ(p65->dry_contacts, 0);
  EXPECT_FALSE(gtx5000->board(SSIM_ROLE_PACK)->supply.wake);
  EXPECT_EQ(gtx5000->board(SSIM_ROLE_PACK)->afe->scan_period_ns, 100'000'000);
  EXPECT_EQ(bcu->precharge->resistance_ohm, 50.0);
  EXPECT_EQ(gtx3000->dc_link.capacitance_F, 1e-3);
}

// A data directory holding one edited copy of a hardware file.
class BrokenFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("stacksim-hw-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "models" / "hardware");
    std::filesystem::create_directories(dir_ / "models" / "products");
    std::filesystem::copy_file(kDataDir / "models" / "products" / "gtx3000.json",
                               dir_ / "models" / "products" / "gtx3000.json");
    std::ifstream in(kDataDir / "models" / "hardware" / "gtx3000.json");
    std::stringstream ss;
    ss << in.rdbuf();
    text_ = ss.str();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  // Replaces the first occurrence of `from` and loads.
  std::optional<hw::HardwareSpec> load_edited(const std::string& from, const std::string& to, Diagnostics& diags) {
    std::string t = text_;
    const auto at = t.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) t.replace(at, from.size(), to);
    std::ofstream(dir_ / "models" / "hardware" / "gtx3000.json") << t;
    return load_hardware_file(dir_, "gtx3000", diags);
  }
  std::filesystem::path dir_;
  std::string text_;
};

TEST_F(BrokenFile, OutOfRangeValueReportsPointerAndLine) {
  Diagnostics diags;
  EXPECT_FALSE(load_edited("\"leds\": {\n        \"value\": 5", "\"leds\": {\n        \"value\": 9", diags));
  ASSERT_EQ(diags.size(), 1u) << diags.format();
  const Diagnostic& d = diags.items()[0];
  EXPECT_EQ(d.pointer, "/boards/bcu/leds/value");
  EXPECT_GT(d.location.line, 1);
  EXPECT_GT(d.location.column, 0);
  EXPECT_NE(d.file.find("gtx3000.json"), std::string::npos);
}

TEST_F(BrokenFile, UnknownKeyIsAnError) {
  Diagnostics diags;
  EXPECT_FALSE(load_edited("\"dry_contacts\":", "\"dry_contact\":", diags));
  bool unknown = false, missing = false;
  for (const Diagnostic& d : diags.items()) {
    unknown = unknown || (d.pointer == "/boards/bcu/dry_contact" && d.message.find("unknown key") != std::string::npos);
    missing = missing || d.message.find("dry_contacts") != std::string::npos;
  }
  EXPECT_TRUE(unknown) << diags.format();
  EXPECT_TRUE(missing) << diags.format();
}

TEST_F(BrokenFile, EmptySourceIsAnError) {
  Diagnostics diags;
  EXPECT_FALSE(load_edited("\"source\": \"GTX3000 manual 5.3.1: BCU nominal voltage 180V-750V\"", "\"source\": \"\"", diags));
  ASSERT_EQ(diags.size(), 1u) << diags.format();
  EXPECT_EQ(diags.items()[0].pointer, "/boards/bcu/supply/input_min_V/source");
}

TEST_F(BrokenFile, ChannelsMustMatchTheProductsSeriesCells) {
  Diagnostics diags;
  EXPECT_FALSE(load_edited("\"channels\": {\n          \"value\": 16", "\"channels\": {\n          \"value\": 15", diags));
  ASSERT_EQ(diags.size(), 1u) << diags.format();
  EXPECT_EQ(diags.items()[0].pointer, "/boards/module/cell_front_end/channels/value");
  EXPECT_GT(diags.items()[0].location.line, 1);
}

TEST(HardwareFile, UnknownProductIsOneDiagnostic) {
  Diagnostics diags;
  EXPECT_FALSE(load("gtx9000", diags));
  EXPECT_EQ(diags.size(), 1u);
  Diagnostics bad;
  EXPECT_FALSE(load("../products/gtx3000", bad));
  EXPECT_EQ(bad.size(), 1u);
}

}  // namespace
}  // namespace stacksim::sim
