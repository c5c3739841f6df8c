#include "sim/observation.hpp"

#include <algorithm>

namespace stacksim::sim {
namespace {

// Four independent minima and maxima: the compare chains run side by side
// (a single chain is latency-bound; this runs every step over every cell).
void scan(const double* v, std::size_t n, double& lo, double& hi) {
  double l[4] = {v[0], v[0], v[0], v[0]}, h[4] = {v[0], v[0], v[0], v[0]};
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    for (std::size_t k = 0; k < 4; ++k) {
      l[k] = v[i + k] < l[k] ? v[i + k] : l[k];
      h[k] = v[i + k] > h[k] ? v[i + k] : h[k];
    }
  }
  for (; i < n; ++i) {
    l[0] = v[i] < l[0] ? v[i] : l[0];
    h[0] = v[i] > h[0] ? v[i] : h[0];
  }
  lo = std::min(std::min(l[0], l[1]), std::min(l[2], l[3]));
  hi = std::max(std::max(h[0], h[1]), std::max(h[2], h[3]));
}

}  // namespace

Sampler::Sampler(const physics::PhysicsSystem& system)
    : system_(system), units_(system.branch_count()) {}

void Sampler::sample(const physics::TerminalResult& t, bool with_soc) {
  const physics::PhysicsSystem& s = system_;
  const bool temperatures = s.slow_updates() != temperatures_at_;
  temperatures_at_ = s.slow_updates();
  for (std::size_t b = 0; b < s.branch_count(); ++b) {
    const physics::BranchInfo& bi = s.branch(b);
    UnitView& u = units_[b];
    if (bi.groups == bi.cells) {
      scan(s.cells().voltage_V.data() + bi.first_cell, bi.cells, u.cell_min_V, u.cell_max_V);
    } else {
      u.cell_min_V = u.cell_max_V = s.group_voltage_V(bi.first_group);
      for (std::size_t g = bi.first_group + 1; g < bi.first_group + bi.groups; ++g) {
        u.cell_min_V = std::min(u.cell_min_V, s.group_voltage_V(g));
        u.cell_max_V = std::max(u.cell_max_V, s.group_voltage_V(g));
      }
    }
    if (temperatures) {
      scan(s.cells().temperature_C.data() + bi.first_cell, bi.cells, u.temp_min_C, u.temp_max_C);
    }
    UnitView& all = obs_.cells;
    if (b == 0) {
      all = u;
    } else {
      all.cell_min_V = std::min(all.cell_min_V, u.cell_min_V);
      all.cell_max_V = std::max(all.cell_max_V, u.cell_max_V);
      all.temp_min_C = std::min(all.temp_min_C, u.temp_min_C);
      all.temp_max_C = std::max(all.temp_max_C, u.temp_max_C);
    }
  }
  obs_.voltage_V = t.voltage_V;
  obs_.current_A = t.current_A;
  if (with_soc) obs_.soc = system_soc(s);
}

double system_soc(const physics::PhysicsSystem& s) {
  double q = 0.0, qs = 0.0;
  for (std::size_t b = 0; b < s.branch_count(); ++b) {
    const physics::BranchInfo& bi = s.branch(b);
    double cap = 0.0;
    for (std::size_t c = bi.first_cell; c < bi.first_cell + bi.cells; ++c) cap += s.cells().capacity_As[c];
    q += cap;
    qs += cap * s.branch_soc(b);
  }
  return qs / q;
}

}  // namespace stacksim::sim
