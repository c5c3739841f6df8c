/*
 * A minimal BMS firmware in plain C, built against stacksim/hal.h only.
 *
 * It is the smallest useful thing a user's firmware can be: one pack BMS that
 * samples its cells every 100 ms, opens its power path when a cell leaves
 * [2500, 3650] mV and closes it again once every cell is back inside by
 * 100 mV, shows that on LED 0, and reports itself on the debug port. Copy it
 * as a starting point; build it as a shared library and run it with
 *   stacksim run SCENARIO --firmware pack=./libminimal_firmware.so
 * (docs/adding-a-firmware-plugin.md walks through it; docs/hal.md is the HAL).
 *
 * What a real BMS needs and this one leaves out: pre-charge, temperature and
 * current protection, SOC estimation, CAN toward the PCS, the parallel link.
 */
#include <stdlib.h>
#include <string.h>

#include "stacksim/hal.h"

enum { kTickUs = 10000, kSampleEveryTicks = 10 };
enum { kOverVoltage_mV = 3650, kUnderVoltage_mV = 2500, kHysteresis_mV = 100 };

typedef struct minimal {
  const ssim_hal* hal;
  uint16_t cells;
  uint16_t temps;
  uint32_t ticks;
  int tripped;
  ssim_debug_status status;
} minimal;

static void set_path(minimal* m, int closed) {
  m->hal->write_output(m->hal->ctx, SSIM_OUT_NEG_CONTACTOR, closed);
  m->hal->write_output(m->hal->ctx, SSIM_OUT_POS_CONTACTOR, closed);
  m->hal->set_led(m->hal->ctx, 0, closed ? SSIM_LED_GREEN : SSIM_LED_RED);
}

static void* create(const ssim_hal* hal, const ssim_node_config* config) {
  if (config->role != SSIM_ROLE_PACK || config->cell_channels == 0) {
    hal->log(hal->ctx, SSIM_LOG_ERROR, "minimal firmware: only the pack BMS role is supported");
    return NULL;
  }
  minimal* m = (minimal*)calloc(1, sizeof *m);
  if (m == NULL) return NULL;
  m->hal = hal;
  m->cells = config->cell_channels;
  m->temps = config->temp_sensors;
  hal->write_output(hal->ctx, SSIM_OUT_POWER_HOLD, 1);
  set_path(m, 1);
  hal->log(hal->ctx, SSIM_LOG_INFO, "minimal firmware: started");
  return m;
}

static void destroy(void* instance) { free(instance); }

static void sample(minimal* m) {
  int32_t min_mV = INT32_MAX, max_mV = INT32_MIN;
  for (uint16_t c = 0; c < m->cells; ++c) {
    int32_t mV = 0;
    if (m->hal->cell_voltage_mV(m->hal->ctx, c, &mV) != SSIM_OK) continue;
    if (mV < min_mV) min_mV = mV;
    if (mV > max_mV) max_mV = mV;
  }
  if (min_mV > max_mV) return; /* nothing converted yet */
  const int outside = max_mV > kOverVoltage_mV || min_mV < kUnderVoltage_mV;
  const int well_inside = max_mV <= kOverVoltage_mV - kHysteresis_mV &&
                          min_mV >= kUnderVoltage_mV + kHysteresis_mV;
  if (!m->tripped && outside) {
    m->tripped = 1;
    set_path(m, 0);
    m->hal->log(m->hal->ctx, SSIM_LOG_WARN, "minimal firmware: cell voltage out of range, path open");
  } else if (m->tripped && well_inside) {
    m->tripped = 0;
    set_path(m, 1);
  }
  int32_t current_mA = 0, pack_mV = 0;
  m->hal->current_mA(m->hal->ctx, &current_mA);
  m->hal->voltage_mV(m->hal->ctx, SSIM_V_BATTERY, &pack_mV);
  int16_t temp_min_dC = INT16_MAX, temp_max_dC = INT16_MIN;
  for (uint16_t t = 0; t < m->temps; ++t) {
    int16_t dC = 0;
    if (m->hal->temperature_dC(m->hal->ctx, t, &dC) != SSIM_OK) continue;
    if (dC < temp_min_dC) temp_min_dC = dC;
    if (dC > temp_max_dC) temp_max_dC = dC;
  }
  if (temp_min_dC > temp_max_dC) temp_min_dC = temp_max_dC = 0; /* no sensor read */
  memset(&m->status, 0, sizeof m->status);
  m->status.state = m->tripped ? SSIM_STATE_PROTECT
                    : current_mA > 500 ? SSIM_STATE_CHARGE
                    : current_mA < -500 ? SSIM_STATE_DISCHARGE
                                        : SSIM_STATE_STANDBY;
  m->status.protections = m->tripped ? 1u : 0u;
  m->status.cell_min_mV = min_mV;
  m->status.cell_max_mV = max_mV;
  m->status.temp_min_dC = temp_min_dC;
  m->status.temp_max_dC = temp_max_dC;
  m->status.pack_voltage_mV = pack_mV;
  m->status.current_mA = current_mA;
  m->hal->debug_status(m->hal->ctx, &m->status);
}

static void tick(void* instance) {
  minimal* m = (minimal*)instance;
  if (m->ticks++ % kSampleEveryTicks == 0) sample(m);
}

static const ssim_firmware kDescriptor = {
    SSIM_HAL_ABI_VERSION, "minimal-c-example", "1.0.0", kTickUs, create, destroy, tick,
    NULL, /* no CAN */
    NULL, /* no RS485 */
};

SSIM_EXPORT const ssim_firmware* SSIM_FIRMWARE_ENTRY(void) { return &kDescriptor; }
