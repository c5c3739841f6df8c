// The BCU's cells as the PCS link sees them: each module's last report.
#pragma once

#include "bcu/module_poller.hpp"
#include "pcs/pcs_profile.hpp"

namespace stacksim::fw {

class BcuCellSource final : public PcsCellSource {
 public:
  explicit BcuCellSource(const ModulePoller& poller) : poller_(poller) {}
  int module_cells(std::uint16_t module, std::uint16_t* mV, int max) const override;
  int module_temperatures(std::uint16_t module, std::int16_t* dC, int max) const override;

 private:
  const ModulePoller& poller_;
};

}  // namespace stacksim::fw
