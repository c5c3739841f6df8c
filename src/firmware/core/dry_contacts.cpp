#include "core/dry_contacts.hpp"

namespace stacksim::fw {

bool DryContacts::configure(const ParamSet& p) {
  bool ok = true;
  for (int c = 0; c < 2; ++c) {
    const std::int32_t v = p.require("dry.", c + 1, ".meaning");
    if (v < 0 || v > 2) {
      ok = false;
      meaning_[static_cast<std::size_t>(c)] = DryMeaning::kNone;
    } else {
      meaning_[static_cast<std::size_t>(c)] = static_cast<DryMeaning>(v);
    }
  }
  return ok && p.has("dry.1.meaning") && p.has("dry.2.meaning");
}

std::array<int, 2> DryContacts::outputs(bool charge_allowed, bool discharge_allowed) const {
  std::array<int, 2> out{0, 0};
  for (std::size_t c = 0; c < 2; ++c) {
    switch (meaning_[c]) {
      case DryMeaning::kProhibitCharge: out[c] = charge_allowed ? 0 : 1; break;
      case DryMeaning::kProhibitDischarge: out[c] = discharge_allowed ? 0 : 1; break;
      case DryMeaning::kNone: break;
    }
  }
  return out;
}

void DryContacts::apply(const ssim_hal* hal, bool charge_allowed, bool discharge_allowed) const {
  const auto out = outputs(charge_allowed, discharge_allowed);
  hal->write_output(hal->ctx, SSIM_OUT_DRY1, out[0]);
  hal->write_output(hal->ctx, SSIM_OUT_DRY2, out[1]);
}

}  // namespace stacksim::fw
