#include "hw/button.hpp"

#include <algorithm>

namespace stacksim::hw {

void Button::press(std::int64_t start_ns, std::int64_t end_ns) {
  if (end_ns <= start_ns) return;
  presses_.push_back({start_ns, end_ns});
  std::sort(presses_.begin(), presses_.end(),
            [](const Press& a, const Press& b) { return a.start_ns < b.start_ns; });
  std::vector<Press> merged;
  for (const Press& p : presses_) {
    if (!merged.empty() && p.start_ns <= merged.back().end_ns) {
      merged.back().end_ns = std::max(merged.back().end_ns, p.end_ns);
    } else {
      merged.push_back(p);
    }
  }
  presses_ = std::move(merged);
  first_live_ = 0;
}

bool Button::pressed(std::int64_t t_ns) const {
  if (t_ns < last_query_ns_) first_live_ = 0;
  last_query_ns_ = t_ns;
  while (first_live_ < presses_.size() && presses_[first_live_].end_ns <= t_ns) ++first_live_;
  return first_live_ < presses_.size() && presses_[first_live_].start_ns <= t_ns;
}

}  // namespace stacksim::hw
