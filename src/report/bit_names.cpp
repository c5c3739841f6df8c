#include "report/bit_names.hpp"

#include <bit>
#include <utility>

#include "stacksim/hal.h"

namespace stacksim::report {

std::span<const std::string> fault_bit_names() {
  // From the header's own constants, so a renumbered diagnosis follows it.
  static const std::vector<std::string> names = [] {
    const std::pair<std::uint32_t, const char*> faults[] = {
        {SSIM_FAULT_AFE, "afe"},
        {SSIM_FAULT_TEMP_SENSOR, "temp_sensor"},
        {SSIM_FAULT_CURRENT_SENSOR, "current_sensor"},
        {SSIM_FAULT_CONTACTOR_WELDED, "contactor_welded"},
        {SSIM_FAULT_CONTACTOR_STUCK_OPEN, "contactor_stuck_open"},
        {SSIM_FAULT_PRECHARGE, "precharge"},
        {SSIM_FAULT_INTERNAL_COMM, "internal_comm"},
        {SSIM_FAULT_PCS_COMM, "pcs_comm"},
        {SSIM_FAULT_FUSE, "fuse"},
        {SSIM_FAULT_SUPPLY, "supply"},
        {SSIM_FAULT_ZERO_VOLT_CELL, "zero_volt_cell"},
        {SSIM_FAULT_ADDRESSING, "addressing"},
        {SSIM_FAULT_PARALLEL, "parallel"}};
    std::vector<std::string> by_bit;
    for (const auto& [mask, name] : faults) {
      const auto bit = static_cast<std::size_t>(std::countr_zero(mask));
      if (by_bit.size() <= bit) by_bit.resize(bit + 1);
      by_bit[bit] = name;
    }
    return by_bit;
  }();
  return names;
}

std::string describe_bits(std::uint32_t bits, std::span<const std::string> names) {
  std::string out;
  for (std::size_t bit = 0; bit < 32; ++bit) {
    if ((bits & (std::uint32_t{1} << bit)) == 0) continue;
    if (!out.empty()) out += ", ";
    out += bit < names.size() && !names[bit].empty() ? names[bit] : "bit " + std::to_string(bit);
  }
  return out;
}

}  // namespace stacksim::report
