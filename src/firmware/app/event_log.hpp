// Event messages for the HAL's log: state changes, protection tiers raised and
// cleared, diagnoses. No printf on a bare-metal target: a fixed buffer and
// two appenders are all it takes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "stacksim/hal.h"

namespace stacksim::fw {

class LogLine {
 public:
  LogLine& text(const char* s) {
    while (*s != '\0' && n_ + 1 < sizeof buf_) buf_[n_++] = *s++;
    buf_[n_] = '\0';
    return *this;
  }
  LogLine& number(std::int64_t v) {
    char digits[24];
    std::size_t k = 0;
    const bool negative = v < 0;
    std::uint64_t u = negative ? static_cast<std::uint64_t>(-(v + 1)) + 1u : static_cast<std::uint64_t>(v);
    do {
      digits[k++] = static_cast<char>('0' + u % 10u);
      u /= 10u;
    } while (u != 0 && k < sizeof digits);
    if (negative) text("-");
    while (k > 0 && n_ + 1 < sizeof buf_) buf_[n_++] = digits[--k];
    buf_[n_] = '\0';
    return *this;
  }
  LogLine& hex(std::uint32_t v) {
    static const char kDigits[] = "0123456789abcdef";
    text("0x");
    for (int shift = 28; shift >= 0; shift -= 4) {
      const char c[2] = {kDigits[(v >> shift) & 0xFu], '\0'};
      text(c);
    }
    return *this;
  }
  void emit(const ssim_hal* hal, ssim_log_level level) const { hal->log(hal->ctx, level, buf_); }

 private:
  char buf_[160] = {};
  std::size_t n_ = 0;
};

// A count of bad input (malformed frames, bad checksums) goes to the log as
// a running total, at most every kPeriodMs and only when it has grown: a
// babbling node or a flood must not flood the log, yet the last total is
// there within kPeriodMs of the last bad frame.
class CountLog {
 public:
  static constexpr std::uint32_t kPeriodMs = 10000;
  // True when `count` is to be logged now; it is then taken as logged.
  bool due(std::uint32_t count, std::uint32_t now_ms) {
    if (count == logged_ || now_ms - last_ms_ < kPeriodMs) return false;
    logged_ = count;
    last_ms_ = now_ms;
    return true;
  }

 private:
  std::uint32_t logged_ = 0, last_ms_ = 0;
};


}  // namespace stacksim::fw
