// The DC fuse: an I^2 t model (docs/hardware.md, "Fuse"). Only current above
// the rated current heats the element: the excess (I^2 - In^2) dt adds up,
// and the sum cools exponentially while the current is at or below the
// rating. The fuse blows when the sum reaches the melting I^2 t. This keeps
// the two facts a BMS test needs: the fuse never blows at or below its
// rating, and a short circuit clears in I^2t / I^2 seconds.
#pragma once

#include <cstdint>

namespace stacksim::hw {

struct FuseSpec {
  double rated_current_A = 63.0;
  double melting_i2t_A2s = 2500.0;
  double cooling_time_constant_s = 60.0;
};

class Fuse {
 public:
  explicit Fuse(const FuseSpec& spec) : spec_(spec) {}

  const FuseSpec& spec() const { return spec_; }
  // `current_A` flowed for dt_ns. True if the fuse blew now.
  bool pass(double current_A, std::int64_t dt_ns);
  bool blown() const { return blown_; }
  double heat_A2s() const { return heat_A2s_; }
  void blow() { blown_ = true; }     // fault hook
  void replace() { blown_ = false; heat_A2s_ = 0.0; }

 private:
  FuseSpec spec_;
  double heat_A2s_ = 0.0;
  bool blown_ = false;
};

}  // namespace stacksim::hw
