#include "cross_check.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace stacksim::sim::testing {
namespace {

constexpr double kKelvin = 273.15;
constexpr double kT25_K = 298.15;
constexpr double kSigmas = 4.0;
constexpr int kReported = 3;  // failures reported in full; the rest are counted

}  // namespace

void WindowExtreme::push(std::int64_t t_ns, double v) {
  while (!q_.empty() && (max_ ? q_.back().second <= v : q_.back().second >= v)) q_.pop_back();
  q_.emplace_back(t_ns, v);
  while (q_.front().first < t_ns - window_ns_) q_.pop_front();
}

namespace {

const hw::BoardSpec& cell_board_spec(PlantRig& rig, const MeasuredQuantities& m) {
  return rig.plant().board(m.cell_boards().front()).spec();
}

}  // namespace

CrossCheck::CrossCheck(PlantRig& rig, std::size_t branch)
    : rig_(rig),
      branch_(branch),
      measured_(rig.plant(), branch),
      afe_(cell_board_spec(rig, measured_).afe.value()),
      ntc_(cell_board_spec(rig, measured_).temperatures),
      cell_window_ns_(measured_.evaluation_latency_ns(fw::Quantity::kCellMin_mV) +
                      MeasuredQuantities::kStatusLatency_ns),
      temp_window_ns_(static_cast<std::int64_t>(5.0 * ntc_.time_constant_s * 1e9) +
                      measured_.evaluation_latency_ns(fw::Quantity::kCellTempMin_dC) +
                      MeasuredQuantities::kStatusLatency_ns),
      cell_min_lo_(cell_window_ns_, false),
      cell_min_hi_(cell_window_ns_, true),
      cell_max_lo_(cell_window_ns_, false),
      cell_max_hi_(cell_window_ns_, true),
      temp_min_lo_(temp_window_ns_, false),
      temp_min_hi_(temp_window_ns_, true),
      temp_max_lo_(temp_window_ns_, false),
      temp_max_hi_(temp_window_ns_, true),
      last_ns_(rig.now_ns()) {
  const physics::PhysicsSystem& ph = rig.physics();
  const physics::BranchInfo& b = ph.branch(branch);
  for (std::size_t g = b.first_group; g < b.first_group + b.groups; ++g) groups_.push_back(g);
  for (std::size_t i : measured_.cell_boards()) {
    const physics::ModuleInfo& m = ph.module(rig.plant().board(i).wiring().module.value());
    for (std::uint16_t pos : ntc_.positions) sensed_cells_.push_back(ph.group(m.first_group + pos).first_cell);
  }
}

double CrossCheck::cell_bound_mV(double cell_mV) const {
  return kSigmas * (afe_.gain_sigma * cell_mV + afe_.offset_sigma_mV + afe_.noise_sigma_mV) + afe_.lsb_mV;
}

// The firmware converts with the nominal R25 and beta; the part differs by
// its tolerances. With R = R25 exp(beta (1/T - 1/T25)):
//   an R25 off by r moves the reading by T^2 / beta * r,
//   a beta off by b moves it by T^2 * b * |1/T - 1/T25|;
// ADC noise and rounding act through the divider's slope
//   dcode/dT = N * Rp * R * beta / ((R + Rp)^2 * T^2),
// and the reading is rounded to 0.1 C.
double CrossCheck::temp_bound_C(double temp_C) const {
  const double t = temp_C + kKelvin;
  const double r = ntc_.r25_ohm * std::exp(ntc_.beta_K * (1.0 / t - 1.0 / kT25_K));
  const double rp = ntc_.pullup_ohm;
  const double codes = std::ldexp(1.0, ntc_.adc_bits);
  const double codes_per_K = codes * rp * r * ntc_.beta_K / ((r + rp) * (r + rp) * t * t);
  const double part = t * t / ntc_.beta_K * ntc_.r25_tolerance +
                      t * t * ntc_.beta_tolerance * std::fabs(1.0 / t - 1.0 / kT25_K);
  const double adc = (kSigmas * ntc_.adc_noise_lsb + 0.5) / codes_per_K;
  return part + adc + 0.05;
}

void CrossCheck::fail(const std::string& what) {
  ++failures_;
  if (first_failure_.empty()) first_failure_ = what;
  if (failures_ <= kReported) ADD_FAILURE() << what;
}

void CrossCheck::after_step() {
  const physics::PhysicsSystem& ph = rig_.physics();
  const std::int64_t t = rig_.now_ns();
  if (t != last_ns_ + PlantRig::kStep_ns) fail("the cross-check missed steps: it must see every one");
  last_ns_ = t;
  double vlo = 1e9, vhi = -1e9, tlo = 1e9, thi = -1e9;
  for (std::size_t g : groups_) {
    const double v = 1000.0 * ph.group_voltage_V(g);
    vlo = std::min(vlo, v);
    vhi = std::max(vhi, v);
  }
  for (std::size_t c : sensed_cells_) {
    const double temp = ph.cells().temperature_C[c];
    tlo = std::min(tlo, temp);
    thi = std::max(thi, temp);
  }
  cell_min_lo_.push(t, vlo);
  cell_min_hi_.push(t, vlo);
  cell_max_lo_.push(t, vhi);
  cell_max_hi_.push(t, vhi);
  temp_min_lo_.push(t, tlo);
  temp_min_hi_.push(t, tlo);
  temp_max_lo_.push(t, thi);
  temp_max_hi_.push(t, thi);
  temp_lo_ever_ = std::min(temp_lo_ever_, tlo);
  temp_hi_ever_ = std::max(temp_hi_ever_, thi);

  const hw::Board& master = rig_.plant().board(measured_.master());
  const auto& st = master.last_status();
  if (!master.powered() || !st || st->cell_min_mV <= 0 || st->temp_min_dC > st->temp_max_dC) return;
  ++compared_;
  const auto check = [&](const char* what, double fw, double lo, double hi, double bound, double& worst) {
    const double err = std::max({0.0, lo - fw, fw - hi});
    worst = std::max(worst, err / bound);
    if (err > bound) {
      std::ostringstream m;
      m << "at " << t / 1'000'000 << " ms the firmware's " << what << " " << fw << " lies " << err
        << " outside the physics' range [" << lo << ", " << hi << "] (bound " << bound << ")";
      fail(m.str());
    }
  };
  check("cell_min_mV", st->cell_min_mV, cell_min_lo_.value(), cell_min_hi_.value(),
        cell_bound_mV(cell_min_hi_.value()), worst_cell_);
  check("cell_max_mV", st->cell_max_mV, cell_max_lo_.value(), cell_max_hi_.value(),
        cell_bound_mV(cell_max_hi_.value()), worst_cell_);
  const double residual = std::exp(-5.0) * (temp_hi_ever_ - temp_lo_ever_);
  const auto tbound = [&](double lo, double hi) {
    return std::max(temp_bound_C(lo), temp_bound_C(hi)) + residual;
  };
  check("temp_min (C)", st->temp_min_dC / 10.0, temp_min_lo_.value(), temp_min_hi_.value(),
        tbound(temp_min_lo_.value(), temp_min_hi_.value()), worst_temp_);
  check("temp_max (C)", st->temp_max_dC / 10.0, temp_max_lo_.value(), temp_max_hi_.value(),
        tbound(temp_max_lo_.value(), temp_max_hi_.value()), worst_temp_);
}

}  // namespace stacksim::sim::testing
