// A piecewise-linear table from the parameter flash (OCV, derating, ...):
// integer in, integer out, held flat beyond its ends.
#pragma once

#include <array>
#include <cstdint>

#include "core/params.hpp"

namespace stacksim::fw {

class Curve {
 public:
  static constexpr int kMaxPoints = 16;

  // Reads "<key>.count", "<key>.N.<x_column>" and "<key>.N.<y_column>"
  // (mandatory: missing ones are recorded in the ParamSet). False if the
  // table is missing, too long or its x does not strictly increase.
  bool load(const ParamSet& params, const char* key, const char* x_column, const char* y_column);
  bool set(const std::int32_t* x, const std::int32_t* y, int count);

  // Linear between points, rounded to nearest; y of the end point beyond it.
  std::int32_t eval(std::int32_t x) const;
  // x where the curve reaches y, for a curve whose y strictly increases;
  // rounded to nearest, clamped to the table's x range.
  std::int32_t inverse(std::int32_t y) const;
  // Slope dy/dx of the segment holding x, times 1000 (y units per 1000 x
  // units); 0 outside the table.
  std::int64_t slope_milli(std::int32_t x) const;

  bool y_strictly_increasing() const;
  int size() const { return count_; }
  std::int32_t x(int i) const { return x_[static_cast<std::size_t>(i)]; }
  std::int32_t y(int i) const { return y_[static_cast<std::size_t>(i)]; }

 private:
  std::array<std::int32_t, kMaxPoints> x_{};
  std::array<std::int32_t, kMaxPoints> y_{};
  int count_ = 0;
};

// Rounds num/den to the nearest integer, halves away from zero; den > 0.
std::int64_t div_round(std::int64_t num, std::int64_t den);

}  // namespace stacksim::fw
