// Deterministic random streams. One seed per run; every component draws from
// its own stream derived from the seed and a stable name, so adding a
// component never changes what another one draws (style.md, "Time and
// determinism"). The algorithms are fixed here, not left to the standard
// library, whose distributions differ between implementations.
#pragma once

#include <bit>
#include <cstdint>
#include <string_view>

namespace stacksim {

// FNV-1a, 64 bit.
std::uint64_t stable_hash(std::string_view text);

// xoshiro256** seeded through splitmix64 from (seed, stable_hash(name)).
class Rng {
 public:
  Rng(std::uint64_t seed, std::string_view stream_name);

  // Inline: the sensors draw two per conversion, thousands per simulated second.
  std::uint64_t next_u64() {
    // xoshiro256** 1.0 (Blackman and Vigna).
    const std::uint64_t result = std::rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = std::rotl(s_[3], 45);
    return result;
  }
  double uniform();  // [0, 1), 53 random bits
  double normal();   // standard normal (Box-Muller, both values used)

 private:
  std::uint64_t s_[4];
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace stacksim
