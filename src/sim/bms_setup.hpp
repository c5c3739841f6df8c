// The BMS side of a run, loaded and checked before anything runs: the
// product's hardware (models/hardware), its firmware calibration
// (models/firmware) with the scenario's overrides, and which firmware runs on
// each kind of board.
#pragma once

#include <filesystem>
#include <optional>

#include "hw/board_spec.hpp"
#include "scenario/scenario.hpp"
#include "sim/firmware_params_file.hpp"
#include "sim/plant.hpp"
#include "sim/system_config.hpp"
#include "util/diagnostics.hpp"

namespace stacksim::sim {

struct BmsSetup {
  hw::HardwareSpec hardware;
  FirmwareParams params;  // overrides applied
  FirmwareSet firmware;
  std::int64_t start_hold_ns = 0;  // how long the operator holds the start button
  std::vector<std::size_t> swapped_links;  // 0-based units (Plant), from bms.swapped_link_cables
};

// Firmware given on the command line (--firmware ROLE=PATH), per role; the
// built-in reference firmware for the others.
struct FirmwareChoice {
  std::optional<FirmwareImage> module, bcu, pack;
};

// Roles the system's boards have ("bcu", "module" for a GTX3000; "pack").
std::vector<std::string> roles_of(const SystemConfig& config);

std::optional<BmsSetup> load_bms_setup(const std::filesystem::path& data_dir,
                                       const SystemConfig& config,
                                       const scenario::Scenario& scenario,
                                       const FirmwareChoice& choice, Diagnostics& diags);

}  // namespace stacksim::sim
