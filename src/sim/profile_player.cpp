#include "sim/profile_player.hpp"

#include <cmath>

namespace stacksim::sim {

using scenario::ProfileStep;
using scenario::StopCondition;

ProfilePlayer::ProfilePlayer(const std::vector<ProfileStep>& steps, double one_c_A,
                             bool wait_for_start)
    : steps_(steps), one_c_A_(one_c_A), waiting_(wait_for_start) {}

void ProfilePlayer::start(std::int64_t now_ns) {
  if (!waiting_) return;
  waiting_ = false;
  step_start_ns_ = now_ns;
}

physics::TerminalCommand ProfilePlayer::command() const {
  if (waiting_ || finished()) return physics::TerminalCommand::current(0.0);
  const ProfileStep& s = steps_[index_];
  switch (s.kind) {
    case ProfileStep::Kind::kRest:
      return physics::TerminalCommand::current(0.0);
    case ProfileStep::Kind::kCurrent:
      return physics::TerminalCommand::current(amps(s.current));
    case ProfileStep::Kind::kPower:
      return physics::TerminalCommand::power(s.power_W);
    case ProfileStep::Kind::kVoltage:
      return physics::TerminalCommand::voltage(s.voltage_V, amps(s.current));
  }
  return physics::TerminalCommand::current(0.0);
}

bool ProfilePlayer::condition_met(const StopCondition& c, const Observation& o) const {
  using K = StopCondition::Kind;
  switch (c.kind) {
    case K::kVoltageAbove: return o.voltage_V >= c.value;
    case K::kVoltageBelow: return o.voltage_V <= c.value;
    case K::kCellVoltageAbove: return o.cells.cell_max_V >= c.value;
    case K::kCellVoltageBelow: return o.cells.cell_min_V <= c.value;
    case K::kCurrentBelow: return std::fabs(o.current_A) <= (c.c_rate ? c.value * one_c_A_ : c.value);
    case K::kSocAbove: return o.soc >= c.value;
    case K::kSocBelow: return o.soc <= c.value;
    case K::kTemperatureAbove: return o.cells.temp_max_C >= c.value;
  }
  return false;
}

void ProfilePlayer::advance(std::int64_t now_ns, std::string reason) {
  ends_.push_back({index_, now_ns, std::move(reason)});
  ++index_;
  step_start_ns_ = now_ns;
}

void ProfilePlayer::after_step(const Observation& o, std::int64_t now_ns) {
  if (waiting_ || finished()) return;
  const ProfileStep& s = steps_[index_];
  for (const StopCondition& c : s.until) {
    if (condition_met(c, o)) {
      advance(now_ns, c.key);
      return;
    }
  }
  if (s.duration_ns && now_ns - step_start_ns_ >= *s.duration_ns) advance(now_ns, "for");
}

bool ProfilePlayer::needs_soc() const {
  if (waiting_ || finished()) return false;
  for (const StopCondition& c : steps_[index_].until) {
    if (c.kind == StopCondition::Kind::kSocAbove || c.kind == StopCondition::Kind::kSocBelow) return true;
  }
  return false;
}

void ProfilePlayer::stop(std::int64_t now_ns) {
  if (waiting_ && !steps_.empty()) {
    ends_.push_back({index_, now_ns, "not started (the battery never connected)"});
  } else if (!finished() && index_ < steps_.size()) {
    // An empty profile still waiting for the battery has no step to end.
    ends_.push_back({index_, now_ns, "duration"});
  }
}

}  // namespace stacksim::sim
