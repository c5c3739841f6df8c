/* A shared library that is no firmware: it exports a function, but not
 * SSIM_FIRMWARE_ENTRY (a typo in the name is the usual way to get here). */
#include "stacksim/hal.h"

SSIM_EXPORT const ssim_firmware* ssim_firmware_entri(void) { return NULL; }
