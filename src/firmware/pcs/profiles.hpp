// The battery side of each PCS protocol profile, one .cpp each. Layouts,
// sources and every choice: models/dbc/<profile>.dbc and docs/pcs-protocols.md.
//
//   pylon-lv   (pylon_lv.cpp)    broadcast every 1 s; PCS keep-alive 0x305
//   pylon-hv   (pylon_hv.cpp)    answers the PCS's 0x4200 polls; commands 0x82x0
//   sofar-hv   (sofar_hv.cpp)    broadcast every 1 s; answers 0x605 inquiries
//   growatt-lv (growatt_lv.cpp)  answers each 0x301 with 0x311..0x321
#pragma once

#include <cstdint>

#include "pcs/pcs_profile.hpp"

namespace stacksim::fw {

class PylonLvProfile final : public PcsProfile {
 public:
  PcsRx receive(const ssim_can_frame& frame, PcsContext& ctx) override;
  void tick(PcsContext& ctx) override;

 private:
  BroadcastTimer timer_;
};

class PylonHvProfile final : public PcsProfile {
 public:
  PcsRx receive(const ssim_can_frame& frame, PcsContext& ctx) override;
  void tick(PcsContext&) override {}

 private:
  void answer_ensemble(PcsContext& ctx) const;
  void answer_system_info(PcsContext& ctx) const;
};

class SofarHvProfile final : public PcsProfile {
 public:
  PcsRx receive(const ssim_can_frame& frame, PcsContext& ctx) override;
  void tick(PcsContext& ctx) override;

 private:
  PcsRx inquiry(const ssim_can_frame& frame, PcsContext& ctx) const;
  BroadcastTimer timer_;
};

class GrowattLvProfile final : public PcsProfile {
 public:
  PcsRx receive(const ssim_can_frame& frame, PcsContext& ctx) override;
  void tick(PcsContext&) override {}

 private:
  void answer(PcsContext& ctx) const;
};

}  // namespace stacksim::fw
