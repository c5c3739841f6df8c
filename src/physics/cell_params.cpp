#include "physics/cell_params.hpp"

#include <cassert>
#include <cmath>

namespace stacksim::physics {

OcvTable OcvTable::build(const Breakpoints& mean_ocv_V, const Breakpoints& dudt_V_per_K,
                         const Breakpoints& half_gap_V, double reference_temperature_C,
                         std::size_t intervals) {
  assert(intervals >= 1);
  OcvTable t;
  t.reference_temperature_C = reference_temperature_C;
  t.intervals_per_soc = static_cast<double>(intervals);
  const std::size_t n = intervals + 1;
  UniformTable1D u(0.0, 1.0, n, mean_ocv_V);
  UniformTable1D e(0.0, 1.0, n, dudt_V_per_K);
  UniformTable1D h(0.0, 1.0, n, half_gap_V);
  t.nodes.resize(intervals);
  for (std::size_t i = 0; i < intervals; ++i) {
    t.nodes[i] = {u.values()[i], u.values()[i + 1] - u.values()[i],
                  e.values()[i], e.values()[i + 1] - e.values()[i],
                  h.values()[i], h.values()[i + 1] - h.values()[i]};
  }
  t.u_and_slope.resize(2 * intervals);
  for (std::size_t i = 0; i < intervals; ++i) {
    t.u_and_slope[2 * i] = t.nodes[i].u_V;
    t.u_and_slope[2 * i + 1] = t.nodes[i].du_V;
  }
  // Trapezoids are exact here: both U and dU/dT are linear inside an interval.
  const double t_ref_K = reference_temperature_C + kZeroCelsius_K;
  t.enthalpy_V.assign(n, 0.0);
  for (std::size_t i = 1; i < n; ++i) {
    const double a = u.values()[i - 1] - t_ref_K * e.values()[i - 1];
    const double b = u.values()[i] - t_ref_K * e.values()[i];
    t.enthalpy_V[i] = t.enthalpy_V[i - 1] + 0.5 * (a + b) / t.intervals_per_soc;
  }
  return t;
}

double OcvTable::enthalpy_at(double soc) const {
  const double t_ref_K = reference_temperature_C + kZeroCelsius_K;
  const double pos = soc * intervals_per_soc;
  const std::size_t last = nodes.size() - 1;
  std::size_t i = pos <= 0.0 ? 0 : static_cast<std::size_t>(pos);
  if (i > last) i = last;
  const double f = pos - static_cast<double>(i);
  const Node& nd = nodes[i];
  const double a = nd.u_V - t_ref_K * nd.dudt_V_per_K;
  const double slope = nd.du_V - t_ref_K * nd.ddudt;
  // Integral of a + slope*x over [0, f] in grid units.
  return enthalpy_V[i] + (a * f + 0.5 * slope * f * f) / intervals_per_soc;
}

double arrhenius_rate(double activation_J_per_mol, double temperature_C,
                 double reference_temperature_C) {
  const double t_K = temperature_C + kZeroCelsius_K;
  const double ref_K = reference_temperature_C + kZeroCelsius_K;
  return std::exp(-activation_J_per_mol / kGasConstant_J_per_molK * (1.0 / t_K - 1.0 / ref_K));
}

}  // namespace stacksim::physics
