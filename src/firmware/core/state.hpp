// The one state-machine pattern of the firmware: a state enum, a periodic
// trigger(), an entry action and a timer.
//
//   const bool entry = sm_.trigger(now_ms);
//   switch (sm_.state()) {
//     case State::kPrecharge:
//       if (entry) close_precharge_relay();
//       if (link_charged()) sm_.transition(State::kClosed);
//       else if (sm_.elapsed_ms() >= timeout_ms) sm_.transition(State::kFault);
//       break;
//     ...
//   }
//
// A transition takes effect at once for state(); its entry action runs at the
// next trigger(), which also starts the state's timer, so every state's entry
// and timer are seen from the same periodic task.
#pragma once

#include <cstdint>

namespace stacksim::fw {

template <typename State>
class StateMachine {
 public:
  explicit StateMachine(State initial) : state_(initial), previous_(initial) {}

  // Once per period. True on the first call after entering the state (run
  // the entry action then).
  bool trigger(std::uint32_t now_ms) {
    now_ms_ = now_ms;
    if (!pending_entry_) return false;
    pending_entry_ = false;
    entered_ms_ = now_ms;
    return true;
  }

  void transition(State next) {
    previous_ = state_;
    state_ = next;
    pending_entry_ = true;
  }

  State state() const { return state_; }
  State previous() const { return previous_; }
  // Time in the state as of the last trigger(), counted from its entry.
  std::uint32_t elapsed_ms() const { return now_ms_ - entered_ms_; }
  std::uint32_t entered_ms() const { return entered_ms_; }

 private:
  State state_;
  State previous_;
  bool pending_entry_ = true;
  std::uint32_t now_ms_ = 0;
  std::uint32_t entered_ms_ = 0;
};

}  // namespace stacksim::fw
