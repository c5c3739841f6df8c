// The per-step cell update: the hot loop. One pass over a contiguous range of
// cells of one type with no data-dependent control flow, so the compiler
// vectorises it; AVX-512 and AVX2 clones are chosen at load time where the
// CPU has them (same bits: no FMA contraction, the same operations per lane).
#include <algorithm>
#include <cmath>
#include <cstddef>

#include "physics/system.hpp"

namespace stacksim::physics {
namespace {

// exp(-x) by its Taylor series is exact to < 1e-12 below this; above it
// (very large steps or currents) the library exp is used.
constexpr double kTaylorLimit = 0.01;

struct KernelArgs {
  CellArrays* cells;
  const OcvTable* ocv;
  double hysteresis_rate;
  std::size_t first, count;
  double dt_s;
  // Hysteresis decay per cell from the library exp; null in the usual case
  // where the Taylor series is exact.
  const double* decay;
};

template <bool kTaylor>
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
void cell_kernel(const KernelArgs& k) {
  CellArrays& s = *k.cells;
  const std::size_t o = k.first;
  double* __restrict soc = s.soc.data() + o;
  double* __restrict v1 = s.v1_V.data() + o;
  double* __restrict v2 = s.v2_V.data() + o;
  double* __restrict hy = s.hyst.data() + o;
  double* __restrict volt = s.voltage_V.data() + o;
  double* __restrict heat = s.heat_J.data() + o;
  double* __restrict e_out = s.e_V.data() + o;
  const double* __restrict cur = s.current_A.data() + o;
  const double* __restrict r0 = s.r0.data() + o;
  const double* __restrict a1 = s.a1.data() + o;
  const double* __restrict b1 = s.b1.data() + o;
  const double* __restrict g1 = s.g1.data() + o;
  const double* __restrict a2 = s.a2.data() + o;
  const double* __restrict b2 = s.b2.data() + o;
  const double* __restrict g2 = s.g2.data() + o;
  const double* __restrict eta = s.eta.data() + o;
  const double* __restrict soc_per_As = s.soc_per_As.data() + o;
  const double* __restrict sd_A = s.sd_current_A.data() + o;
  const double* __restrict ocv_shift = s.ocv_shift_V.data() + o;
  const double* __restrict rev_heat = s.reversible_heat_V.data() + o;
  const double* __restrict half_gap = s.half_gap_V.data() + o;

  const double* __restrict table = k.ocv->u_and_slope.data();
  const double per_soc = k.ocv->intervals_per_soc;
  const double last = static_cast<double>(k.ocv->nodes.size() - 1);
  const double gamma = k.hysteresis_rate;
  const double dt = k.dt_s;
  const std::size_t n = k.count;

  // The arrays never overlap; GCC honours __restrict only on parameters, so
  // say it again here or it gives up on the run-time alias checks.
#pragma GCC ivdep
  for (std::size_t c = 0; c < n; ++c) {
    const double i = cur[c];

    // Charge: double precision, so 1 A for 1 ms on 100 Ah still moves SOC.
    const double stored_A = i * eta[c] - sd_A[c];
    const double soc_new = soc[c] + stored_A * soc_per_As[c] * dt;

    // RC pairs: exact zero-order hold for a current held over the step.
    const double v1o = v1[c], v2o = v2[c];
    const double v1n = a1[c] * v1o + b1[c] * i;
    const double v2n = a2[c] * v2o + b2[c] * i;

    // One-state hysteresis, also an exact hold over the step. (Written with
    // ternaries on doubles: bool-to-double conversions do not vectorise.)
    const double ai = std::fabs(i);
    double decay;
    if constexpr (kTaylor) {
      const double x = gamma * soc_per_As[c] * ai * dt;
      decay = 1.0 - x * (1.0 - x * (0.5 - x * (1.0 / 6.0 - x * (1.0 / 24.0))));
    } else {
      decay = k.decay[o + c];
    }
    const double sign = i > 0.0 ? 1.0 : (i < 0.0 ? -1.0 : 0.0);
    const double h = decay * hy[c] + (1.0 - decay) * sign;

    // OCV at the reference temperature from the table (a 32-bit index:
    // double -> int64 does not vectorise without AVX-512; beyond the ends the
    // fraction is not clamped, so it extrapolates). The entropic shift and the
    // half-gap change slowly and come from the slow update.
    const double pos = soc_new * per_soc;
    const double pos_low = pos > 0.0 ? pos : 0.0;
    const int idx = static_cast<int>(pos_low < last ? pos_low : last);
    const double f = pos - static_cast<double>(idx);
    const double u_ref = table[2 * idx] + table[2 * idx + 1] * f;
    const double u = u_ref + ocv_shift[c];
    const double hyst_V = half_gap[c] * h;
    const double r0i = r0[c] * i;
    const double v = u + hyst_V + r0i + v1n + v2n;

    // Heat: ohmic, RC (midpoint of the step), hysteresis loss, reversible
    // (entropic), and the enthalpy of charge lost to side reactions and
    // self-discharge.
    const double v1m = 0.5 * (v1o + v1n);
    const double v2m = 0.5 * (v2o + v2n);
    // U = H + T dU/dT: the enthalpy part is stored, T dU/dT is reversible heat.
    const double enthalpy_V = u - rev_heat[c];
    const double p_W = r0i * i + v1m * v1m * g1[c] + v2m * v2m * g2[c] + i * hyst_V +
                       i * rev_heat[c] + (i - stored_A) * enthalpy_V;

    heat[c] += p_W * dt;
    soc[c] = soc_new;
    v1[c] = v1n;
    v2[c] = v2n;
    hy[c] = h;
    volt[c] = v;
    // Thevenin view for the next step, assuming the direction holds.
    e_out[c] = u + hyst_V + a1[c] * v1n + a2[c] * v2n;
  }
}

}  // namespace

bool PhysicsSystem::select_directions() {
  CellArrays& s = cells_;
  bool changed = false;
  // Zero current keeps the set in use: a pair relaxes with the time constant
  // of the direction it was driven in.
  const auto select = [&](std::size_t c, double i) {
    if ((i > 0.0 && s.direction[c] < 0.0) || (i < 0.0 && s.direction[c] > 0.0)) {
      load_set(c, i > 0.0);
      changed = true;
    }
  };
  for (std::size_t b = 0; b < branches_.size(); ++b) {
    const BranchInfo& bi = branches_[b];
    const double i_b = branch_current_A_[b];
    if (branch_simple_[b] && !bleed_active_) {
      // Every cell carries the branch current: one test for the branch.
      const double want = i_b > 0.0 ? 1.0 : (i_b < 0.0 ? -1.0 : branch_direction_[b]);
      if (want != branch_direction_[b] || want == 0.0) {
        for (std::size_t c = bi.first_cell; c < bi.first_cell + bi.cells; ++c) select(c, i_b);
        branch_direction_[b] = want;
      }
      continue;
    }
    for (std::size_t c = bi.first_cell; c < bi.first_cell + bi.cells; ++c) select(c, s.current_A[c]);
    branch_direction_[b] = 0.0;
  }
  return changed;
}

void PhysicsSystem::run_cell_kernel() {
  double max_gamma = 0.0;
  for (const physics::CellParams& p : layout_.cell_types) max_gamma = std::max(max_gamma, p.hysteresis_rate);
  const double* decay = nullptr;
  if (max_gamma * max_soc_per_As_ * max_cell_current_A_ * dt_s_ >= kTaylorLimit) {
    decay_scratch_.resize(cell_count());
    for (std::size_t c = 0; c < cell_count(); ++c) {
      decay_scratch_[c] = std::exp(-cell_type(c).hysteresis_rate * cells_.soc_per_As[c] *
                                   std::fabs(cells_.current_A[c]) * dt_s_);
    }
    decay = decay_scratch_.data();
  }
  for (const KernelRange& r : kernel_ranges_) {
    const CellParams& p = layout_.cell_types[r.type];
    const KernelArgs args{&cells_, &p.ocv, p.hysteresis_rate, r.first, r.count, dt_s_, decay};
    if (decay) {
      cell_kernel<false>(args);
    } else {
      cell_kernel<true>(args);
    }
  }
}

}  // namespace stacksim::physics
