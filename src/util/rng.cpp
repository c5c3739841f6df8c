#include "util/rng.hpp"

#include <bit>
#include <cmath>
#include <numbers>

namespace stacksim {

namespace {

// Vigna's splitmix64: turns any 64-bit seed, including 0, into well-mixed
// state words for xoshiro (which must not start all-zero).
std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace

std::uint64_t stable_hash(std::string_view text) {
  std::uint64_t h = 14695981039346656037ULL;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

Rng::Rng(std::uint64_t seed, std::string_view stream_name) {
  // Any fixed mixing would do, but this one is now part of every recorded
  // run: changing it changes what every stream draws.
  std::uint64_t state = seed ^ std::rotl(stable_hash(stream_name), 17);
  for (std::uint64_t& word : s_) word = splitmix64(state);
}

double Rng::uniform() {
  return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

double Rng::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  // 1 - uniform() lies in (0, 1], so the logarithm is always finite.
  const double u1 = 1.0 - uniform();
  const double u2 = uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double theta = 2.0 * std::numbers::pi * u2;
  spare_ = r * std::sin(theta);
  has_spare_ = true;
  return r * std::cos(theta);
}

}  // namespace stacksim
