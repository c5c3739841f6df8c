#include "inverter_rig.hpp"

#include <gtest/gtest.h>

#include "sim/inverter_setup.hpp"

namespace stacksim::sim::testing {

InverterRig::InverterRig(const std::string& system, const std::string& protocol, double soc,
                         scenario::InverterSetup setup,
                         std::vector<std::pair<std::string, std::int32_t>> overrides) {
  const auto value = firmware_protocol_value(protocol);
  EXPECT_TRUE(value) << protocol;
  overrides.insert(overrides.begin(), {"pcs.protocol", value.value_or(0)});
  rig_ = std::make_unique<PlantRig>(system, soc, 1, FirmwareChoice{}, overrides);
  one_c_A_ = rig_->config().nominal_capacity_Ah();

  Diagnostics diags;
  inverter::InverterConfig c;
  c.profile = inverter::find_profile(protocol);
  c.dbc_label = std::string(STACKSIM_DATA_DIR) + "/models/dbc/" + c.profile->dbc_file;
  auto dbc = protocol::Dbc::load(c.dbc_label, diags);
  EXPECT_TRUE(dbc) << diags.format();
  dbc_ = std::make_unique<protocol::Dbc>(std::move(*dbc));
  c.dbc = dbc_.get();
  c.setup = std::move(setup);
  c.setup.protocol = protocol;
  c.one_c_A = one_c_A_;
  c.start_epoch_s = 1767225600;  // the plant rig's clock: 2026-01-01T00:00:00
  c.seed = 1;
  inverter_ = inverter::Inverter::create(c, rig_->plant().pcs_bus(), diags);
  EXPECT_TRUE(inverter_) << diags.format();
}

physics::TerminalResult InverterRig::step(const physics::TerminalCommand& demand) {
  const physics::TerminalCommand c = inverter_->command(now_ns_, PlantRig::kStep_ns, demand);
  last_ = rig_->plant().step(now_ns_, PlantRig::kStep_ns, c);
  inverter_->after_step(now_ns_, PlantRig::kStep_ns, last_);
  now_ns_ += PlantRig::kStep_ns;
  return last_;
}

physics::TerminalResult InverterRig::step_forced(const physics::TerminalCommand& forced) {
  inverter_->command(now_ns_, PlantRig::kStep_ns, physics::TerminalCommand::current(0.0));
  last_ = rig_->plant().step(now_ns_, PlantRig::kStep_ns, forced);
  inverter_->after_step(now_ns_, PlantRig::kStep_ns, last_);
  now_ns_ += PlantRig::kStep_ns;
  return last_;
}

void InverterRig::run_for(std::int64_t ns, const physics::TerminalCommand& demand) {
  const std::int64_t until = now_ns_ + ns;
  while (now_ns_ < until) step(demand);
}

bool InverterRig::connect() {
  start();
  return run_until([this] { return inverter_->comm_ok() && path_closed(); }, now_ns_ + s(60),
                   physics::TerminalCommand::current(0.0))
      .has_value();
}

std::size_t InverterRig::battery_node() {
  bus::CanBus& bus = rig_->plant().pcs_bus();
  const std::string& name = rig_->master().wiring().name;
  for (std::size_t i = 0; i < bus.node_count(); ++i) {
    if (bus.node_name(i) == name) return i;
  }
  ADD_FAILURE() << "no node " << name << " on the PCS bus";
  return 0;
}

}  // namespace stacksim::sim::testing
