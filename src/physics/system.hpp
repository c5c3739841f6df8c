// The physical system: every cell of every branch, stepped together.
//
// State is kept as structure-of-arrays over all cells so that the per-step
// kernel is one branch-free loop (cell_kernel.cpp). Slow quantities (R and tau
// over SOC and T, temperatures, ageing) advance on a fixed period of simulated
// time aligned to multiples of that period, so results do not depend on the
// electrical step size beyond the tolerances the tests state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "physics/command.hpp"
#include "physics/layout.hpp"

namespace stacksim::physics {

// Per-cell state and cached coefficients (SoA). Index = global cell index.
struct CellArrays {
  // State.
  std::vector<double> soc, v1_V, v2_V, hyst, temperature_C;
  // Last step's results.
  std::vector<double> current_A, voltage_V;
  // Heat released since the last slow update.
  std::vector<double> heat_J;
  // Coefficients for the present dt of the direction in use (R0, the RC
  // pairs' decay a, gain b = R(1-a) and conductance g = 1/R, coulombic
  // efficiency), refreshed on the slow period and when a cell's current
  // changes sign; at rest a cell keeps the set of its last direction.
  std::vector<double> r0, a1, b1, g1, a2, b2, g2, eta;
  std::vector<double> direction;       // +1 charge set in use, -1 discharge
  std::vector<double> soc_per_As;      // 1 / capacity in coulomb
  std::vector<double> capacity_As;     // present capacity in coulomb
  std::vector<double> sd_current_A;    // self-discharge as an internal current
  // Slow parts of the OCV, at the cell's SOC and T of the last slow update:
  std::vector<double> ocv_shift_V;        // (T - T_ref) * dU/dT
  std::vector<double> reversible_heat_V;  // T * dU/dT (T in K): heat per ampere
  std::vector<double> half_gap_V;         // hysteresis half-gap
  // Thevenin view of the cell for the next step: V = e + z*I (z = r0+b1+b2
  // of the set in use).
  std::vector<double> e_V, z_ohm;

  void resize(std::size_t n);
};

// Per-cell ageing and spread (slow, not touched by the kernel).
struct CellAgeing {
  double capacity_Ah = 0.0;     // as built (with spread)
  double resistance_factor = 1.0;  // spread
  double self_discharge_factor = 1.0;
  double leakage_A = 0.0;       // a soft internal short (a fault), on top of self-discharge
  double calendar_loss = 0.0;   // fractions of as-built capacity
  double cycle_loss = 0.0;
  double resistance_growth = 0.0;
  double efc = 0.0;             // equivalent full cycles so far
  double days = 0.0;            // calendar time so far
  // Half-cycle tracking for depth of discharge.
  double soc_turn = 0.5;
  double soc_extreme = 0.5;
  int direction = 0;
  double last_dod = -1.0;       // < 0: no half-cycle completed yet
  // Accumulated over the present ageing window.
  double window_s = 0.0, window_charge_As = 0.0, window_sq_current_A2s = 0.0;
  double window_calendar_stress_s = 0.0;  // integral of f_T * f_SOC dt
  double window_temperature_Cs = 0.0;

  double capacity_now_Ah() const { return capacity_Ah * (1.0 - calendar_loss - cycle_loss); }
};

struct GroupInfo {
  std::size_t first_cell = 0;
  std::size_t cells = 1;
  std::size_t module = 0;
};

struct ModuleInfo {
  std::size_t branch = 0;
  std::size_t first_group = 0, groups = 0;
  std::size_t first_cell = 0, cells = 0;
  ModuleLayout layout;
};

struct BranchInfo {
  std::size_t first_module = 0, modules = 0;
  std::size_t first_group = 0, groups = 0;
  std::size_t first_cell = 0, cells = 0;
};

class PhysicsSystem {
 public:
  // `seed` draws the cell-to-cell spread; the same seed gives the same pack.
  PhysicsSystem(SystemLayout layout, std::uint64_t seed);

  // --- Set-up (before the first step, or between steps) ---
  void set_branch_soc(std::size_t branch, double soc);
  void set_cell_soc(std::size_t cell, double soc);
  void set_branch_temperature_C(std::size_t branch, double temperature_C);
  // One module of a string (its cells, and its housing for the temperature).
  void set_module_soc(std::size_t module, double soc);
  void set_module_temperature_C(std::size_t module, double temperature_C);
  void set_ambient_C(double temperature_C);
  void set_module_ambient_C(std::size_t module, double temperature_C);
  // Faults of a scenario's timeline: a soft internal short drawing `amps`
  // inside the cell; a weak cell whose capacity is scaled by `factor` (its
  // SOC, the charged fraction, is kept).
  void set_cell_leakage_A(std::size_t cell, double amps);
  void scale_cell_capacity(std::size_t cell, double factor);
  // A 0 V cell (a cell that has shorted internally, or sat deeply
  // over-discharged): its charge moves to where its open-circuit voltage,
  // extrapolated below the OCV table at the end segment's slope (docs/
  // physics.md 4.4), is 0 V, with its polarisation and hysteresis at rest.
  // Charging lifts it along that slope; discharging reverses it, as a dead
  // cell in a series string is driven negative.
  void collapse_cell(std::size_t cell);
  // Hysteresis state in [-1, 1]: +1 after charging, -1 after discharging.
  void set_hysteresis(double h);

  // --- Actuators (the hardware layer drives these) ---
  // How a branch's switches let current through. The one-way states model a
  // switch bridged by a diode: a MOSFET pair with one FET off (its body diode
  // still conducts the other way), or the BCU's charge blocking circuit. The
  // diode is ideal (no forward drop): the solver decides each step whether a
  // one-way branch conducts, so that it never carries current the wrong way.
  enum class Conduction : std::uint8_t { kOpen, kClosed, kDischargeOnly, kChargeOnly };
  void set_branch_conduction(std::size_t branch, Conduction c);
  void set_branch_closed(std::size_t branch, bool closed) {
    set_branch_conduction(branch, closed ? Conduction::kClosed : Conduction::kOpen);
  }
  void set_balancing(std::size_t group, bool on);

  // --- Step ---
  TerminalResult step(std::int64_t dt_ns, const TerminalCommand& command);

  // --- Read-only views (sampling never changes state) ---
  std::int64_t time_ns() const { return time_ns_; }
  // Counts slow updates: temperatures and capacities change only when it does.
  std::uint64_t slow_updates() const { return slow_updates_; }
  std::size_t cell_count() const { return cells_.soc.size(); }
  std::size_t group_count() const { return groups_.size(); }
  std::size_t module_count() const { return modules_.size(); }
  std::size_t branch_count() const { return branches_.size(); }
  const SystemLayout& layout() const { return layout_; }
  const CellArrays& cells() const { return cells_; }
  const CellAgeing& ageing(std::size_t cell) const { return ageing_[cell]; }
  const GroupInfo& group(std::size_t g) const { return groups_[g]; }
  const ModuleInfo& module(std::size_t m) const { return modules_[m]; }
  const BranchInfo& branch(std::size_t b) const { return branches_[b]; }
  const CellParams& cell_type(std::size_t cell) const;

  double group_voltage_V(std::size_t g) const {
    const GroupInfo& gi = groups_[g];
    return gi.cells == 1 ? cells_.voltage_V[gi.first_cell] : group_voltage_V_[g];
  }
  double group_soc(std::size_t g) const;
  bool balancing(std::size_t g) const { return balancing_[g] != 0; }
  double module_temperature_C(std::size_t m) const { return module_temperature_C_[m]; }
  double module_ambient_C(std::size_t m) const { return module_ambient_C_[m]; }
  // Whether the branch carried current in the last step (a one-way branch
  // whose diode blocked did not).
  bool branch_closed(std::size_t b) const { return branch_closed_[b] != 0; }
  Conduction branch_conduction(std::size_t b) const { return branch_conduction_[b]; }
  double branch_current_A(std::size_t b) const { return branch_current_A_[b]; }
  double branch_voltage_V(std::size_t b) const { return branch_voltage_V_[b]; }
  // Charge-weighted mean SOC of the branch's cells: the ground truth.
  double branch_soc(std::size_t b) const;
  double branch_capacity_Ah(std::size_t b) const;  // weakest series group
  // Thevenin view of the branch for a current held over the next step:
  // V = E + Z*I (E includes the bleed currents, Z the branch resistance).
  void branch_thevenin(std::size_t b, double& e_V, double& z_ohm) const {
    branch_thevenin(b, e_V, z_ohm, nullptr, nullptr);
  }
  // Energy dissipated in the bleed resistors and branch resistances so far.
  double external_heat_J() const { return external_heat_J_; }
  // Heat released in cells so far (includes heat already passed to nodes).
  double cell_heat_total_J() const;
  // Stored energy of one cell relative to SOC 0 (enthalpy, J).
  double cell_stored_energy_J(std::size_t cell) const;

 private:
  void build_topology();
  void set_cells_soc(std::size_t first, std::size_t count, double soc);
  void draw_spread(std::uint64_t seed);
  void refresh_coefficients();           // R, tau, dt-dependent factors
  void refresh_thevenin();               // e, z from state, for the next step
  void slow_update(double elapsed_s);    // thermal, ageing, then coefficients
  void thermal_update(double elapsed_s);
  void ageing_accumulate(double elapsed_s);
  void ageing_apply();
  // Also stores each group's own view when given somewhere to put it.
  void branch_thevenin(std::size_t b, double& e, double& z, double* group_e, double* group_z) const;
  void update_bleed();
  void solve_branch_currents(const TerminalCommand& command, TerminalResult& result);
  // solve_branch_currents with the one-way branches settled (one_way.cpp).
  void solve_with_one_way(const TerminalCommand& command, TerminalResult& result);
  bool one_way_wants_to_conduct(std::size_t b, const TerminalCommand& command, bool bus_known);
  void distribute_currents();
  bool select_directions();  // true if any cell changed its parameter set
  void load_set(std::size_t c, bool charge);  // a direction's coefficients at the cell's SOC, T
  void run_cell_kernel();
  void collect_outputs(TerminalResult& result);

  SystemLayout layout_;
  std::vector<std::size_t> cell_type_of_, group_of_cell_;
  std::vector<GroupInfo> groups_;
  std::vector<ModuleInfo> modules_;
  std::vector<BranchInfo> branches_;
  CellArrays cells_;
  std::vector<CellAgeing> ageing_;

  struct KernelRange {
    std::size_t first, count, type;
  };
  std::vector<KernelRange> kernel_ranges_;
  std::vector<double> group_voltage_V_, group_bleed_A_, group_e_V_, group_z_ohm_;
  std::vector<char> balancing_;
  std::vector<double> module_temperature_C_, module_ambient_C_, module_heat_J_;
  std::vector<double> thermal_scratch_, module_scratch_;  // previous temperatures
  std::vector<double> decay_scratch_;
  std::vector<char> branch_closed_;  // conducting in this step
  std::vector<Conduction> branch_conduction_;
  std::size_t one_way_count_ = 0;
  double bus_V_ = 0.0;  // of the last solve with a closed branch
  std::vector<double> branch_current_A_, branch_voltage_V_;
  std::vector<double> branch_e_V_, branch_z_ohm_;  // of the last step that solved the split
  // Cells of a branch share its current (less bleed, split over parallel
  // cells): ageing throughput is counted per branch.
  std::vector<double> branch_abs_charge_As_, branch_sq_current_A2s_;
  std::vector<char> branch_simple_;     // every group a single cell
  std::vector<double> branch_direction_;  // set in use by all its cells: +1, -1, 0 mixed
  std::size_t balancing_count_ = 0;     // switches closed now
  bool bleed_active_ = false;           // some bleed current flows this step
  double max_cell_current_A_ = 0.0;     // this step, bound for the hysteresis series
  double max_soc_per_As_ = 0.0;

  std::int64_t time_ns_ = 0;
  std::int64_t dt_ns_ = 0;              // dt the coefficients were computed for
  std::int64_t refresh_period_ns_ = 0;
  std::int64_t next_refresh_ns_ = 0;
  std::int64_t last_slow_ns_ = 0;
  double dt_s_ = 0.0;
  std::uint64_t slow_updates_ = 0;
  double external_heat_J_ = 0.0;
  double cell_heat_total_J_ = 0.0;
};

}  // namespace stacksim::physics
