// The last frame of each identifier seen on a CAN bus, so that expectations
// can read PCS-protocol signals as an inverter on the bus would see them.
#pragma once

#include <cstdint>
#include <unordered_map>

#include "bus/can_bus.hpp"

namespace stacksim::sim {

class CanWatch {
 public:
  explicit CanWatch(bus::CanBus& bus);
  ~CanWatch();
  CanWatch(const CanWatch&) = delete;
  CanWatch& operator=(const CanWatch&) = delete;

  // Null until a frame with this identifier has been on the bus.
  const bus::CanFrame* last(std::uint32_t id, bool extended) const;

 private:
  static std::uint64_t key(std::uint32_t id, bool extended) { return std::uint64_t{id} << 1 | (extended ? 1u : 0u); }
  bus::CanBus& bus_;
  std::size_t tap_ = 0;
  std::unordered_map<std::uint64_t, bus::CanFrame> last_;
};

}  // namespace stacksim::sim
