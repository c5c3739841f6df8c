#include "hw/contactor.hpp"

#include <cmath>

namespace stacksim::hw {

// Pending changes always move the contacts to the other state, so one that
// is still wanted keeps its time and one that is no longer wanted is dropped.
void Contactor::reschedule(std::int64_t t_ns) {
  // Stuck-open contacts fail to close; ones already closed still open.
  const bool want_closed = commanded_ && (closed_ || !stuck_open_);
  if (want_closed == closed_ || (closed_ && welded_)) {
    change_ns_ = kNever;
  } else if (change_ns_ == kNever) {
    change_ns_ = t_ns + (want_closed ? spec_.close_ns : spec_.open_ns);
  }
}

void Contactor::command(std::int64_t t_ns, bool energise) {
  if (energise == commanded_) return;
  commanded_ = energise;
  reschedule(t_ns);
}

bool Contactor::advance(std::int64_t t_ns, double current_A) {
  if (t_ns < change_ns_) return false;
  change_ns_ = kNever;
  closed_ = !closed_;
  ++operations_;
  if (!closed_ && std::fabs(current_A) > 1.0) ++operations_under_load_;
  return true;
}

void Contactor::set_welded(std::int64_t t_ns, bool welded) {
  welded_ = welded;
  reschedule(t_ns);
}

void Contactor::set_stuck_open(std::int64_t t_ns, bool stuck) {
  stuck_open_ = stuck;
  reschedule(t_ns);
}

}  // namespace stacksim::hw
