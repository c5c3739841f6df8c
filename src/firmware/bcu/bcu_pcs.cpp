// The BCU's part of the PCS link (pcs/pcs_link.hpp): its report, from the app
// and its modules' reports, and its cells for per-cell inquiries.
#include "bcu/bcu_bms.hpp"
#include "bcu/bcu_pcs.hpp"
#include "pcs/pcs_fill.hpp"

namespace stacksim::fw {

int BcuCellSource::module_cells(std::uint16_t module, std::uint16_t* mV, int max) const {
  if (module >= kMaxModules || !poller_.has_report(module)) return 0;
  const ibus::Report& r = poller_.report(module);
  int n = 0;
  for (; n < max && n < r.cells; ++n) mV[n] = r.cell_mV[static_cast<std::size_t>(n)];
  return n;
}

int BcuCellSource::module_temperatures(std::uint16_t module, std::int16_t* dC, int max) const {
  if (module >= kMaxModules || !poller_.has_report(module)) return 0;
  const ibus::Report& r = poller_.report(module);
  int n = 0;
  for (; n < max && n < r.temps; ++n) dC[n] = r.temp_dC[static_cast<std::size_t>(n)];
  return n;
}

PcsReport BcuBms::pcs_unit_report() const {
  PcsReport r;
  // A parallel slave leaves the PCS to its master.
  // Running: a slave's report goes to its master (parallel/follow.hpp).
  const bool talks = app_.phase() == BmsApp::Phase::kRunning;
  fill_from_app(app_, pcs_meanings_, snapshot_, pcs_nominal_mAh_, talks, r);
  r.modules_in_series = modules_;
  PcsScan scan;
  bool balancing = false;
  for (std::size_t i = 0; i < modules_; ++i) {
    if (!poller_.has_report(i)) continue;
    const ibus::Report& m = poller_.report(i);
    scan.module_cells(m.cell_mV.data(), m.cells);
    scan.module_temperatures(m.temp_dC.data(), m.temps);
    balancing = balancing || m.balancing_mask != 0;
  }
  scan.apply(r);
  r.series_cells = r.cell_count;
  r.balancing = balancing;
  return r;
}

}  // namespace stacksim::fw
