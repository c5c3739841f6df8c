// What a physical system is made of: cell types and how cells form groups,
// modules, branches (strings or packs) and the DC bus that joins the branches.
// Built by the simulator's assembly step from configs/ and models/.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "physics/cell_params.hpp"

namespace stacksim::physics {

struct ModuleLayout {
  std::size_t cell_type = 0;          // index into SystemLayout::cell_types
  std::size_t series_groups = 16;     // groups in series ("cells" as the BMS sees them)
  std::size_t cells_per_group = 1;    // cells in parallel inside a group
  double heat_capacity_J_per_K = 0.0; // housing, busbars, BMS board
  double to_ambient_W_per_K = 0.0;    // housing to air
  double balancing_resistance_ohm = 0.0;  // bleed resistor across each group
};

struct BranchLayout {
  std::string name;                   // stable: seeds the cell spread
  std::vector<ModuleLayout> modules;  // in series, in stacking order
  double resistance_ohm = 0.0;        // cables, fuse, contactors, shunt
  double module_coupling_W_per_K = 0.0;  // between adjacent modules of the stack
};

struct SystemLayout {
  std::vector<CellParams> cell_types;
  std::vector<BranchLayout> branches;  // in parallel on one DC bus
  // Slow-state period: parameters (R, tau as functions of SOC and T), thermal
  // nodes and ageing advance at this period; the electrical state every step.
  double refresh_period_s = 1.0;
};

}  // namespace stacksim::physics
