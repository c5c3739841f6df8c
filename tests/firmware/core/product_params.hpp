// The products' firmware parameters, loaded once per test program through
// the simulator's loader.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/params.hpp"
#include "sim/firmware_params_file.hpp"
#include "util/diagnostics.hpp"

namespace stacksim::fw::test {

inline const std::vector<std::string>& product_names() {
  static const std::vector<std::string> names = {"gtx3000", "gtx5000", "gtx2500", "lfp65"};
  return names;
}

struct LoadedProduct {
  sim::FirmwareParams params;
  std::vector<ssim_param> table;
  std::string problems;  // empty when it loaded
  ParamSet set() const { return ParamSet(table.data(), table.size()); }
  std::int32_t value(const std::string& key) const {
    const auto v = sim::find_param(params, key);
    EXPECT_TRUE(v.has_value()) << "no key " << key;
    return v.value_or(0);
  }
};

inline const LoadedProduct& product(const std::string& name) {
  static std::map<std::string, LoadedProduct> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  LoadedProduct p;
  Diagnostics diags;
  auto loaded = sim::load_firmware_params(std::filesystem::path(STACKSIM_DATA_DIR), name, diags);
  if (loaded) p.params = std::move(*loaded);
  p.problems = diags.format();
  it = cache.emplace(name, std::move(p)).first;
  it->second.table = sim::to_ssim_params(it->second.params);  // points into the cached strings
  return it->second;
}

}  // namespace stacksim::fw::test
