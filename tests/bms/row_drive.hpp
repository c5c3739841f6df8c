// One row of a product's protection table (models/firmware/<product>.json,
// read through the simulator's loader) and how a test drives its quantity
// across the row's limits through the real plant: the physics (cell SOC and
// temperature, the terminal current) or the hardware's fault hooks (a cell
// front-end channel offset). Nothing here reads or writes firmware state.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/protection_codes.hpp"
#include "measured.hpp"
#include "plant_fixture.hpp"
#include "sim/firmware_params_file.hpp"

namespace stacksim::sim::testing {

struct RowSpec {
  std::string product;
  int index = 0;
  std::string id;
  fw::Quantity quantity = fw::Quantity::kCellMax_mV;
  bool above = true;
  fw::Applies applies = fw::Applies::kAlways;
  fw::Reaction reaction = fw::Reaction::kStopBoth;
  std::array<std::optional<std::int32_t>, 3> tier;  // warning, alarm, protection (per module on a BCU)
  std::int32_t hysteresis = 0;
  std::int32_t debounce_ms = 0;
  std::int32_t delay_ms = 0;

  // The manuals' meaning of the reactions: which direction the row stops.
  bool blocks_charge() const { return reaction != fw::Reaction::kStopDischarge; }
  bool blocks_discharge() const { return reaction != fw::Reaction::kStopCharge; }
  bool is_current() const {
    return quantity == fw::Quantity::kChargeCurrent_mA || quantity == fw::Quantity::kDischargeCurrent_mA;
  }
  bool is_pack_voltage() const {
    return quantity == fw::Quantity::kPackMax_mV || quantity == fw::Quantity::kPackMin_mV;
  }
};

// GoogleTest names a failing case by this.
inline void PrintTo(const RowSpec& r, std::ostream* os) { *os << r.product << " row " << r.index << " " << r.id; }

// Every row of every product, in table order.
const std::vector<RowSpec>& all_protection_rows();
// The rows of one product.
std::vector<RowSpec> protection_rows(const std::string& product);

// A row's thresholds in the unit's terms (a GTX3000 BCU multiplies its
// per-module pack thresholds by the string's module count).
struct RowLimits {
  std::int32_t protection = 0;
  std::int32_t hysteresis = 0;
  bool out(std::int32_t v) const { return above ? v >= protection : v <= protection; }
  bool back(std::int32_t v) const { return above ? v < protection - hysteresis : v > protection + hysteresis; }
  bool in_band(std::int32_t v) const { return !out(v) && !back(v); }
  bool above = true;
};
RowLimits row_limits(const RowSpec& row, PlantRig& rig);

// Drives one row's quantity through the phases of the end-to-end test.
class RowDrive {
 public:
  enum class Phase { kApproach, kBeyond, kBand, kBack };

  RowDrive(PlantRig& rig, const RowSpec& row);

  // Before start: the state of charge and temperatures the drive starts
  // from (inside the row's limits).
  void prepare();

  void set_phase(Phase p);
  Phase phase() const { return phase_; }
  // The terminals: current in a direction the row blocks while the value is
  // being driven beyond; nothing once the path has opened (stop_flow()).
  physics::TerminalCommand command() const;
  void stop_flow() { flowing_ = false; }
  bool flow_charges() const { return flow_A_ > 0.0; }

 private:
  void set_cells(std::optional<std::int32_t> ch0_mV, std::optional<std::int32_t> ch1_mV);
  void set_cell_temperature_dC(std::int32_t dC);
  void set_board_temperature_dC(std::int32_t dC);
  void set_pack_rest_mV(std::int32_t pack_mV);
  double calibrated_current_A(std::int32_t reading_mA) const;
  std::int32_t cell_limit(fw::Quantity q, bool above) const;

  PlantRig& rig_;
  RowSpec row_;
  RowLimits limits_;
  Phase phase_ = Phase::kApproach;
  double flow_A_ = 0.0;  // + charge
  double current_A_ = 0.0;
  bool flowing_ = true;
};

// Configuration a row is tested on (configs/).
std::string config_for(const RowSpec& row);

}  // namespace stacksim::sim::testing
