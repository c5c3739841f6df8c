// The board's non-volatile storage: SSIM_NVM_BYTES bytes, erased to 0xFF,
// kept across power cycles (it lives as long as the Board object).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "stacksim/hal.h"

namespace stacksim::hw {

class Nvm {
 public:
  Nvm() { bytes_.fill(0xFF); }

  int read(std::uint32_t offset, void* data, std::size_t len) const {
    if (!fits(offset, len)) return SSIM_E_RANGE;
    if (len != 0) std::memcpy(data, bytes_.data() + offset, len);
    return SSIM_OK;
  }
  int write(std::uint32_t offset, const void* data, std::size_t len) {
    if (!fits(offset, len)) return SSIM_E_RANGE;
    if (len != 0) std::memcpy(bytes_.data() + offset, data, len);
    ++writes_;
    return SSIM_OK;
  }
  void erase() { bytes_.fill(0xFF); }
  const std::array<std::uint8_t, SSIM_NVM_BYTES>& bytes() const { return bytes_; }
  std::uint64_t writes() const { return writes_; }

 private:
  static bool fits(std::uint32_t offset, std::size_t len) {
    return offset <= SSIM_NVM_BYTES && len <= SSIM_NVM_BYTES - offset;
  }
  std::array<std::uint8_t, SSIM_NVM_BYTES> bytes_;
  std::uint64_t writes_ = 0;
};

}  // namespace stacksim::hw
