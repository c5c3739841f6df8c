// A household site around the inverter (scenario "site", docs/inverter.md):
// load and PV over time, grid outages, tariff windows that charge from the
// grid, an export limit. It says what the battery should take each step and
// books where the energy went once the step has run.
//
// Battery power (charge +) = PV - load; inside a tariff window with the grid
// up, at least the window's charge power (a window of 0 W holds the battery:
// no discharge while the grid is cheap). What the battery did not take or
// give goes to the grid: imported, or exported up to the export limit (the
// rest of a PV surplus is curtailed); with the grid down a deficit is
// unserved load and a surplus is curtailed.
#pragma once

#include <cstdint>

#include "scenario/inverter_section.hpp"

namespace stacksim::inverter {

// The curve's power at `t_ns` since 0 s (`time_of_day_ns` for daily curves).
double power_at(const scenario::PowerCurve& curve, std::int64_t t_ns, std::int64_t time_of_day_ns);

struct SiteEnergies {
  double load_Wh = 0.0;
  double pv_Wh = 0.0;
  double grid_import_Wh = 0.0;
  double grid_export_Wh = 0.0;
  double unserved_Wh = 0.0;   // load not supplied while the grid was down
  double curtailed_Wh = 0.0;  // PV neither used, stored nor exported
  std::int64_t grid_down_ns = 0;
};

class SiteModel {
 public:
  SiteModel(const scenario::SiteSetup& site, std::int64_t start_epoch_s)
      : site_(site), start_epoch_s_(start_epoch_s) {}

  struct Now {
    double load_W = 0.0;
    double pv_W = 0.0;
    bool grid = true;
    bool tariff = false;           // inside a tariff window with the grid up
    double tariff_charge_W = 0.0;
  };
  Now at(std::int64_t now_ns) const;
  // What the site wants the battery to take (charge +).
  static double battery_demand_W(const Now& n);
  // Books a step of `dt_ns` in which the battery took `battery_W`.
  void account(const Now& n, double battery_W, std::int64_t dt_ns);
  // Grid power of that booking: + import, - export.
  static double grid_W(const Now& n, double battery_W, double export_limit_W);
  const SiteEnergies& energies() const { return energies_; }
  double export_limit_W() const;

 private:
  scenario::SiteSetup site_;
  std::int64_t start_epoch_s_;
  SiteEnergies energies_;
};

}  // namespace stacksim::inverter
