// What can be seen of the physical system after a step, for stop conditions,
// records and statistics. Reading never changes the system.
#pragma once

#include <cstdint>
#include <vector>

#include "physics/command.hpp"
#include "physics/system.hpp"

namespace stacksim::sim {

struct UnitView {
  double cell_min_V = 0.0, cell_max_V = 0.0;  // series-group voltages
  double temp_min_C = 0.0, temp_max_C = 0.0;  // cells
};

struct Observation {
  double voltage_V = 0.0;  // system terminals
  double current_A = 0.0;  // positive = charge
  double soc = 0.0;        // charge-weighted over every cell; see Sampler::sample
  UnitView cells;          // extremes over all units
};

// Samples a system after each step. Cell voltages are scanned every step (a
// short peak must not be missed); temperatures only when the physics' slow
// update has moved them; the SOC only when asked for.
class Sampler {
 public:
  explicit Sampler(const physics::PhysicsSystem& system);

  void sample(const physics::TerminalResult& terminals, bool with_soc);
  const Observation& observation() const { return obs_; }
  const UnitView& unit(std::size_t branch) const { return units_[branch]; }

 private:
  const physics::PhysicsSystem& system_;
  Observation obs_;
  std::vector<UnitView> units_;
  std::uint64_t temperatures_at_ = ~std::uint64_t{0};
};

double system_soc(const physics::PhysicsSystem& system);

}  // namespace stacksim::sim
