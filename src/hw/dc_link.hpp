// The inverter's DC-link capacitance, shared by every branch on one DC bus
// (one object per system).
//
// While any branch's main path is closed the link is the bus: its voltage is
// the mean of the closed branches' voltages, as physics computes the bus.
// While all main paths are open, each branch whose pre-charge path is closed
// (pre-charge relay + negative contactor) charges it through its pre-charge
// resistor, and the inverter's bleed resistor discharges it; over a step the
// link follows the exact exponential of that RC circuit toward the parallel
// Thevenin voltage of all those paths. The charge drawn through the
// pre-charge resistors is not taken from the cells (C*V is under 1 As,
// against the cells' 180 kAs).
//
// Order in a step: boards' update() reports paths (phase 1), physics steps,
// then advance(dt) (phase 3, before the boards sample).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "physics/system.hpp"

namespace stacksim::hw {

struct DcLinkSpec {
  double capacitance_F = 1.0e-3;
  double bleed_resistance_ohm = 1.0e5;     // 0: no bleed
  // Closing a main path across more than this fraction of the branch
  // voltage is an inrush event (pre-charge is "done" at 95 %).
  double inrush_threshold_fraction = 0.05;
};

class DcLink {
 public:
  DcLink(const DcLinkSpec& spec, const physics::PhysicsSystem& physics);

  const DcLinkSpec& spec() const { return spec_; }
  // A branch's paths for the coming step. precharge_ohm: +inf when the
  // resistor has failed open.
  void set_paths(std::size_t branch, bool main_closed, bool precharge_closed, double precharge_ohm);
  void advance(std::int64_t dt_ns);

  double voltage_V() const { return voltage_V_; }
  void set_voltage_V(double v) { voltage_V_ = v; }  // set-up: a charged link at start
  bool bus_closed() const { return main_closed_count_ > 0; }
  // Through the branch's pre-charge resistor at the end of the last step;
  // + into the battery.
  double precharge_current_A(std::size_t branch) const { return precharge_A_[branch]; }

  std::uint64_t inrush_count() const { return inrush_count_; }
  double peak_inrush_dV() const { return peak_inrush_dV_; }
  // |V_branch - V_link| the last time the branch's main path closed.
  double last_closing_dV(std::size_t branch) const { return last_closing_dV_[branch]; }

 private:
  struct Path {
    bool main = false, precharge = false;
    double precharge_ohm = 0.0;
  };

  DcLinkSpec spec_;
  const physics::PhysicsSystem& physics_;
  std::vector<Path> paths_;
  std::vector<double> precharge_A_, last_closing_dV_;
  std::size_t main_closed_count_ = 0;
  double voltage_V_ = 0.0;
  std::uint64_t inrush_count_ = 0;
  double peak_inrush_dV_ = 0.0;
  // exp(-dt/tau) of the last step, reused while dt and the paths stay.
  double cached_g_ = -1.0, cached_alpha_ = 0.0;
  std::int64_t cached_dt_ns_ = -1;
};

}  // namespace stacksim::hw
