#include "inverter/inverter.hpp"

#include <cmath>

namespace stacksim::inverter {
namespace {

using scenario::MisbehaviourKind;

// A current is over a limit once it exceeds it by this much (shunt-free
// physics: only numerical noise and a step of lag).
constexpr double kViolationSlack_A = 0.1;
constexpr double kViolationSlackFraction = 0.01;
constexpr std::int64_t kViolationAfter_ns = 2'000'000'000;
// Pylon HV charge / discharge commands are repeated at most this often.
constexpr std::int64_t kCommandRepeat_ns = 10'000'000'000;

}  // namespace

// The inverter's frames onto the bus at the step's start; nothing while it
// plays silent (a silent PCS still acknowledges frames at the CAN level).
class Inverter::BusSink final : public FrameSink {
 public:
  BusSink(Inverter& inverter, std::int64_t now_ns, bool silent)
      : inverter_(inverter), now_ns_(now_ns), silent_(silent) {}
  void send(const bus::CanFrame& f) override {
    if (silent_ || !bus::can_frame_valid(f)) return;
    if (inverter_.bus_.send(inverter_.node_, f, now_ns_) == bus::CanBus::SendResult::kQueued) {
      ++inverter_.report_.frames_sent;
    }
  }
  bool silent() const { return silent_; }

 private:
  Inverter& inverter_;
  std::int64_t now_ns_;
  bool silent_;
};

std::unique_ptr<Inverter> Inverter::create(const InverterConfig& config, bus::CanBus& bus,
                                           Diagnostics& diags) {
  auto profile = config.profile->make(*config.dbc, config.dbc_label, diags);
  if (!profile) return nullptr;
  return std::unique_ptr<Inverter>(new Inverter(config, std::move(profile), bus));
}

namespace {

EnergyConfig energy_config(const InverterConfig& c) {
  EnergyConfig e;
  e.force_charge_power_W = c.setup.force_charge_power_W;
  e.full_charge_window = c.setup.full_charge_window;
  e.full_charge_power_W = c.setup.full_charge_power_W;
  if (c.setup.ramp_per_s) e.ramp_A_per_s = *c.setup.ramp_per_s * (c.setup.ramp_c_rate ? c.one_c_A : 1.0);
  e.start_epoch_s = c.start_epoch_s;
  return e;
}

}  // namespace

Inverter::Inverter(const InverterConfig& config, std::unique_ptr<PcsProfile> profile, bus::CanBus& bus)
    : config_(config), profile_(std::move(profile)), bus_(bus), energy_(energy_config(config)),
      misbehaviour_(config.setup.misbehaviour, *config.dbc, config.seed) {
  if (config_.setup.demand == scenario::InverterSetup::Demand::kSite) {
    site_.emplace(config_.setup.site, config_.start_epoch_s);
  }
  report_.protocol = config_.profile->name;
  report_.address = config_.setup.address.value_or(0);
  report_.comm_timeout_ns = config_.setup.comm_timeout_ns.value_or(config_.profile->comm_timeout_ns);
  report_.timeout_source = config_.setup.comm_timeout_ns ? "scenario" : config_.profile->timeout_source;
  report_.site = site_.has_value();
  profile_->set_address(report_.address);
  node_ = bus_.attach("inverter", [this](const bus::CanFrame& f, std::int64_t end_ns) { on_frame(f, end_ns); });
}

void Inverter::on_frame(const bus::CanFrame& f, std::int64_t end_ns) {
  ++report_.frames_received;
  switch (profile_->receive(f, view_)) {
    case Received::kDecoded:
      ++report_.frames_decoded;
      last_heard_ns_ = end_ns;
      if (report_.first_heard_ns < 0) report_.first_heard_ns = end_ns;
      break;
    case Received::kMalformed: ++report_.frames_malformed; break;
    case Received::kOtherAddress: ++report_.frames_other_address; break;
    case Received::kIgnored: break;
  }
}

physics::TerminalCommand Inverter::command(std::int64_t now_ns, std::int64_t dt_ns,
                                           const physics::TerminalCommand& profile_demand) {
  // A real PCS controller restarts its CAN after bus-off (an unplugged cable
  // can put it there).
  if (bus_.error_state(node_) == bus::CanBus::ErrorState::kBusOff) bus_.recover(node_, now_ns);
  const int wrong = misbehaviour_.wrong_address(now_ns);
  profile_->set_address(wrong >= 0 ? wrong : report_.address);
  BusSink sink(*this, now_ns, misbehaviour_.active(MisbehaviourKind::kSilent, now_ns));
  profile_->transmit(now_ns, sink);
  const int bad = misbehaviour_.emit(now_ns, *profile_, sink);
  if (!sink.silent()) report_.bad_frames_sent += static_cast<std::uint64_t>(bad);

  const bool heard = last_heard_ns_ >= 0 && now_ns - last_heard_ns_ < report_.comm_timeout_ns;
  if (comm_ok_ && !heard) ++report_.comm_losses;
  comm_ok_ = heard;
  comm_established_ = comm_established_ || heard;

  Demand demand = Demand::from_command(profile_demand);
  if (site_) {
    site_now_ = site_->at(now_ns);
    demand = Demand{};
    demand.kind = Demand::Kind::kPower;
    demand.power_W = SiteModel::battery_demand_W(site_now_);
    demand.grid_available = site_now_.grid;
  }
  const bool ignore = misbehaviour_.active(MisbehaviourKind::kIgnoreLimits, now_ns);
  decision_ = energy_.decide(now_ns, dt_ns, demand, view_, comm_ok_, ignore, measured_);
  maybe_command(now_ns, sink);
  return decision_.command;
}

// Pylon HV: a battery that sits in under- (over-) voltage protection with its
// relay open is asked to close it for a charge (discharge) the inverter wants
// ([DIY-PF]: 0x8210 closes the relay in that case).
void Inverter::maybe_command(std::int64_t now_ns, FrameSink& sink) {
  if (!comm_ok_ || now_ns < next_command_ns_) return;
  std::optional<PcsCommand> c;
  if (decision_.demand_A > 0.0 && !view_.charge_enable && (view_.protections & kCellLowVoltage)) {
    c = PcsCommand::kChargeCommand;
  } else if (decision_.demand_A < 0.0 && !view_.discharge_enable && (view_.protections & kCellHighVoltage)) {
    c = PcsCommand::kDischargeCommand;
  }
  if (!c) return;
  const auto before = report_.frames_sent;
  if (profile_->command(*c, sink) && report_.frames_sent != before) ++report_.commands_sent;
  next_command_ns_ = now_ns + kCommandRepeat_ns;
}

void Inverter::after_step(std::int64_t, std::int64_t dt_ns, const physics::TerminalResult& r) {
  measured_ = {r.voltage_V, r.current_A};
  const double h = static_cast<double>(dt_ns) / 3.6e12;
  const double power_W = r.voltage_V * r.current_A;
  if (power_W > 0.0) report_.charged_Wh += power_W * h;
  if (power_W < 0.0) report_.discharged_Wh -= power_W * h;
  last_limiter_ = settled_limiter(decision_, r);
  report_.limited_ns[static_cast<std::size_t>(last_limiter_)] += dt_ns;
  if (!comm_ok_ && comm_established_) report_.comm_lost_ns += dt_ns;
  if (decision_.force_charging) report_.force_charge_ns += dt_ns;
  if (decision_.full_charging) report_.full_charge_ns += dt_ns;
  if (!decision_.obeying) report_.misbehaving_ns += dt_ns;
  track_violation(r.current_A, dt_ns);
  if (site_) {
    grid_W_ = SiteModel::grid_W(site_now_, power_W, site_->export_limit_W());
    site_->account(site_now_, power_W, dt_ns);
  }
}

void Inverter::track_violation(double current_A, std::int64_t dt_ns) {
  const double charge_A = view_.allowed_charge_A(), discharge_A = view_.allowed_discharge_A();
  const bool over = current_A > charge_A * (1.0 + kViolationSlackFraction) + kViolationSlack_A ||
                    -current_A > discharge_A * (1.0 + kViolationSlackFraction) + kViolationSlack_A;
  if (!over || !decision_.obeying) {
    over_limit_ns_ = 0;
    return;
  }
  over_limit_ns_ += dt_ns;
  if (over_limit_ns_ <= kViolationAfter_ns) return;
  if (over_limit_ns_ - dt_ns <= kViolationAfter_ns) ++report_.limit_violations;
  report_.violation_ns += dt_ns;
}

InverterReport Inverter::report() const {
  InverterReport r = report_;
  r.mask_accepted = profile_->mask_accepted;
  r.mask_refused = profile_->mask_refused;
  if (site_) r.site_energies = site_->energies();
  return r;
}

}  // namespace stacksim::inverter
