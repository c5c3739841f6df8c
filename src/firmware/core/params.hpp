// The board's calibration parameters (ssim_node_config.params) as the
// firmware reads them at create(). Lookups compare strings, so they belong in
// create() only; modules copy what they need into their own fields.
//
// Mandatory keys are read with require(): a missing one reads as 0 and is
// remembered, so create() can log every missing key at once and refuse to
// start (a board with half its calibration must not run).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "stacksim/hal.h"

namespace stacksim::fw {

class ParamSet {
 public:
  static constexpr std::size_t kMaxKeyLength = 47;
  static constexpr std::size_t kMaxRemembered = 16;

  ParamSet(const ssim_param* params, std::size_t count);

  bool has(const char* key) const;
  std::int32_t get(const char* key, std::int32_t fallback) const;
  // Mandatory key: its value, or 0 with the key remembered as missing.
  std::int32_t require(const char* key) const;

  // The same for indexed keys "<prefix><index><suffix>", e.g. ("prot.", 3,
  // ".alarm") -> "prot.3.alarm".
  bool has(const char* prefix, int index, const char* suffix) const;
  std::int32_t get(const char* prefix, int index, const char* suffix, std::int32_t fallback) const;
  std::int32_t require(const char* prefix, int index, const char* suffix) const;

  // Missing mandatory keys asked for so far. All are counted; the first
  // kMaxRemembered are kept by name.
  std::size_t missing_count() const { return missing_count_; }
  const char* missing(std::size_t i) const;

  // Writes "<prefix><index><suffix>" into out (always terminated); false if
  // it did not fit.
  static bool format_key(char* out, std::size_t size, const char* prefix, int index,
                         const char* suffix);

 private:
  const ssim_param* find(const char* key) const;
  void remember_missing(const char* key) const;

  const ssim_param* params_;
  std::size_t count_;
  // Recording a missing key is not a change of the parameters themselves;
  // it lets const readers (configure(const ParamSet&)) report what they lacked.
  mutable std::array<std::array<char, kMaxKeyLength + 1>, kMaxRemembered> missing_{};
  mutable std::size_t missing_count_ = 0;
};

}  // namespace stacksim::fw
