// Lookup tables on uniform grids. Lookups clamp the interval index but not the
// fraction, so values beyond the ends continue the end segments' slopes: an
// over-discharged cell keeps falling instead of sitting on a plateau.
#pragma once

#include <cassert>
#include <cstddef>
#include <vector>

namespace stacksim::physics {

// Piecewise-linear function given at breakpoints (x strictly increasing).
struct Breakpoints {
  std::vector<double> x;
  std::vector<double> y;

  double operator()(double at) const;  // linear, extrapolated at the ends
};

// y(x) on x0 + i*dx, i = 0..n-1 (n >= 2), bilinear in 2D.
class UniformTable1D {
 public:
  UniformTable1D() = default;
  UniformTable1D(double x0, double x1, std::size_t n, const Breakpoints& source);

  double operator()(double x) const {
    const double pos = (x - x0_) * inv_dx_;
    std::size_t i = pos <= 0.0 ? 0 : static_cast<std::size_t>(pos);
    if (i > last_interval_) i = last_interval_;
    const double frac = pos - static_cast<double>(i);
    return y_[i] + (y_[i + 1] - y_[i]) * frac;
  }
  double x0() const { return x0_; }
  double dx() const { return 1.0 / inv_dx_; }
  std::size_t size() const { return y_.size(); }
  const std::vector<double>& values() const { return y_; }

 private:
  double x0_ = 0.0;
  double inv_dx_ = 1.0;
  std::size_t last_interval_ = 0;
  std::vector<double> y_;
};

class UniformTable2D {
 public:
  UniformTable2D() = default;
  // values[ix * ny + iy]
  UniformTable2D(double x0, double x1, std::size_t nx, double y0, double y1,
                 std::size_t ny, std::vector<double> values);

  // Bilinear weights at (x, y), reusable on every table with the same grid.
  struct Weights {
    std::size_t index;  // of the lower-left grid point
    double fx, fy;
  };
  Weights weights(double x, double y) const;
  double at(const Weights& w) const {
    const double* row0 = &v_[w.index];
    const double* row1 = row0 + ny_;
    const double a = row0[0] + (row0[1] - row0[0]) * w.fy;
    const double b = row1[0] + (row1[1] - row1[0]) * w.fy;
    return a + (b - a) * w.fx;
  }
  double operator()(double x, double y) const { return at(weights(x, y)); }
  bool same_grid(const UniformTable2D& o) const {
    return x0_ == o.x0_ && inv_dx_ == o.inv_dx_ && y0_ == o.y0_ && inv_dy_ == o.inv_dy_ &&
           nx_ == o.nx_ && ny_ == o.ny_;
  }
  std::size_t nx() const { return nx_; }
  std::size_t ny() const { return ny_; }

 private:
  double x0_ = 0.0, inv_dx_ = 1.0, y0_ = 0.0, inv_dy_ = 1.0;
  std::size_t nx_ = 0, ny_ = 0;
  std::vector<double> v_;
};

}  // namespace stacksim::physics
