// A push button pressed by the operator over scheduled intervals
// [start, end) of simulated time. Overlapping presses merge.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace stacksim::hw {

class Button {
 public:
  void press(std::int64_t start_ns, std::int64_t end_ns);
  // Queries are cheap when time only moves forward (the step loop).
  bool pressed(std::int64_t t_ns) const;

 private:
  struct Press {
    std::int64_t start_ns, end_ns;
  };
  std::vector<Press> presses_;             // sorted, disjoint
  mutable std::size_t first_live_ = 0;     // first press not over at the last query
  mutable std::int64_t last_query_ns_ = 0;
};

}  // namespace stacksim::hw
