/* A firmware of the right ABI version whose descriptor forgot tick(): the
 * loader must refuse it before a node is created, not crash at the first tick. */
#include <stddef.h>

#include "stacksim/hal.h"

static void* create(const ssim_hal* hal, const ssim_node_config* config) {
  (void)hal;
  (void)config;
  return NULL;
}
static void destroy(void* instance) { (void)instance; }

static const ssim_firmware kDescriptor = {
    SSIM_HAL_ABI_VERSION, "no-tick", "1.0.0", 10000u, create, destroy, NULL, NULL, NULL,
};

SSIM_EXPORT const ssim_firmware* SSIM_FIRMWARE_ENTRY(void) { return &kDescriptor; }
