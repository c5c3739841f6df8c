// Real product data for the hardware tests: a system from configs/, its
// physics, and its hardware file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "hw/board_spec.hpp"
#include "physics/system.hpp"
#include "sim/hardware_file.hpp"
#include "sim/system_config.hpp"
#include "util/diagnostics.hpp"

namespace stacksim::hw::testing {

inline const std::filesystem::path kDataDir(STACKSIM_DATA_DIR);

struct Rig {
  sim::SystemConfig config;
  HardwareSpec hardware;
  std::unique_ptr<physics::PhysicsSystem> physics;
};

// `modules_override` > 0 replaces the modules per string (HV only), to build
// strings the product does not sell (below the DC/DC's input range).
inline Rig make_rig(const std::string& system, std::size_t modules_override = 0, double soc = 0.5) {
  Rig rig;
  Diagnostics diags;
  auto cfg = sim::load_system_config(kDataDir, system, diags);
  EXPECT_TRUE(cfg) << diags.format();
  rig.config = *cfg;
  auto hw = sim::load_hardware_file(kDataDir, cfg->product.name, diags);
  EXPECT_TRUE(hw) << diags.format();
  rig.hardware = *hw;
  physics::SystemLayout layout = cfg->layout();
  if (modules_override > 0) {
    for (auto& b : layout.branches) b.modules.resize(modules_override, b.modules.front());
  }
  rig.physics = std::make_unique<physics::PhysicsSystem>(layout, 7);
  rig.physics->set_ambient_C(25.0);
  for (std::size_t b = 0; b < rig.physics->branch_count(); ++b) {
    rig.physics->set_branch_temperature_C(b, 25.0);
    rig.physics->set_branch_soc(b, soc);
  }
  // Contactors start open (the boards open their branches too); one
  // open-circuit step fills in every voltage view.
  for (std::size_t b = 0; b < rig.physics->branch_count(); ++b) rig.physics->set_branch_closed(b, false);
  rig.physics->step(1'000'000, physics::TerminalCommand::current(0.0));
  return rig;
}

}  // namespace stacksim::hw::testing
