#include "physics/cell_params.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include <gtest/gtest.h>

namespace stacksim::physics {
namespace {

// The test's own piecewise-linear evaluation (not Breakpoints::operator()).
double lerp_table(const std::vector<double>& x, const std::vector<double>& y, double at) {
  for (std::size_t i = 0; i + 1 < x.size(); ++i) {
    if (at <= x[i + 1] || i + 2 == x.size()) {
      return y[i] + (y[i + 1] - y[i]) * (at - x[i]) / (x[i + 1] - x[i]);
    }
  }
  return y.back();
}

// Source tables of an LFP-like cell. Every breakpoint is a multiple of the
// grid step 1/40, so the grid reproduces the source exactly.
const std::vector<double> kSocU{0.0, 0.05, 0.1, 0.5, 0.9, 0.975, 1.0};
const std::vector<double> kU{2.5, 3.1, 3.2, 3.3, 3.34, 3.36, 3.55};
const std::vector<double> kSocE{0.0, 0.25, 0.5, 0.75, 1.0};
const std::vector<double> kE{-4.0e-4, -1.0e-4, 1.1e-4, 1.4e-4, 1.2e-4};  // V/K
const std::vector<double> kSocH{0.0, 0.5, 1.0};
const std::vector<double> kH{0.03, 0.011, 0.02};
constexpr std::size_t kIntervals = 40;
constexpr double kRefC = 25.0;

OcvTable build_table() {
  return OcvTable::build({kSocU, kU}, {kSocE, kE}, {kSocH, kH}, kRefC, kIntervals);
}

// Independent: integral from 0 to `soc` of U(s) - T_ref * dU/dT(s), by
// trapezoids over the union of both tables' breakpoints (exact, since the
// integrand is linear between them).
double enthalpy_by_trapezoids(double soc) {
  const double t_ref_K = kRefC + 273.15;
  std::vector<double> xs = kSocU;
  xs.insert(xs.end(), kSocE.begin(), kSocE.end());
  xs.push_back(soc);
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  const auto f = [&](double s) { return lerp_table(kSocU, kU, s) - t_ref_K * lerp_table(kSocE, kE, s); };
  double integral = 0.0;
  for (std::size_t i = 0; i + 1 < xs.size() && xs[i + 1] <= soc; ++i) {
    integral += 0.5 * (f(xs[i]) + f(xs[i + 1])) * (xs[i + 1] - xs[i]);
  }
  return integral;
}

TEST(OcvTable, GridReproducesTheSourceTables) {
  const OcvTable t = build_table();
  ASSERT_EQ(t.nodes.size(), kIntervals);
  EXPECT_DOUBLE_EQ(t.intervals_per_soc, 40.0);
  for (std::size_t i = 0; i < kIntervals; ++i) {
    const double s = static_cast<double>(i) / 40.0;
    const double s1 = static_cast<double>(i + 1) / 40.0;
    EXPECT_NEAR(t.nodes[i].u_V, lerp_table(kSocU, kU, s), 1e-12) << i;
    EXPECT_NEAR(t.nodes[i].u_V + t.nodes[i].du_V, lerp_table(kSocU, kU, s1), 1e-12) << i;
    EXPECT_NEAR(t.nodes[i].dudt_V_per_K, lerp_table(kSocE, kE, s), 1e-15) << i;
    EXPECT_NEAR(t.nodes[i].half_gap_V, lerp_table(kSocH, kH, s), 1e-15) << i;
    EXPECT_EQ(t.u_and_slope[2 * i], t.nodes[i].u_V);
    EXPECT_EQ(t.u_and_slope[2 * i + 1], t.nodes[i].du_V);
  }
}

TEST(OcvTable, EnthalpyMatchesTrapezoidIntegrationOfTheSource) {
  const OcvTable t = build_table();
  for (double soc : {0.0, 0.013, 0.05, 0.1, 0.3, 0.5, 0.6375, 0.77, 0.95, 0.99, 1.0}) {
    const double expected = enthalpy_by_trapezoids(soc);
    EXPECT_NEAR(t.enthalpy_at(soc), expected, 1e-12 * std::max(1.0, std::fabs(expected)))
        << "soc " << soc;
  }
  // The whole range, by hand: the mean OCV integrates to 3.263125 V (the
  // trapezoids of kU) and dU/dT to 2.5e-6 V/K, so
  // 3.263125 - 298.15 * 2.5e-6.
  EXPECT_NEAR(t.enthalpy_at(1.0), 3.263125 - 298.15 * 2.5e-6, 1e-12);
  EXPECT_NEAR(t.enthalpy_V.back(), 3.263125 - 298.15 * 2.5e-6, 1e-12);
}

TEST(OcvTable, EnthalpyGrowsWithSocAtTheOcv) {
  // d(enthalpy)/dSOC = U - T_ref dU/dT: check by a small difference.
  const OcvTable t = build_table();
  const double s = 0.4, h = 1e-6;
  const double slope = (t.enthalpy_at(s + h) - t.enthalpy_at(s - h)) / (2.0 * h);
  EXPECT_NEAR(slope, lerp_table(kSocU, kU, s) - 298.15 * lerp_table(kSocE, kE, s), 1e-7);
}

constexpr double kR = 8.314462618;  // J/(mol K), CODATA 2018

double arrhenius_by_hand(double ea, double t_C, double ref_C) {
  return std::exp(-ea / kR * (1.0 / (t_C + 273.15) - 1.0 / (ref_C + 273.15)));
}

TEST(Arrhenius, MatchesTheFormula) {
  for (double ea : {17400.0, 31500.0, 47200.0, 71827.0}) {
    for (double t : {-20.0, 0.0, 10.0, 25.0, 35.0, 45.0, 60.0}) {
      const double expected = arrhenius_by_hand(ea, t, 25.0);
      EXPECT_NEAR(arrhenius_rate(ea, t, 25.0), expected, 1e-12 * expected)
          << "Ea " << ea << " T " << t;
    }
  }
  // 47.2 kJ/mol from 25 to 35 C: exp(47200/8.314462618 * 10/(298.15*308.15)) = 1.85501.
  EXPECT_NEAR(arrhenius_rate(47200.0, 35.0, 25.0), 1.85501, 1e-5);
}

TEST(Arrhenius, OneAtTheReferenceAndWithoutActivation) {
  EXPECT_DOUBLE_EQ(arrhenius_rate(50000.0, 25.0, 25.0), 1.0);
  EXPECT_DOUBLE_EQ(arrhenius_rate(50000.0, 40.0, 40.0), 1.0);
  EXPECT_DOUBLE_EQ(arrhenius_rate(0.0, 60.0, 25.0), 1.0);
  EXPECT_GT(arrhenius_rate(50000.0, 26.0, 25.0), 1.0);
  EXPECT_LT(arrhenius_rate(50000.0, 24.0, 25.0), 1.0);
}

}  // namespace
}  // namespace stacksim::physics
