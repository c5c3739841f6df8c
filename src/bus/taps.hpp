// Observers of a bus's traffic (bus logs), kept by CanBus and Rs485Line.
// A removed observer leaves an empty slot, so handles stay valid.
#pragma once

#include <cassert>
#include <cstddef>
#include <functional>
#include <utility>
#include <vector>

namespace stacksim::bus {

template <typename... Args>
class Taps {
 public:
  using Tap = std::function<void(Args...)>;
  // A handle for remove().
  std::size_t add(Tap tap) {
    taps_.push_back(std::move(tap));
    return taps_.size() - 1;
  }
  void remove(std::size_t handle) {
    assert(handle < taps_.size());
    taps_[handle] = nullptr;
  }
  template <typename... A>
  void call(const A&... args) const {
    for (const Tap& tap : taps_) {
      if (tap) tap(args...);
    }
  }

 private:
  std::vector<Tap> taps_;
};

}  // namespace stacksim::bus
