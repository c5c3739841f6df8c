// Real-time pacing (docs/serve.md): simulated time advances in step with the
// wall clock, or `speed` times faster. The pacer is the one part of stacksim
// that reads a clock, and it reads it only through Clock, so tests drive it
// with a clock of their own. Pacing changes when a step runs, never what it
// computes: a run without external buses gives the same outputs at any speed.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "sim/serve_report.hpp"

namespace stacksim::serve {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t now_ns() = 0;
  // Returns at or after wall_ns (serving I/O meanwhile, in stacksim serve).
  virtual void wait_until(std::int64_t wall_ns) = 0;
};

class Pacer {
 public:
  // speed > 0: simulated seconds per wall second.
  Pacer(Clock& clock, double speed);

  // Before the step that starts at sim_ns: waits for the wall instant that
  // matches it (counted from the first call), then records how late it woke:
  // the wall time past that instant (0 if on time). A simulation slower than
  // the wall clock does not wait and shows as growing lateness.
  void pace(std::int64_t sim_ns);

  sim::LatenessStats stats() const;
  // Lateness of the last tick.
  std::int64_t last_lateness_ns() const { return last_ns_; }

 private:
  static constexpr std::int64_t kBinNs = 1000;      // 1 us
  static constexpr std::size_t kBins = 100'000;     // up to 100 ms; later ticks go to the last bin
  Clock& clock_;
  double speed_;
  bool started_ = false;
  std::int64_t wall0_ns_ = 0, sim0_ns_ = 0;
  std::int64_t last_ns_ = 0, max_ns_ = 0;
  std::uint64_t ticks_ = 0;
  std::unique_ptr<std::array<std::uint32_t, kBins + 1>> histogram_;  // 400 kB, on the heap
};

}  // namespace stacksim::serve
