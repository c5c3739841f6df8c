/* A firmware built against a HAL that does not exist yet: every function is
 * present and usable, only the ABI version differs, so the version alone must
 * make the loader refuse it. */
#include <stddef.h>

#include "stacksim/hal.h"

static void* create(const ssim_hal* hal, const ssim_node_config* config) {
  (void)hal;
  (void)config;
  return NULL;
}
static void destroy(void* instance) { (void)instance; }
static void tick(void* instance) { (void)instance; }

static const ssim_firmware kDescriptor = {
    999u, "future-abi", "9.9.9", 10000u, create, destroy, tick, NULL, NULL,
};

SSIM_EXPORT const ssim_firmware* SSIM_FIRMWARE_ENTRY(void) { return &kDescriptor; }
