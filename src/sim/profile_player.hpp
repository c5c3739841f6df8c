// Plays a scenario's profile: which terminal command holds now, and when each
// step ends (by its duration or by a stop condition seen after a physics step).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "physics/command.hpp"
#include "scenario/scenario.hpp"
#include "sim/observation.hpp"

namespace stacksim::sim {

struct StepEnd {
  std::size_t step = 0;        // index into the profile
  std::int64_t time_ns = 0;    // when it ended
  std::string reason;          // "for", an 'until' key, or "duration" (the run ended)
};

class ProfilePlayer {
 public:
  // `one_c_A` turns C-rates into amperes. With `wait_for_start` the profile
  // rests until start() (a run with a BMS: the load waits for the battery to
  // connect, as an inverter does).
  ProfilePlayer(const std::vector<scenario::ProfileStep>& steps, double one_c_A,
                bool wait_for_start = false);

  bool waiting() const { return waiting_; }
  void start(std::int64_t now_ns);
  bool finished() const { return !waiting_ && index_ >= steps_.size(); }
  std::size_t step_index() const { return index_; }  // == size() when finished
  // The command for the next physics step (rest after the profile ends).
  physics::TerminalCommand command() const;
  // After a physics step that ended at `now_ns`.
  void after_step(const Observation& o, std::int64_t now_ns);
  // Closes the step under way when the run stops.
  void stop(std::int64_t now_ns);
  const std::vector<StepEnd>& ends() const { return ends_; }
  // Whether the step under way stops on the SOC (which costs a pass over all
  // cells to observe).
  bool needs_soc() const;

 private:
  double amps(const scenario::Current& c) const { return c.c_rate ? c.value * one_c_A_ : c.value; }
  bool condition_met(const scenario::StopCondition& c, const Observation& o) const;
  void advance(std::int64_t now_ns, std::string reason);

  const std::vector<scenario::ProfileStep>& steps_;
  double one_c_A_;
  bool waiting_ = false;
  std::size_t index_ = 0;
  std::int64_t step_start_ns_ = 0;
  std::vector<StepEnd> ends_;
};

}  // namespace stacksim::sim
