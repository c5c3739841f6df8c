// The site model (src/inverter/site_model.cpp): curves interpolated as
// written, and every watt-hour booked to exactly one place, checked against
// sums done by hand.
#include "inverter/site_model.hpp"

#include <gtest/gtest.h>

namespace stacksim::inverter {
namespace {

constexpr std::int64_t kHour_ns = 3'600'000'000'000;
constexpr std::int64_t kStart = 1767225600;  // 2026-01-01T00:00:00

scenario::PowerCurve curve(scenario::PowerCurve::Kind kind,
                           std::vector<scenario::PowerCurve::Point> points) {
  scenario::PowerCurve c;
  c.kind = kind;
  c.points = std::move(points);
  return c;
}

TEST(SiteModel, SeriesIsLinearBetweenPointsAndHeldOutside) {
  const auto c = curve(scenario::PowerCurve::Kind::kSeries,
                       {{kHour_ns, 0.0}, {3 * kHour_ns, 4000.0}, {5 * kHour_ns, 0.0}});
  EXPECT_DOUBLE_EQ(power_at(c, 0, 0), 0.0);                        // before the first: held
  EXPECT_DOUBLE_EQ(power_at(c, kHour_ns + kHour_ns / 2, 0), 1000.0);  // a quarter of the way up
  EXPECT_DOUBLE_EQ(power_at(c, 4 * kHour_ns, 0), 2000.0);
  EXPECT_DOUBLE_EQ(power_at(c, 9 * kHour_ns, 0), 0.0);             // after the last: held
}

TEST(SiteModel, DailyCurveWrapsMidnight) {
  const auto c = curve(scenario::PowerCurve::Kind::kDaily,
                       {{2 * kHour_ns, 200.0}, {12 * kHour_ns, 3000.0}, {22 * kHour_ns, 1000.0}});
  EXPECT_DOUBLE_EQ(power_at(c, 0, 7 * kHour_ns), 1600.0);  // half way 02:00 -> 12:00
  EXPECT_DOUBLE_EQ(power_at(c, 0, 0), 600.0);              // half way 22:00 -> 02:00
  EXPECT_DOUBLE_EQ(power_at(c, 0, 23 * kHour_ns), 800.0);  // a quarter of the way
  EXPECT_DOUBLE_EQ(power_at(c, 0, kHour_ns), 400.0);       // three quarters
}

TEST(SiteModel, BatteryTakesThePvSurplusOrTheTariffPowerWhicheverIsMore) {
  SiteModel::Now n{1000.0, 3000.0, true, false, 0.0};
  EXPECT_DOUBLE_EQ(SiteModel::battery_demand_W(n), 2000.0);
  n.tariff = true;
  n.tariff_charge_W = 2500.0;
  EXPECT_DOUBLE_EQ(SiteModel::battery_demand_W(n), 2500.0);
  n.pv_W = 0.0;
  n.tariff_charge_W = 0.0;  // a 0 W window holds the battery
  EXPECT_DOUBLE_EQ(SiteModel::battery_demand_W(n), 0.0);
  n.tariff = false;
  EXPECT_DOUBLE_EQ(SiteModel::battery_demand_W(n), -1000.0);
}

TEST(SiteModel, WindowsOfTheSiteFollowTheCalendar) {
  scenario::SiteSetup s;
  s.load = curve(scenario::PowerCurve::Kind::kConstant, {{0, 500.0}});
  s.pv = curve(scenario::PowerCurve::Kind::kConstant, {{0, 0.0}});
  s.grid_outages = {{10 * kHour_ns, 11 * kHour_ns}};
  s.tariffs = {{{23 * kHour_ns, 5 * kHour_ns}, 3000.0}};
  const SiteModel site(s, kStart);
  EXPECT_DOUBLE_EQ(site.at(0).tariff_charge_W, 3000.0);  // 00:00, inside 23:00-05:00
  EXPECT_TRUE(site.at(0).tariff);
  EXPECT_FALSE(site.at(6 * kHour_ns).tariff);            // 06:00
  EXPECT_TRUE(site.at(10 * kHour_ns - 1).grid);
  EXPECT_FALSE(site.at(10 * kHour_ns).grid);
  EXPECT_TRUE(site.at(11 * kHour_ns).grid);
  // A tariff window needs the grid: 23:30 on day 1 during an outage.
  scenario::SiteSetup down = s;
  down.grid_outages = {{23 * kHour_ns, 24 * kHour_ns}};
  EXPECT_FALSE(SiteModel(down, kStart).at(23 * kHour_ns + kHour_ns / 2).tariff);
}

TEST(SiteModel, EveryWattHourIsBookedOnce) {
  scenario::SiteSetup s;
  s.export_limit_W = 300.0;
  SiteModel site(s, kStart);
  // 1 h: PV 3 kW, load 1 kW, battery takes 1.5 kW -> 500 W surplus: 300 W
  // exported, 200 W curtailed.
  site.account({1000.0, 3000.0, true, false, 0.0}, 1500.0, kHour_ns);
  // 1 h: load 2 kW, battery gives 500 W, grid up -> 1.5 kW imported.
  site.account({2000.0, 0.0, true, false, 0.0}, -500.0, kHour_ns);
  // 1 h the same with the grid down -> 1.5 kW unserved.
  site.account({2000.0, 0.0, false, false, 0.0}, -500.0, kHour_ns);
  // 1 h grid down, PV 1 kW, load 200 W, battery takes 300 W -> 500 W curtailed.
  site.account({200.0, 1000.0, false, false, 0.0}, 300.0, kHour_ns);
  const SiteEnergies& e = site.energies();
  EXPECT_DOUBLE_EQ(e.load_Wh, 1000.0 + 2000.0 + 2000.0 + 200.0);
  EXPECT_DOUBLE_EQ(e.pv_Wh, 3000.0 + 1000.0);
  EXPECT_DOUBLE_EQ(e.grid_export_Wh, 300.0);
  EXPECT_DOUBLE_EQ(e.grid_import_Wh, 1500.0);
  EXPECT_DOUBLE_EQ(e.unserved_Wh, 1500.0);
  EXPECT_DOUBLE_EQ(e.curtailed_Wh, 200.0 + 500.0);
  EXPECT_EQ(e.grid_down_ns, 2 * kHour_ns);
  // The balance: PV + import + unserved = load + battery + export + curtailed.
  const double battery_Wh = 1500.0 - 500.0 - 500.0 + 300.0;
  EXPECT_DOUBLE_EQ(e.pv_Wh + e.grid_import_Wh + e.unserved_Wh,
                   e.load_Wh + battery_Wh + e.grid_export_Wh + e.curtailed_Wh);
}

}  // namespace
}  // namespace stacksim::inverter
