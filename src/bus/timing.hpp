// Bit counts to simulated nanoseconds. Every duration is one integer division
// of the whole product, so 125 kbit/s, 500 kbit/s or 115200 baud give exact
// results where the true value is an integer and never accumulate per-bit
// rounding inside a frame or burst (docs/buses.md, "Time").
#pragma once

#include <cassert>
#include <cstdint>

namespace stacksim::bus {

inline constexpr std::int64_t kNsPerSecond = 1'000'000'000;

// floor(bits * 1e9 / rate_per_s). The product stays in 64 bits for anything
// shorter than about 9e9 bits (a day of traffic at 100 kbit/s).
constexpr std::int64_t bits_to_ns(std::int64_t bits, std::uint32_t rate_per_s) {
  assert(rate_per_s > 0 && bits >= 0 && bits <= INT64_MAX / kNsPerSecond);
  return bits * kNsPerSecond / static_cast<std::int64_t>(rate_per_s);
}

}  // namespace stacksim::bus
