// A progress bar on stderr for runs long enough to wait for: one line,
// redrawn when the simulated share grows by a percent. It reads no clock:
// whether a run is long is estimated from its size (steps x (cells + boards)),
// so the same run shows the same bar every time.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace stacksim::sim {

class Progress {
 public:
  // Shown only if `enabled` (the CLI passes whether stderr is a terminal)
  // and the run's work estimate is above a few seconds' worth.
  Progress(bool enabled, std::int64_t duration_ns, std::int64_t step_ns, std::size_t cells, std::size_t boards,
           std::string name);
  ~Progress();
  void update(std::int64_t now_ns) {
    if (shown_ && now_ns >= next_ns_) draw(now_ns);
  }
  // Clears the line (before the result line is printed).
  void finish();

 private:
  void draw(std::int64_t now_ns);
  bool shown_ = false;
  std::int64_t duration_ns_ = 0, next_ns_ = 0;
  std::string name_;
};

}  // namespace stacksim::sim
