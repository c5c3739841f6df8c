#include "physics/lut.hpp"

#include <algorithm>

namespace stacksim::physics {

double Breakpoints::operator()(double at) const {
  assert(x.size() >= 2 && x.size() == y.size());
  auto it = std::upper_bound(x.begin(), x.end(), at);
  std::size_t i = it == x.begin() ? 0 : static_cast<std::size_t>(it - x.begin()) - 1;
  if (i > x.size() - 2) i = x.size() - 2;
  const double frac = (at - x[i]) / (x[i + 1] - x[i]);
  return y[i] + (y[i + 1] - y[i]) * frac;
}

UniformTable1D::UniformTable1D(double x0, double x1, std::size_t n,
                               const Breakpoints& source)
    : x0_(x0), inv_dx_(static_cast<double>(n - 1) / (x1 - x0)), last_interval_(n - 2) {
  assert(n >= 2 && x1 > x0);
  y_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    // Grid points computed from the index, not accumulated, so that the grid
    // lands exactly on source breakpoints that are multiples of dx.
    const double x = x0 + (x1 - x0) * static_cast<double>(i) / static_cast<double>(n - 1);
    y_[i] = source(x);
  }
}

UniformTable2D::UniformTable2D(double x0, double x1, std::size_t nx, double y0,
                               double y1, std::size_t ny, std::vector<double> values)
    : x0_(x0),
      inv_dx_(static_cast<double>(nx - 1) / (x1 - x0)),
      y0_(y0),
      inv_dy_(static_cast<double>(ny - 1) / (y1 - y0)),
      nx_(nx),
      ny_(ny),
      v_(std::move(values)) {
  assert(nx >= 2 && ny >= 2 && v_.size() == nx * ny);
}

UniformTable2D::Weights UniformTable2D::weights(double x, double y) const {
  // Parameters (not OCV) are clamped at the table edges: resistances must not
  // extrapolate to zero or negative values outside the characterised range.
  const double px = std::clamp((x - x0_) * inv_dx_, 0.0, static_cast<double>(nx_ - 1));
  const double py = std::clamp((y - y0_) * inv_dy_, 0.0, static_cast<double>(ny_ - 1));
  const std::size_t ix = std::min(static_cast<std::size_t>(px), nx_ - 2);
  const std::size_t iy = std::min(static_cast<std::size_t>(py), ny_ - 2);
  return {ix * ny_ + iy, px - static_cast<double>(ix), py - static_cast<double>(iy)};
}

}  // namespace stacksim::physics
