// Builds an ssim_param table in a test: keys are owned here, the table points
// into them (as the simulator's does).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/params.hpp"
#include "stacksim/hal.h"

namespace stacksim::fw::test {

class ParamBuilder {
 public:
  ParamBuilder& set(const std::string& key, std::int32_t value) {
    for (auto& kv : items_) {
      if (kv.first == key) {
        kv.second = value;
        return *this;
      }
    }
    items_.emplace_back(key, value);
    return *this;
  }
  ParamBuilder& erase(const std::string& key) {
    for (auto it = items_.begin(); it != items_.end(); ++it) {
      if (it->first == key) {
        items_.erase(it);
        break;
      }
    }
    return *this;
  }
  // "<name>.count" and "<name>.N.<x>" / "<name>.N.<y>".
  ParamBuilder& table(const std::string& name, const std::string& x_col, const std::vector<std::int32_t>& x,
                      const std::string& y_col, const std::vector<std::int32_t>& y) {
    set(name + ".count", static_cast<std::int32_t>(x.size()));
    for (std::size_t i = 0; i < x.size(); ++i) {
      set(name + "." + std::to_string(i) + "." + x_col, x[i]);
      if (!y_col.empty()) set(name + "." + std::to_string(i) + "." + y_col, y[i]);
    }
    return *this;
  }
  // A ParamSet over the current items; valid until the builder changes.
  ParamSet params() {
    table_.clear();
    for (const auto& kv : items_) table_.push_back({kv.first.c_str(), kv.second});
    return ParamSet(table_.data(), table_.size());
  }

 private:
  std::vector<std::pair<std::string, std::int32_t>> items_;
  std::vector<ssim_param> table_;
};

}  // namespace stacksim::fw::test
