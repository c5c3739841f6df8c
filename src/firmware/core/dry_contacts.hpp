// The two output dry contacts and what each one means on a product
// (dry.1.meaning, dry.2.meaning -> SSIM_OUT_DRY1, SSIM_OUT_DRY2). A contact
// closes (output 1) while the direction it stands for is prohibited.
//   GTX3000: 1/2 prohibit discharging, 3/4 prohibit charging
//   GTX5000: NO1/COM1 prohibit charging, NO2/COM2 prohibit discharging
//   GTX2500: 1/2 prohibit charging, 3/4 prohibit discharging
//   lfp65:   none
#pragma once

#include <array>
#include <cstdint>

#include "core/params.hpp"
#include "stacksim/hal.h"

namespace stacksim::fw {

enum class DryMeaning : std::int32_t { kNone = 0, kProhibitCharge = 1, kProhibitDischarge = 2 };

class DryContacts {
 public:
  bool configure(const ParamSet& params);
  // Output states for SSIM_OUT_DRY1 and SSIM_OUT_DRY2.
  std::array<int, 2> outputs(bool charge_allowed, bool discharge_allowed) const;
  void apply(const ssim_hal* hal, bool charge_allowed, bool discharge_allowed) const;
  DryMeaning meaning(int contact) const { return meaning_[static_cast<std::size_t>(contact)]; }

 private:
  std::array<DryMeaning, 2> meaning_{DryMeaning::kNone, DryMeaning::kNone};
};

}  // namespace stacksim::fw
