// models/firmware/*.json through sim::load_firmware_params: every product
// loads, every core module configures from it with no key missing, the
// manuals' numbers arrive in firmware units, and bad files are reported
// with every problem at once.
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/button.hpp"
#include "core/derate.hpp"
#include "core/dry_contacts.hpp"
#include "core/led.hpp"
#include "core/param_spec.hpp"
#include "core/protection.hpp"
#include "core/soc.hpp"
#include "product_params.hpp"

namespace stacksim::fw {
namespace {

using test::product;
using test::product_names;

const std::filesystem::path kDataDir(STACKSIM_DATA_DIR);

std::string missing_keys(const ParamSet& p) {
  std::string out;
  for (std::size_t i = 0; i < p.missing_count(); ++i) {
    if (p.missing(i)) out += std::string(p.missing(i)) + " ";
  }
  return out;
}

class Product : public ::testing::TestWithParam<std::string> {};

TEST_P(Product, LoadsWithoutProblems) {
  const auto& p = product(GetParam());
  ASSERT_TRUE(p.problems.empty()) << p.problems;
  std::set<std::string> unique(p.params.keys.begin(), p.params.keys.end());
  EXPECT_EQ(unique.size(), p.params.keys.size());
  EXPECT_EQ(p.value("prot.count"), static_cast<std::int32_t>(p.params.protection_ids.size()));
  for (const ScalarSpec& s : kScalarParams) EXPECT_TRUE(unique.count(s.key)) << s.key;
  for (const TableSpec& t : kTableParams) EXPECT_TRUE(unique.count(std::string(t.key) + ".count")) << t.key;
}

TEST_P(Product, EveryCoreModuleConfiguresWithNoKeyMissing) {
  const auto& p = product(GetParam());
  ASSERT_TRUE(p.problems.empty()) << p.problems;
  const ParamSet set = p.set();
  ProtectionEngine engine;
  EXPECT_TRUE(engine.configure(set, 4));
  EXPECT_EQ(engine.row_count(), p.value("prot.count"));
  SocEstimator soc;
  EXPECT_TRUE(soc.configure(set));
  Derating derate;
  EXPECT_TRUE(derate.configure(set));
  LedPanel leds;
  EXPECT_TRUE(leds.configure(set));
  DryContacts dry;
  EXPECT_TRUE(dry.configure(set));
  LongPressButton::from_params(set);
  EXPECT_EQ(set.missing_count(), 0u) << missing_keys(set);
}

INSTANTIATE_TEST_SUITE_P(AllProducts, Product, ::testing::ValuesIn(product_names()),
                         [](const ::testing::TestParamInfo<std::string>& name) { return name.param; });

// Row id -> its prot.N prefix.
std::string row_key(const test::LoadedProduct& p, const std::string& id, const std::string& field) {
  for (std::size_t i = 0; i < p.params.protection_ids.size(); ++i) {
    if (p.params.protection_ids[i] == id) return "prot." + std::to_string(i) + "." + field;
  }
  ADD_FAILURE() << "no protection row " << id;
  return "";
}

TEST(ProductNumbers, OverCurrentTripsAboveTheManualsCurrents) {
  // GTX3000 8.1 c and GTX2500 9.1 c: "greater than 50A"; GTX5000 9.1 c: 100 A.
  // A tier is out of limit at or beyond its threshold, so "greater than" is
  // the threshold plus 1 mA.
  for (const auto& [name, amps] : {std::pair{"gtx3000", 50}, {"gtx5000", 100}, {"gtx2500", 50}}) {
    const auto& p = product(name);
    EXPECT_EQ(p.value(row_key(p, "charge_over_current", "protection")), amps * 1000 + 1) << name;
    EXPECT_EQ(p.value(row_key(p, "discharge_over_current", "protection")), amps * 1000 + 1) << name;
  }
}

TEST(ProductNumbers, TemperatureLimitsAreTheAllowedRanges) {
  // products.md: GTX charge -10 ... 55 C, discharge -20 ... 60 C; 6.5 kWh
  // -10 ... 45 C. The first reading (0.1 C) outside trips.
  struct Range { const char* product; int charge_min, charge_max, discharge_min, discharge_max; };
  for (const Range& r : {Range{"gtx3000", -10, 55, -20, 60}, Range{"gtx5000", -10, 55, -20, 60},
                         Range{"gtx2500", -10, 55, -20, 60}, Range{"lfp65", -10, 45, -10, 45}}) {
    const auto& p = product(r.product);
    EXPECT_EQ(p.value(row_key(p, "charge_over_temp", "protection")), r.charge_max * 10 + 1) << r.product;
    EXPECT_EQ(p.value(row_key(p, "charge_under_temp", "protection")), r.charge_min * 10 - 1) << r.product;
    EXPECT_EQ(p.value(row_key(p, "discharge_over_temp", "protection")), r.discharge_max * 10 + 1) << r.product;
    EXPECT_EQ(p.value(row_key(p, "discharge_under_temp", "protection")), r.discharge_min * 10 - 1) << r.product;
    // The windows are states of the battery, not of the current: an inverter
    // that follows the derating has stopped before the threshold, and the
    // manuals still show the protection (docs/firmware-parameters.md).
    for (const char* row : {"charge_over_temp", "charge_under_temp", "discharge_over_temp", "discharge_under_temp"}) {
      EXPECT_EQ(p.value(row_key(p, row, "applies")), static_cast<int>(Applies::kAlways)) << r.product << " " << row;
    }
  }
}

TEST(ProductNumbers, PackVoltageLimits) {
  // GTX3000: 57.6 V / 45.6 V per module (technical data), scaled by the BCU.
  const auto& h = product("gtx3000");
  EXPECT_EQ(h.value("pack.per_module"), 1);
  EXPECT_EQ(h.value(row_key(h, "pack_over_voltage", "protection")), 57600);
  EXPECT_EQ(h.value(row_key(h, "pack_under_voltage", "protection")), 45600);
  // GTX5000 / GTX2500 9.1 d, e: 56 V or more, 45.6 V or less.
  for (const char* name : {"gtx5000", "gtx2500"}) {
    const auto& p = product(name);
    EXPECT_EQ(p.value("pack.per_module"), 0);
    EXPECT_EQ(p.value(row_key(p, "pack_over_voltage", "protection")), 56000) << name;
    EXPECT_EQ(p.value(row_key(p, "pack_under_voltage", "protection")), 45600) << name;
  }
  // 6.5 kWh: cell voltage difference over 1 V is a latched failure (7.4).
  const auto& l = product("lfp65");
  EXPECT_EQ(l.value(row_key(l, "cell_voltage_difference_fault", "protection")), 1001);
  EXPECT_EQ(l.value(row_key(l, "cell_voltage_difference_fault", "reaction")), static_cast<int>(Reaction::kFaultLatch));
}

TEST(ProductNumbers, RequestsButtonsAndTimeouts) {
  for (const char* name : {"gtx3000", "gtx5000", "gtx2500", "lfp65"}) {
    const auto& p = product(name);
    EXPECT_EQ(p.value("soc.force_charge_permille"), 80) << name;  // 8 %
    EXPECT_EQ(p.value("soc.recal_below_permille"), 970) << name;  // 97 %
    EXPECT_EQ(p.value("soc.recal_days"), 30) << name;
    EXPECT_EQ(p.value("soc.recal_window_start_min"), 3 * 60) << name;
    EXPECT_EQ(p.value("soc.recal_window_end_min"), 6 * 60) << name;
    EXPECT_EQ(p.value("button.long_press_ms"), std::string(name) == "lfp65" ? 2000 : 3000) << name;
  }
  EXPECT_EQ(product("lfp65").value("pcs.power_off_ms"), 60 * 60 * 1000);  // 6.3: 60 minutes
  EXPECT_EQ(product("lfp65").value("parallel.window_ms"), 30000);        // 6.2: within 30 s
  EXPECT_EQ(product("lfp65").value("parallel.max_diff_mV"), 1000);       // 7.4: at most 1 V
  EXPECT_EQ(product("gtx3000").value("soc.full_taper_mA"), 2500);        // 7.2.3.2: cut off below 2.5 A
}

TEST(ProductNumbers, DryContactsPerFamily) {
  const auto meaning = [](const char* name, int contact) {
    return static_cast<DryMeaning>(product(name).value("dry." + std::to_string(contact) + ".meaning"));
  };
  EXPECT_EQ(meaning("gtx3000", 1), DryMeaning::kProhibitDischarge);  // 5.3.3.5: 1/2
  EXPECT_EQ(meaning("gtx3000", 2), DryMeaning::kProhibitCharge);     // 3/4
  EXPECT_EQ(meaning("gtx5000", 1), DryMeaning::kProhibitCharge);     // 5.3.5: NO1/COM1
  EXPECT_EQ(meaning("gtx5000", 2), DryMeaning::kProhibitDischarge);  // NO2/COM2
  EXPECT_EQ(meaning("gtx2500", 1), DryMeaning::kProhibitCharge);     // 5.2.6: 1/2
  EXPECT_EQ(meaning("gtx2500", 2), DryMeaning::kProhibitDischarge);  // 3/4
  EXPECT_EQ(meaning("lfp65", 1), DryMeaning::kNone);
  EXPECT_EQ(meaning("lfp65", 2), DryMeaning::kNone);
  // Outputs: GTX3000 contact 1 closes when discharging is prohibited.
  DryContacts dry;
  ASSERT_TRUE(dry.configure(product("gtx3000").set()));
  EXPECT_EQ(dry.outputs(true, true), (std::array<int, 2>{0, 0}));
  EXPECT_EQ(dry.outputs(true, false), (std::array<int, 2>{1, 0}));
  EXPECT_EQ(dry.outputs(false, true), (std::array<int, 2>{0, 1}));
  ASSERT_TRUE(dry.configure(product("lfp65").set()));
  EXPECT_EQ(dry.outputs(false, false), (std::array<int, 2>{0, 0}));
}

TEST(ProductNumbers, OcvTableIsTheCellModelsAt25C) {
  // models/cells/<cell>.json ocv.soc / ocv.mean_V: every point of the
  // firmware table is a point of the cell's table.
  for (const auto& [name, cell] : {std::pair{"gtx3000", "lfp-prismatic-50ah"}, {"gtx5000", "lfp-prismatic-100ah"},
                                   {"gtx2500", "lfp-prismatic-50ah"}, {"lfp65", "lfp-prismatic-64ah"}}) {
    std::ifstream in(kDataDir / "models" / "cells" / (std::string(cell) + ".json"));
    const auto doc = nlohmann::json::parse(in);
    const auto& soc = doc["ocv"]["soc"];
    const auto& mean = doc["ocv"]["mean_V"];
    const auto& p = product(name);
    const int n = p.value("ocv.count");
    for (int i = 0; i < n; ++i) {
      const int permille = p.value("ocv." + std::to_string(i) + ".permille");
      const int mV = p.value("ocv." + std::to_string(i) + ".mV");
      bool found = false;
      for (std::size_t k = 0; k < soc.size(); ++k) {
        if (std::lround(soc[k].get<double>() * 1000) == permille) {
          EXPECT_EQ(std::lround(mean[k].get<double>() * 1000), mV) << name << " point " << i;
          found = true;
        }
      }
      EXPECT_TRUE(found) << name << ": " << permille << " permille is not in " << cell;
    }
  }
}

// The documentation names every key the data can hold.
TEST(FirmwareParameterDoc, ListsEveryKey) {
  std::ifstream in(kDataDir / "docs" / "firmware-parameters.md");
  ASSERT_TRUE(in) << "docs/firmware-parameters.md";
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const auto listed = [&](const std::string& key) { return doc.find("`" + key + "`") != std::string::npos; };
  for (const ScalarSpec& s : kScalarParams) EXPECT_TRUE(listed(s.key)) << s.key;
  for (const TableSpec& t : kTableParams) EXPECT_TRUE(listed(t.key)) << t.key;
  for (const char* f : kProtectionFields) EXPECT_TRUE(listed(std::string("prot.N.") + f)) << f;
  for (const char* q : kQuantityNames) EXPECT_TRUE(listed(q)) << q;
  for (const char* r : kReactionNames) EXPECT_TRUE(listed(r)) << r;
  for (const auto& name : product_names()) {
    for (const std::string& id : product(name).params.protection_ids) EXPECT_TRUE(listed(id)) << name << " " << id;
  }
}

// A copy of a real file with problems planted; every one is reported, with
// its line and column, in one pass.
TEST(FirmwareParamsFile, ReportsEveryProblemAtOnce) {
  std::ifstream in(kDataDir / "models" / "firmware" / "gtx2500.json");
  auto doc = nlohmann::ordered_json::parse(in);
  doc["colour"] = "blue";                                        // unknown top-level key
  doc["protection"][0]["quantity"] = "cell_maximum";             // unknown quantity
  doc["protection"][1]["reaction"] = "explode";                  // unknown reaction
  doc["protection"][2]["alarm"]["value"] = 55000;                // below the warning (55800) of an "above" row
  doc["protection"][3]["warning"].erase("source");               // missing source
  doc["parameters"]["soc.rest_ms"]["source"] = "";               // empty source
  doc["parameters"]["soc.rest_minutes"] = {{"value", 1}, {"source", "x"}};  // unknown parameter
  doc["parameters"].erase("balance.threshold_mV");               // missing parameter
  doc["parameters"]["led.style"]["value"] = "rainbow";           // unknown name
  const auto dir = std::filesystem::temp_directory_path() / "stacksim-fw-params-test";
  std::filesystem::create_directories(dir);
  const auto path = dir / "gtx2500.json";
  std::ofstream(path) << doc.dump(2);
  Diagnostics diags;
  EXPECT_FALSE(sim::load_firmware_params_file(path, diags));
  const std::string text = diags.format();
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"/colour", "unknown key 'colour'"},
      {"/protection/0/quantity", "cell_maximum"},
      {"/protection/1/reaction", "explode"},
      {"/protection/2/alarm", "expected above the warning threshold 55800"},
      {"/protection/3/warning", "missing key 'source'"},
      {"/parameters/soc.rest_ms/source", "non-empty"},
      {"/parameters/soc.rest_minutes", "unknown key 'soc.rest_minutes'"},
      {"/parameters", "missing key 'balance.threshold_mV'"},
      {"/parameters/led.style/value", "rainbow"},
  };
  for (const auto& [pointer, words] : expected) {
    bool found = false;
    for (const Diagnostic& d : diags.items()) {
      if (d.pointer == pointer && d.message.find(words) != std::string::npos) {
        found = true;
        EXPECT_GT(d.location.line, 0) << pointer;
        EXPECT_GT(d.location.column, 0) << pointer;
        EXPECT_EQ(d.file, path.string());
      }
    }
    EXPECT_TRUE(found) << "no diagnostic at '" << pointer << "' with '" << words << "' in:\n" << text;
  }
  EXPECT_EQ(diags.size(), expected.size()) << text;
  std::filesystem::remove_all(dir);
}

TEST(FirmwareParamsFile, RejectsALongTableAndBadNames) {
  std::ifstream in(kDataDir / "models" / "firmware" / "lfp65.json");
  auto doc = nlohmann::ordered_json::parse(in);
  doc["product"] = "gtx5000";                                     // not the file's name
  doc["protection"][1]["id"] = doc["protection"][0]["id"];        // duplicate id
  doc["parameters"]["led.soc_charge"]["above_permille"] = {250, 500};  // 3 needed for 4 SOC LEDs
  doc["parameters"]["ocv"]["mV"][3] = 2000;                       // OCV must rise
  const auto dir = std::filesystem::temp_directory_path() / "stacksim-fw-params-test2";
  std::filesystem::create_directories(dir);
  const auto path = dir / "lfp65.json";
  std::ofstream(path) << doc.dump(2);
  Diagnostics diags;
  EXPECT_FALSE(sim::load_firmware_params_file(path, diags));
  const std::string text = diags.format();
  EXPECT_NE(text.find("/product: expected the file's own name \"lfp65\""), std::string::npos) << text;
  EXPECT_NE(text.find("/protection/1/id: expected a unique id"), std::string::npos) << text;
  EXPECT_NE(text.find("/parameters/led.soc_charge: expected 3 bounds"), std::string::npos) << text;
  EXPECT_NE(text.find("/parameters/ocv: expected mV strictly increasing"), std::string::npos) << text;
  EXPECT_EQ(diags.size(), 4u) << text;
  std::filesystem::remove_all(dir);
}

TEST(FirmwareParamsFile, UnknownProductIsOneProblem) {
  Diagnostics diags;
  EXPECT_FALSE(sim::load_firmware_params(kDataDir, "gtx9000", diags));
  EXPECT_EQ(diags.size(), 1u);
  EXPECT_FALSE(sim::load_firmware_params(kDataDir, "../products/gtx3000", diags));
  EXPECT_EQ(diags.size(), 2u);
}

}  // namespace
}  // namespace stacksim::fw
