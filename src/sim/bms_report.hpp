// What a run reports about its BMS: the firmware's view against the physics'
// ground truth (cross-check), the end state of every unit, and the firmware's
// log as DIR/firmware.log.
#pragma once

#include <filesystem>
#include <vector>

#include "sim/bms_setup.hpp"
#include "sim/observation.hpp"
#include "sim/plant.hpp"
#include "sim/run.hpp"

namespace stacksim::sim {

// The firmware's min/max cell voltage and temperature (its debug status)
// against the physics at the same record instants, per unit. The firmware's
// values are up to one sampling period old; that is part of what is measured.
class CrossCheck {
 public:
  explicit CrossCheck(std::size_t units) : units_(units) {}
  void compare(const Plant& plant, const Sampler& sampler);
  const std::vector<BmsUnitEnd>& units() const { return units_; }

 private:
  std::vector<BmsUnitEnd> units_;
};

BmsSummary summarise_bms(Plant& plant, const BmsSetup& setup, const CrossCheck& cross);

// One line per firmware log message: time in seconds, board, level, text.
bool write_firmware_log(const std::filesystem::path& path, const Plant& plant);

}  // namespace stacksim::sim
