// The inverter's part of a run's outputs: its signals.csv columns and the
// "inverter" section of summary.json (docs/inverter.md lists both).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "inverter/inverter.hpp"
#include "inverter/inverter_report.hpp"

namespace stacksim::sim {

// ",inv_demand_A,..." (site columns too with a site).
std::string inverter_csv_header(bool site);
// The same columns for the inverter's present state, fixed decimals.
std::string inverter_csv_fields(const inverter::Inverter& inverter);

nlohmann::ordered_json inverter_json(const inverter::InverterReport& report);

}  // namespace stacksim::sim
