#include "plant_fixture.hpp"

#include <sstream>

#include "util/diagnostics.hpp"

namespace stacksim::sim::testing {

PlantRig::PlantRig(const std::string& name, double soc, std::uint64_t seed,
                   const FirmwareChoice& choice,
                   std::vector<std::pair<std::string, std::int32_t>> overrides,
                   std::vector<std::size_t> swapped_links) {
  Diagnostics diags;
  config_ = load_system_config(STACKSIM_DATA_DIR, name, diags);
  if (!config_) {
    ADD_FAILURE() << diags.format();
    throw std::runtime_error("no system " + name);
  }
  scenario::Scenario sc;
  sc.file = "(test)";
  for (auto& [k, v] : overrides) sc.bms.parameters.push_back({k, v, ""});
  setup_ = load_bms_setup(STACKSIM_DATA_DIR, *config_, sc, choice, diags);
  if (!setup_) {
    ADD_FAILURE() << diags.format();
    throw std::runtime_error("no BMS setup for " + name);
  }
  physics_ = std::make_unique<physics::PhysicsSystem>(config_->layout(), seed);
  for (std::size_t b = 0; b < physics_->branch_count(); ++b) physics_->set_branch_soc(b, soc);
  plant_ = std::make_unique<Plant>(*physics_, *config_, setup_->hardware, setup_->params,
                                   setup_->firmware, seed, 1767225600 /* 2026-01-01 */,
                                   swapped_links);
}

void PlantRig::start() { plant_->operator_start(now_ns_, setup_->start_hold_ns); }

void PlantRig::step(const physics::TerminalCommand& cmd) {
  plant_->step(now_ns_, kStep_ns, cmd);
  now_ns_ += kStep_ns;
}

void PlantRig::run_until(std::int64_t t_ns, const physics::TerminalCommand& cmd) {
  while (now_ns_ < t_ns) step(cmd);
}

std::int32_t PlantRig::param(const std::string& key) const {
  const auto v = find_param(setup_->params, key);
  if (!v) ADD_FAILURE() << "no parameter " << key;
  return v.value_or(0);
}

std::string PlantRig::log_text() const {
  std::ostringstream out;
  for (const LogLine& l : plant_->log()) {
    out << l.t_ns / 1'000'000 << " ms " << plant_->board(l.board).wiring().name << ": " << l.message << "\n";
  }
  return out.str();
}

}  // namespace stacksim::sim::testing
