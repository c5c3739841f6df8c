// The reference firmware as a plugin: the same code behind the one exported
// entry point, so `--firmware ROLE=libstacksim_reference_fw.so` runs exactly
// what is linked in.
#include "reference.hpp"

extern "C" SSIM_EXPORT const ssim_firmware* SSIM_FIRMWARE_ENTRY(void) {
  return stacksim_reference_firmware();
}
