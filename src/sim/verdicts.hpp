// Judging a run while it happens: each expectation is met or missed at a
// simulated instant, and each injected fault gets its detection time (fault
// to the first new alarm, protection or diagnosis) and reaction time (fault to
// a current limit at zero or a power path opening) (docs/expectations.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"
#include "sim/probes.hpp"

namespace stacksim::sim {

struct Verdict {
  std::string name, rule;   // the user's name; the rule in words
  std::string pointer;      // where it was written
  bool met = false;
  std::int64_t at_ns = 0;   // when it was met or missed
  std::string detail;       // what the probe read then, or why it was missed
};

struct FaultTiming {
  std::string name, fault, mode, target;
  std::int64_t at_ns = 0;
  std::optional<std::int64_t> until_ns;     // when "for" ended it
  std::optional<std::int64_t> detected_ns;  // first new alarm, protection or diagnosis bit
  std::optional<std::int64_t> reacted_ns;   // a limit to zero or a path open
  std::string detected_by;                  // "string1 protection charge_over_temp", ...
};

class Judge {
 public:
  Judge(const scenario::Scenario& sc, std::vector<Probe> probes, std::vector<std::string> protection_rows);

  // A timeline event switched on (before the physics step starting at t_ns).
  void fault_started(std::size_t event, std::int64_t t_ns, const ProbeView& v);
  // After every physics step, at its end time.
  void observe(std::int64_t t_ns, const ProbeView& v);
  // The run ended at end_ns: what is still open is decided.
  void finish(std::int64_t end_ns, const ProbeView& v);

  const std::vector<Verdict>& verdicts() const { return verdicts_; }
  const std::vector<FaultTiming>& faults() const { return faults_; }
  bool passed() const;

 private:
  struct Pending {
    bool open = true;
    std::optional<std::int64_t> window_start_ns;  // "within ... after": when the event started
    std::optional<std::int64_t> holding_since_ns;  // "by": start of the present run of true readings
  };
  struct UnitBaseline {
    std::uint32_t bits = 0;
    bool charge_allowed = false, discharge_allowed = false, path_closed = false;
  };
  void decide(std::size_t i, bool met, std::int64_t t_ns, std::string detail);
  void time_faults(std::int64_t t_ns, const ProbeView& v);

  const scenario::Scenario& sc_;
  std::vector<Probe> probes_;
  std::vector<std::string> rows_;
  std::vector<Verdict> verdicts_;
  std::vector<Pending> pending_;
  std::vector<FaultTiming> faults_;
  std::vector<std::vector<UnitBaseline>> baselines_;  // per fault, per unit
  std::vector<bool> fault_active_;
};

}  // namespace stacksim::sim
