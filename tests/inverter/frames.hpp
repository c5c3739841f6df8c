// Battery frames written byte by byte, as the reference's captures show them.
#pragma once

#include <cstdint>
#include <initializer_list>

#include "bus/can_frame.hpp"

namespace stacksim::inverter::testing {

inline bus::CanFrame raw(std::uint32_t id, bool extended, std::initializer_list<std::uint8_t> bytes) {
  bus::CanFrame f;
  f.id = id;
  f.extended = extended;
  f.dlc = static_cast<std::uint8_t>(bytes.size());
  std::size_t i = 0;
  for (std::uint8_t b : bytes) f.data[i++] = b;
  return f;
}

}  // namespace stacksim::inverter::testing
