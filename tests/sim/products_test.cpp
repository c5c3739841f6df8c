// Every system configuration in configs/ against its manual's ratings
// (shared/products.md): energy of a 0.5C discharge from full to the minimum
// discharge voltage, and a CC-CV charge from empty to full. Each config is
// its own pair of test cases.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "physics/system.hpp"
#include "sim/system_config.hpp"
#include "util/diagnostics.hpp"

namespace stacksim::sim {
namespace {

const std::filesystem::path kDataDir(STACKSIM_DATA_DIR);

std::vector<std::string> config_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(kDataDir / "configs", ec)) {
    if (e.is_regular_file() && e.path().extension() == ".json") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(Products, ConfigsDirectoryHasConfigurations) {
  EXPECT_FALSE(config_names().empty()) << "no *.json in " << (kDataDir / "configs");
}

class Product : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    Diagnostics diags;
    cfg_ = load_system_config(kDataDir, GetParam(), diags);
    ASSERT_TRUE(cfg_) << diags.format();
  }
  std::optional<SystemConfig> cfg_;
};

constexpr double kDt_s = 1.0;
constexpr std::int64_t kDt_ns = 1'000'000'000;

// Discharge: every branch at SOC 100 % on the charge branch of the
// hysteresis (set_hysteresis(+1)), 25 C, dt = 1 s; 0.5C of the system's
// nominal capacity until the terminal voltage reaches the manual's minimum
// discharge voltage (per module x modules in series). The energy delivered
// must be within +-3 % of the manual's nominal energy and at least its
// usable energy.
TEST_P(Product, HalfCDischargeDeliversTheRatedEnergy) {
  const SystemConfig& cfg = *cfg_;
  physics::PhysicsSystem sys(cfg.layout(), 1);
  for (std::size_t b = 0; b < sys.branch_count(); ++b) sys.set_branch_soc(b, 1.0);
  sys.set_hysteresis(1.0);
  sys.set_ambient_C(25.0);

  const double units = static_cast<double>(cfg.units);
  const double one_c_A = cfg.nominal_capacity_Ah();
  const double v_min = cfg.unit_min_discharge_voltage_V();
  const double nominal_Wh = cfg.unit_nominal_energy_Wh() * units;
  const double usable_Wh = cfg.unit_usable_energy_Wh() * units;

  double delivered_J = 0.0, delivered_As = 0.0;
  int steps = 0;
  for (;; ++steps) {
    ASSERT_LT(steps, 3 * 3600) << "still above " << v_min << " V after 3 h at 0.5C";
    const physics::TerminalResult r =
        sys.step(kDt_ns, physics::TerminalCommand::current(-0.5 * one_c_A));
    delivered_J -= r.voltage_V * r.current_A * kDt_s;
    delivered_As -= r.current_A * kDt_s;
    if (r.voltage_V <= v_min) break;
  }
  const double delivered_Wh = delivered_J / 3600.0;
  EXPECT_NEAR(delivered_Wh, nominal_Wh, 0.03 * nominal_Wh)
      << GetParam() << ": " << delivered_As / 3600.0 << " Ah";
  EXPECT_GE(delivered_Wh, usable_Wh);
  // No more charge comes out than the cells hold: the rated capacity, plus
  // at most 1 % for the capacity spread (sigma 0.3 %).
  EXPECT_LE(delivered_As / 3600.0, 1.01 * one_c_A);
  RecordProperty("delivered_Wh", static_cast<int>(std::lround(delivered_Wh)));
  RecordProperty("nominal_Wh", static_cast<int>(std::lround(nominal_Wh)));
  RecordProperty("discharge_s", steps);
}

// CC-CV charge from empty (SOC 0 on the discharge branch of the hysteresis,
// as after a full discharge; 25 C; dt = 1 s): hold the BMS charge voltage
// with at most 0.5C until the current falls below 0.05C. Every branch ends
// within 1 % of full, and the voltage never exceeds the manual's maximum.
// (A separate case from the discharge so that each stays short on the
// largest system, 1280 cells.)
TEST_P(Product, CcCvChargeFillsEveryBranch) {
  const SystemConfig& cfg = *cfg_;
  physics::PhysicsSystem sys(cfg.layout(), 1);
  for (std::size_t b = 0; b < sys.branch_count(); ++b) sys.set_branch_soc(b, 0.0);
  sys.set_hysteresis(-1.0);
  sys.set_ambient_C(25.0);

  const double one_c_A = cfg.nominal_capacity_Ah();
  const physics::TerminalCommand cccv =
      physics::TerminalCommand::voltage(cfg.unit_charge_voltage_V(), 0.5 * one_c_A);
  double charged_As = 0.0;
  int steps = 0;
  for (;; ++steps) {
    ASSERT_LT(steps, 4 * 3600) << "CC-CV charge not finished after 4 h";
    const physics::TerminalResult r = sys.step(kDt_ns, cccv);
    charged_As += r.current_A * kDt_s;
    ASSERT_LE(r.current_A, 0.5 * one_c_A + 1e-9);
    ASSERT_LE(r.voltage_V, cfg.unit_max_charge_voltage_V()) << "step " << steps;
    if (steps > 10 && r.current_A < 0.05 * one_c_A) break;
  }
  RecordProperty("charge_s", steps);
  double lowest_soc = 1.0;
  for (std::size_t b = 0; b < sys.branch_count(); ++b) {
    EXPECT_GE(sys.branch_soc(b), 0.99) << cfg.unit_name(b);
    EXPECT_LE(sys.branch_soc(b), 1.0) << cfg.unit_name(b);
    lowest_soc = std::min(lowest_soc, sys.branch_soc(b));
  }
  RecordProperty("lowest_branch_soc_permille", static_cast<int>(std::lround(lowest_soc * 1000.0)));
  // Full of the rated charge: 0.99 to 1 of it, within the 0.3 % capacity
  // spread and the 0.05 % coulombic loss.
  EXPECT_NEAR(charged_As / 3600.0, one_c_A, 0.02 * one_c_A);
}

INSTANTIATE_TEST_SUITE_P(Configs, Product, ::testing::ValuesIn(config_names()),
                         [](const ::testing::TestParamInfo<std::string>& p) {
                           std::string n = p.param;
                           for (char& c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

}  // namespace
}  // namespace stacksim::sim
