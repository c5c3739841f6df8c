// The reference BMS firmware: one descriptor for every role (the node config
// says which board it runs on). Linked into stacksim for speed and also built
// as a plugin (libstacksim_reference_fw.so) through the same ABI.
#pragma once

#include "stacksim/hal.h"

#ifdef __cplusplus
extern "C" {
#endif

const ssim_firmware* stacksim_reference_firmware(void);

#ifdef __cplusplus
}
#endif
