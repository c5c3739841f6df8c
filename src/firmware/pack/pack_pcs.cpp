// The LV pack's part of the PCS link (pcs/pcs_link.hpp): its report and its
// cells for per-cell frames.
#include "pack/pack_bms.hpp"
#include "pack/pack_pcs.hpp"
#include "pcs/pcs_fill.hpp"

namespace stacksim::fw {

int PackCellSource::module_cells(std::uint16_t module, std::uint16_t* mV, int max) const {
  if (module != 0) return 0;
  int n = 0;
  for (; n < max && n < cells_; ++n) mV[n] = cell_mV_[n];
  return n;
}

int PackCellSource::module_temperatures(std::uint16_t module, std::int16_t* dC, int max) const {
  if (module != 0) return 0;
  int n = 0;
  for (; n < max && n < temps_; ++n) {
    if (hal_->temperature_dC(hal_->ctx, static_cast<std::uint16_t>(n), &dC[n]) != SSIM_OK) dC[n] = 0;
  }
  return n;
}

PcsReport PackBms::pcs_unit_report() const {
  PcsReport r;
  // Running: a slave's report goes to its master (parallel/follow.hpp).
  const bool talks = app_.phase() == BmsApp::Phase::kRunning;
  fill_from_app(app_, pcs_meanings_, snapshot_, pcs_nominal_mAh_, talks, r);
  r.modules_in_series = 1;
  PcsScan scan;
  if (cells_sampled_) scan.module_cells(cell_mV_, cells_);
  std::int16_t dC[SSIM_MAX_TEMPS] = {};
  scan.module_temperatures(dC, pcs_cells_.module_temperatures(0, dC, SSIM_MAX_TEMPS));
  scan.apply(r);
  r.module_count = 1;
  r.series_cells = cells_;
  r.balancing = balancing_mask_ != 0;
  return r;
}

}  // namespace stacksim::fw
