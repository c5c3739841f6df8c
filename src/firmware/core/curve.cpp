#include "core/curve.hpp"

#include <cstring>

namespace stacksim::fw {

std::int64_t div_round(std::int64_t num, std::int64_t den) {
  return num >= 0 ? (num + den / 2) / den : -((-num + den / 2) / den);
}

bool Curve::set(const std::int32_t* x, const std::int32_t* y, int count) {
  count_ = 0;
  if (count < 1 || count > kMaxPoints) return false;
  for (int i = 0; i < count; ++i) {
    if (i > 0 && x[i] <= x[i - 1]) return false;
    x_[static_cast<std::size_t>(i)] = x[i];
    y_[static_cast<std::size_t>(i)] = y[i];
  }
  count_ = count;
  return true;
}

bool Curve::load(const ParamSet& params, const char* key, const char* x_column,
                 const char* y_column) {
  char prefix[ParamSet::kMaxKeyLength + 1];
  char name[ParamSet::kMaxKeyLength + 1];
  std::size_t len = std::strlen(key);
  if (len + 2 > sizeof prefix) return false;
  std::memcpy(prefix, key, len);
  prefix[len] = '.';
  prefix[len + 1] = '\0';
  std::memcpy(name, prefix, len + 1);
  std::memcpy(name + len + 1, "count", 6);
  const std::int32_t count = params.require(name);
  if (count < 1 || count > kMaxPoints) {
    count_ = 0;
    return false;
  }
  char x_suffix[24] = ".";
  char y_suffix[24] = ".";
  std::strncat(x_suffix, x_column, sizeof x_suffix - 2);
  std::strncat(y_suffix, y_column, sizeof y_suffix - 2);
  std::array<std::int32_t, kMaxPoints> xs{};
  std::array<std::int32_t, kMaxPoints> ys{};
  for (int i = 0; i < count; ++i) {
    xs[static_cast<std::size_t>(i)] = params.require(prefix, i, x_suffix);
    ys[static_cast<std::size_t>(i)] = params.require(prefix, i, y_suffix);
  }
  return set(xs.data(), ys.data(), count);
}

std::int32_t Curve::eval(std::int32_t x) const {
  if (count_ == 0) return 0;
  if (x <= x_[0]) return y_[0];
  const auto last = static_cast<std::size_t>(count_ - 1);
  if (x >= x_[last]) return y_[last];
  std::size_t i = 1;
  while (x > x_[i]) ++i;
  const std::int64_t dx = static_cast<std::int64_t>(x_[i]) - x_[i - 1];
  const std::int64_t dy = static_cast<std::int64_t>(y_[i]) - y_[i - 1];
  return static_cast<std::int32_t>(y_[i - 1] + div_round(dy * (x - x_[i - 1]), dx));
}

bool Curve::y_strictly_increasing() const {
  for (int i = 1; i < count_; ++i) {
    if (y_[static_cast<std::size_t>(i)] <= y_[static_cast<std::size_t>(i - 1)]) return false;
  }
  return count_ >= 2;
}

std::int32_t Curve::inverse(std::int32_t y) const {
  if (count_ == 0) return 0;
  if (y <= y_[0]) return x_[0];
  const auto last = static_cast<std::size_t>(count_ - 1);
  if (y >= y_[last]) return x_[last];
  std::size_t i = 1;
  while (y > y_[i]) ++i;
  const std::int64_t dx = static_cast<std::int64_t>(x_[i]) - x_[i - 1];
  const std::int64_t dy = static_cast<std::int64_t>(y_[i]) - y_[i - 1];
  return static_cast<std::int32_t>(x_[i - 1] + div_round(dx * (y - y_[i - 1]), dy));
}

std::int64_t Curve::slope_milli(std::int32_t x) const {
  if (count_ < 2 || x < x_[0] || x > x_[static_cast<std::size_t>(count_ - 1)]) return 0;
  std::size_t i = 1;
  while (x > x_[i]) ++i;
  const std::int64_t dx = static_cast<std::int64_t>(x_[i]) - x_[i - 1];
  const std::int64_t dy = static_cast<std::int64_t>(y_[i]) - y_[i - 1];
  return div_round(dy * 1000, dx);
}

}  // namespace stacksim::fw
