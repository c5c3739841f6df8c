// Parameters of one LFP cell type, in SI units. Filled from models/cells/*.json
// by the simulator's loader; physics never reads files.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "physics/lut.hpp"

namespace stacksim::physics {

inline constexpr double kGasConstant_J_per_molK = 8.314462618;
inline constexpr double kZeroCelsius_K = 273.15;

// Open-circuit voltage on a uniform SOC grid. For each interval the value at
// its left end and the slope are stored side by side so one index gives all
// three quantities the step needs.
struct OcvTable {
  struct Node {
    double u_V;          // mean of charge and discharge branches at reference T
    double du_V;         // slope per grid step
    double dudt_V_per_K; // entropic coefficient
    double ddudt;
    double half_gap_V;   // hysteresis: branch = mean +- half_gap
    double dhalf_gap;
  };
  std::vector<Node> nodes;  // one per interval; nodes.size() intervals
  // (u_V, du_V) of each interval side by side: all the per-step kernel reads.
  std::vector<double> u_and_slope;
  double intervals_per_soc = 0.0;
  double reference_temperature_C = 25.0;
  // Enthalpy per unit SOC, integral of (U - T_ref*dU/dT) dSOC from 0, at each
  // grid point (nodes.size() + 1 entries), in V (multiply by capacity in C).
  std::vector<double> enthalpy_V;

  static OcvTable build(const Breakpoints& mean_ocv_V, const Breakpoints& dudt_V_per_K,
                        const Breakpoints& half_gap_V, double reference_temperature_C,
                        std::size_t intervals);

  // Stored energy per coulomb of capacity between SOC 0 and `soc` (V).
  double enthalpy_at(double soc) const;
};

// Series resistance and two RC pairs for one current direction, over
// (SOC, temperature in degC).
struct RcTables {
  UniformTable2D r0_ohm;
  UniformTable2D r1_ohm;
  UniformTable2D tau1_s;
  UniformTable2D r2_ohm;
  UniformTable2D tau2_s;
};

struct ThermalParams {
  double heat_capacity_J_per_K = 0.0;
  double to_ambient_W_per_K = 0.0;    // cell surface straight to air
  double to_neighbour_W_per_K = 0.0;  // each adjacent cell in the module
  double to_module_W_per_K = 0.0;     // cell to its module's housing node
};

// Calendar and cycle fade as power laws continued in "virtual time" when the
// stress changes (BLAST-Lite / SimSES style; physics.md section 6).
struct AgeingParams {
  bool enabled = true;
  double reference_temperature_C = 25.0;
  // Calendar: loss = k * f_T * f_SOC * t_days^z.
  double calendar_k_per_day_pow = 0.0;
  double calendar_exponent = 0.5;
  double calendar_activation_J_per_mol = 0.0;
  double calendar_soc_cubic = 0.0;  // f_SOC = 1 + c*(SOC-0.5)^3
  // Cycle: loss = k * f_T * f_C * f_DOD * EFC^z, EFC on the cell's present capacity.
  double cycle_k_per_efc_pow = 0.0;
  double cycle_exponent = 0.55;
  double cycle_activation_J_per_mol = 0.0;
  double cycle_c_rate_slope = 0.0;      // f_C = (1 + s*C) / (1 + s*C_ref)
  double cycle_reference_c_rate = 0.5;
  double cycle_dod_cubic = 0.0;         // f_DOD = (c*(DOD-0.6)^3 + d) / (same at DOD_ref)
  double cycle_dod_offset = 1.0;
  double cycle_reference_dod = 0.8;
  // Resistance growth, linear: dR/R = r_cyc*EFC + r_cal*f_T*f_SOC*t_days, with
  // the calendar law's temperature and SOC factors.
  double resistance_per_efc = 0.0;
  double resistance_per_day = 0.0;
  double update_period_s = 3600.0;
};

// Cell-to-cell production spread, relative standard deviations.
struct SpreadParams {
  double capacity_sigma = 0.0;
  double resistance_sigma = 0.0;
  double self_discharge_sigma = 0.0;  // of the log of the rate (lognormal)
};

struct CellParams {
  std::string name;
  double capacity_Ah = 0.0;
  double coulombic_efficiency = 1.0;  // charge direction
  double self_discharge_per_s = 0.0;  // fraction of capacity, at reference T
  double self_discharge_activation_J_per_mol = 0.0;
  double hysteresis_rate = 0.0;  // gamma: branch switch after ~3/gamma of SOC
  OcvTable ocv;
  RcTables charge;
  RcTables discharge;
  ThermalParams thermal;
  AgeingParams ageing;
  SpreadParams spread;
  double min_voltage_V = 0.0;  // the cell maker's limits, for reports only
  double max_voltage_V = 0.0;
};

// exp(-Ea/R * (1/T - 1/T_ref)): how much faster a thermally activated process
// runs at T than at T_ref. Resistances scale with its reciprocal.
double arrhenius_rate(double activation_J_per_mol, double temperature_C,
                 double reference_temperature_C);

}  // namespace stacksim::physics
