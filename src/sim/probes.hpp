// An expectation's condition, resolved against the system: which unit, which
// protection row or diagnosis bit, which LED or output, the threshold in
// amperes. Reading a probe never changes the system (docs/expectations.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <memory>

#include "physics/system.hpp"
#include "protocol/codec.hpp"
#include "protocol/dbc.hpp"
#include "scenario/scenario.hpp"
#include "sim/observation.hpp"
#include "sim/system_config.hpp"
#include "util/diagnostics.hpp"
#include "util/json_document.hpp"

namespace stacksim::sim {

struct BmsSetup;
class Plant;

// What a probe can look at after a step.
struct ProbeView {
  const physics::PhysicsSystem& physics;
  const Sampler& sampler;
  const physics::TerminalResult& terminals;
  const Plant* plant;  // null without a BMS
  const class CanWatch* can = nullptr;  // the PCS bus; null if no probe reads it
  const class ModuleReports* reports = nullptr;  // the internal RS485 buses; null if no probe reads them
};

class Probe {
 public:
  // Nullopt (with a diagnostic at the expectation) if a name, unit or part
  // does not exist in this system or needs a BMS the run does not have.
  // `pcs_dbc`: the DBC of the protocol the firmware speaks (null: none).
  static std::optional<Probe> resolve(const scenario::Expectation& e, const SystemConfig& config,
                                      const BmsSetup* bms, const protocol::Dbc* pcs_dbc, const JsonDocument& source,
                                      Diagnostics& diags);
  bool reads_can() const { return source_ == Source::kCan; }
  bool reads_module_reports() const { return source_ == Source::kModuleReport; }

  bool holds(const ProbeView& v) const;
  // What the probe reads now, with its unit ("3.671 V", "raised", "red").
  std::string reading(const ProbeView& v) const;

 private:
  enum class Source { kPhysics, kStatus, kBits, kContactors, kLed, kLedFlash, kOutput, kCan, kModuleReport };
  std::string flash(const ProbeView& v, bool describe) const;
  bool resolve_can(const protocol::Dbc& dbc, std::string& error);
  std::optional<double> number(const ProbeView& v) const;  // base units; nullopt: nothing to read
  std::string state(const ProbeView& v) const;

  const scenario::Expectation* e_ = nullptr;
  Source source_ = Source::kPhysics;
  std::size_t unit_ = SIZE_MAX;  // 0-based; SIZE_MAX: the system / every / any unit
  std::uint32_t mask_ = 0;       // row or diagnosis bit
  int index_ = 0;                // LED (0-based) or ssim_output
  double threshold_ = 0.0;       // base units, C-rates converted
  // kCan: the message's codec and the signal's index in it.
  std::shared_ptr<const protocol::MessageCodec> codec_;
  std::size_t signal_ = 0;
};

// Every expectation of the scenario resolved against the system, or nullopt
// with every problem in `diags`.
std::optional<std::vector<Probe>> resolve_probes(const scenario::Scenario& sc, const SystemConfig& config,
                                                 const BmsSetup* bms, const protocol::Dbc* pcs_dbc,
                                                 Diagnostics& diags);

}  // namespace stacksim::sim
