#include "sim/can_watch.hpp"

namespace stacksim::sim {

CanWatch::CanWatch(bus::CanBus& bus) : bus_(bus) {
  tap_ = bus_.add_tap([this](const bus::CanFrame& f, std::int64_t, std::size_t) { last_[key(f.id, f.extended)] = f; });
}

CanWatch::~CanWatch() { bus_.remove_tap(tap_); }

const bus::CanFrame* CanWatch::last(std::uint32_t id, bool extended) const {
  const auto it = last_.find(key(id, extended));
  return it == last_.end() ? nullptr : &it->second;
}

}  // namespace stacksim::sim
