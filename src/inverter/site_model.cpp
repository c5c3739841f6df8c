#include "inverter/site_model.hpp"

#include <algorithm>
#include <limits>

#include "inverter/energy_manager.hpp"

namespace stacksim::inverter {
namespace {

using Point = scenario::PowerCurve::Point;

double between(const Point& a, const Point& b, std::int64_t t_ns, std::int64_t span_ns) {
  const double f = static_cast<double>(t_ns - a.at_ns) / static_cast<double>(span_ns);
  return a.power_W + (b.power_W - a.power_W) * f;
}

}  // namespace

double power_at(const scenario::PowerCurve& curve, std::int64_t t_ns, std::int64_t tod_ns) {
  const auto& p = curve.points;
  if (p.size() == 1 || curve.kind == scenario::PowerCurve::Kind::kConstant) return p.front().power_W;
  const bool daily = curve.kind == scenario::PowerCurve::Kind::kDaily;
  const std::int64_t t = daily ? tod_ns : t_ns;
  const auto after = std::upper_bound(p.begin(), p.end(), t,
                                      [](std::int64_t v, const Point& q) { return v < q.at_ns; });
  if (after == p.begin() || after == p.end()) {
    if (!daily) return after == p.begin() ? p.front().power_W : p.back().power_W;
    // Between the last point of one day and the first of the next.
    const Point& a = p.back();
    const Point& b = p.front();
    const std::int64_t since_a = t >= a.at_ns ? t - a.at_ns : t + scenario::kDay_ns - a.at_ns;
    const std::int64_t span = b.at_ns + scenario::kDay_ns - a.at_ns;
    return a.power_W + (b.power_W - a.power_W) * static_cast<double>(since_a) / static_cast<double>(span);
  }
  const Point& a = *(after - 1);
  return between(a, *after, t, after->at_ns - a.at_ns);
}

SiteModel::Now SiteModel::at(std::int64_t now_ns) const {
  const std::int64_t tod = time_of_day_ns(start_epoch_s_, now_ns);
  Now n;
  n.load_W = power_at(site_.load, now_ns, tod);
  n.pv_W = power_at(site_.pv, now_ns, tod);
  for (const auto& w : site_.grid_outages) {
    if (now_ns >= w.from_ns && now_ns < w.to_ns) n.grid = false;
  }
  if (!n.grid) return n;
  for (const auto& t : site_.tariffs) {
    if (!in_daily_window(t.window, tod)) continue;
    n.tariff_charge_W = n.tariff ? std::max(n.tariff_charge_W, t.charge_power_W) : t.charge_power_W;
    n.tariff = true;
  }
  return n;
}

double SiteModel::battery_demand_W(const Now& n) {
  const double surplus_W = n.pv_W - n.load_W;
  return n.tariff ? std::max(surplus_W, n.tariff_charge_W) : surplus_W;
}

double SiteModel::export_limit_W() const {
  return site_.export_limit_W.value_or(std::numeric_limits<double>::infinity());
}

double SiteModel::grid_W(const Now& n, double battery_W, double export_limit_W) {
  const double net_W = n.pv_W - n.load_W - battery_W;  // + surplus
  if (!n.grid) return 0.0;
  return net_W >= 0.0 ? -std::min(net_W, export_limit_W) : -net_W;
}

void SiteModel::account(const Now& n, double battery_W, std::int64_t dt_ns) {
  const double h = static_cast<double>(dt_ns) / 3.6e12;
  const double net_W = n.pv_W - n.load_W - battery_W;
  energies_.load_Wh += n.load_W * h;
  energies_.pv_Wh += n.pv_W * h;
  if (!n.grid) energies_.grid_down_ns += dt_ns;
  const double grid = grid_W(n, battery_W, export_limit_W());
  if (grid > 0.0) energies_.grid_import_Wh += grid * h;
  if (grid < 0.0) energies_.grid_export_Wh -= grid * h;
  if (net_W < 0.0 && !n.grid) energies_.unserved_Wh -= net_W * h;
  if (net_W > 0.0) energies_.curtailed_Wh += (net_W + std::min(grid, 0.0)) * h;
}

}  // namespace stacksim::inverter
