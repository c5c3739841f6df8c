// Where a board's supply comes from, and when it is there
// (docs/hardware.md, "Board power").
//   BCU (kDcDc): the 12 V DC/DC behind the power switch, fed by the string;
//     on while the switch is closed and the string voltage is inside the
//     converter's input range (GTX3000 manual 5.3.1: 180-750 V).
//   GTX3000 module (kFromBcu): fed by its BCU over the link cable (an
//     assumption: the manual names no module supply), so on while the BCU is.
//   LV pack (kLatched): the battery is always there; the board boots while
//     its button is pressed or (6.5 kWh pack) the wake input sees 45-60 V,
//     and stays on afterwards only while the firmware holds
//     SSIM_OUT_POWER_HOLD. A pack with Link In/Out coding also boots while the
//     previous pack drives its Link In (an assumption: the GTX5000 manual
//     starts a parallel system from the master's button alone, so the link
//     must wake the slaves).
// A supply fault switches any board off.
#pragma once

#include <optional>

namespace stacksim::hw {

enum class PowerMode { kDcDc, kFromBcu, kLatched };

struct WakeSpec {
  double min_V = 45.0;
  double max_V = 60.0;
};

struct SupplySpec {
  PowerMode mode = PowerMode::kLatched;
  double input_min_V = 0.0;       // kDcDc: converter input range
  double input_max_V = 0.0;
  double output_V = 12.0;         // what SSIM_V_SUPPLY reads when on
  double resolution_mV = 10.0;    // of the SSIM_V_SUPPLY measurement
  double gain_sigma = 5.0e-3;     // of the SSIM_V_SUPPLY measurement
  std::optional<WakeSpec> wake;   // kLatched boards with a wake input
};

// Everything the supply depends on at one instant.
struct PowerInputs {
  bool supply_fault = false;
  bool breaker_closed = false;   // kDcDc
  double string_V = 0.0;         // kDcDc: the converter's input
  bool bcu_powered = false;      // kFromBcu
  bool button = false;           // kLatched
  double wake_V = 0.0;           // kLatched
  bool hold = false;             // kLatched: firmware holds the supply
  bool link_wake = false;        // kLatched: Link In driven by the previous pack's coding line
};

// Inclusive at both edges.
inline bool wake_active(double wake_V, const std::optional<WakeSpec>& wake) {
  return wake && wake_V >= wake->min_V && wake_V <= wake->max_V;
}

inline bool supply_available(const SupplySpec& spec, const PowerInputs& in) {
  if (in.supply_fault) return false;
  switch (spec.mode) {
    case PowerMode::kDcDc:
      return in.breaker_closed && in.string_V >= spec.input_min_V && in.string_V <= spec.input_max_V;
    case PowerMode::kFromBcu:
      return in.bcu_powered;
    case PowerMode::kLatched:
      return in.button || wake_active(in.wake_V, spec.wake) || in.hold || in.link_wake;
  }
  return false;
}

}  // namespace stacksim::hw
