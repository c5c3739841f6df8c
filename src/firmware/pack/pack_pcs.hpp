// The LV pack's cells as the PCS link sees them: one module, its own front
// end (cells as last measured, temperatures as the front end has them now).
#pragma once

#include <cstdint>

#include "pcs/pcs_profile.hpp"
#include "stacksim/hal.h"

namespace stacksim::fw {

class PackCellSource final : public PcsCellSource {
 public:
  PackCellSource(const ssim_hal* hal, const std::uint16_t* cell_mV, std::uint16_t cells, std::uint16_t temps)
      : hal_(hal), cell_mV_(cell_mV), cells_(cells), temps_(temps) {}
  int module_cells(std::uint16_t module, std::uint16_t* mV, int max) const override;
  int module_temperatures(std::uint16_t module, std::int16_t* dC, int max) const override;

 private:
  const ssim_hal* hal_;
  const std::uint16_t* cell_mV_;
  std::uint16_t cells_, temps_;
};

}  // namespace stacksim::fw
