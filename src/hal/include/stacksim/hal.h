/*
 * stacksim HAL: the only surface a BMS firmware may touch.
 *
 * Plain C11, no C++ types, no dynamic allocation required. A firmware is a
 * shared library (or a statically linked object) that exports one function,
 * SSIM_FIRMWARE_ENTRY, returning a descriptor (ssim_firmware). The simulator
 * creates one firmware instance per BMS board ("node"), hands it the board's
 * hardware as a table of functions (ssim_hal) and calls tick() at the period
 * the firmware asks for. Frames and bytes arrive through the receive
 * callbacks, always between ticks, in simulated time order.
 *
 * Units are the firmware's own: mV, mA, 0.1 degC (dC), microseconds. The
 * simulator converts from physics (SI doubles) only at this boundary.
 *
 * Rules for firmware:
 *   - Time comes only from hal->time_us(); never read a clock.
 *   - Everything the board can sense or drive goes through ssim_hal.
 *   - A call into the HAL never blocks and never calls back into the firmware.
 *   - Losing power is destroy(); power coming back is create() again. Only
 *     non-volatile storage (nvm_*) survives.
 *
 * Versioning: SSIM_HAL_ABI_VERSION changes whenever a struct layout, a
 * function signature or the meaning of a field changes. The simulator refuses
 * a firmware built for another version.
 */
#ifndef STACKSIM_HAL_H
#define STACKSIM_HAL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SSIM_HAL_ABI_VERSION 1u

/* Name of the one symbol a firmware library exports. */
#define SSIM_FIRMWARE_ENTRY ssim_firmware_entry
#define SSIM_FIRMWARE_ENTRY_NAME "ssim_firmware_entry"

/* Marks the entry point as exported when the library hides other symbols
 * (-fvisibility=hidden, which firmware libraries should use). */
#if defined(__GNUC__)
#define SSIM_EXPORT __attribute__((visibility("default")))
#else
#define SSIM_EXPORT
#endif

/* Limits of one board. */
#define SSIM_MAX_CELLS 32        /* series cell channels of one front end */
#define SSIM_MAX_TEMPS 16        /* temperature sensors of one board */
#define SSIM_MAX_LEDS 8
#define SSIM_MAX_PORTS 4         /* CAN ports, RS485 ports (each) */
#define SSIM_NVM_BYTES 256u      /* non-volatile storage of one board */

/* Return codes of HAL functions. */
typedef enum ssim_status_code {
  SSIM_OK = 0,
  SSIM_E_RANGE = -1,       /* channel, port or offset does not exist on this board */
  SSIM_E_NOT_READY = -2,   /* no conversion finished yet since power-on */
  SSIM_E_FAULT = -3,       /* the front end reports a fault (e.g. open wire, bus-off) */
  SSIM_E_BUSY = -4         /* transmit queue full: try again later */
} ssim_status_code;

/* ------------------------------------------------------------------ */
/* What a node is                                                       */
/* ------------------------------------------------------------------ */

typedef enum ssim_role {
  SSIM_ROLE_MODULE = 1,   /* slave BMS in an HV module (GTX3000) */
  SSIM_ROLE_BCU = 2,      /* master BMS in the BCU of an HV string (GTX3000) */
  SSIM_ROLE_PACK = 3      /* BMS of a low-voltage pack (GTX5000, GTX2500, 6.5 kWh) */
} ssim_role;

/* One calibration parameter, as stored in the board's parameter flash. The
 * simulator fills them from the product file in models/ (protection table,
 * derating, timings). Keys are ASCII, values integers in firmware units. A
 * firmware ignores keys it does not know. */
typedef struct ssim_param {
  const char* key;
  int32_t value;
} ssim_param;

/* Given to create(); valid until destroy(). */
typedef struct ssim_node_config {
  uint32_t abi_version;        /* SSIM_HAL_ABI_VERSION of the simulator */
  ssim_role role;
  const char* product;         /* "gtx3000", "gtx5000", "gtx2500", "lfp65" */
  uint16_t cell_channels;      /* series cell channels this board measures (0 on a BCU) */
  uint16_t temp_sensors;       /* temperature sensors this board has */
  uint16_t modules;            /* BCU: modules in its string; otherwise 1 */
  uint16_t can_ports;          /* CAN ports wired on this board */
  uint16_t rs485_ports;        /* RS485 ports wired on this board */
  uint16_t leds;               /* LEDs on the front panel */
  const ssim_param* params;    /* calibration data */
  size_t param_count;
} ssim_node_config;

/* ------------------------------------------------------------------ */
/* Inputs and outputs                                                   */
/* ------------------------------------------------------------------ */

/* Analogue voltage measurement points (besides the cells). */
typedef enum ssim_voltage_point {
  SSIM_V_BATTERY = 0,   /* battery side of the main switch (string or pack) */
  SSIM_V_LINK = 1,      /* terminal (PCS / DC-link) side of the main switch */
  SSIM_V_SUPPLY = 2     /* the board's own supply (BCU: 12 V DC/DC), mV */
} ssim_voltage_point;

/* Digital inputs: 1 active, 0 inactive. */
typedef enum ssim_input {
  SSIM_IN_BUTTON = 0,        /* start (BCU, LV packs) / POWER (6.5 kWh) button pressed */
  SSIM_IN_BREAKER = 1,       /* power switch / breaker closed */
  SSIM_IN_WAKE = 2,          /* wake voltage present (6.5 kWh: 45-60 V on WAKE+/WAKE-) */
  SSIM_IN_ADDRESS = 3,       /* address-coding input (ADR_IN / Link In) asserted */
  SSIM_IN_FUSE_OK = 4,       /* DC fuse intact (fuse monitor) */
  SSIM_IN_POS_FEEDBACK = 5,  /* auxiliary contact of the positive contactor: closed */
  SSIM_IN_NEG_FEEDBACK = 6,  /* auxiliary contact of the negative contactor: closed */
  SSIM_IN_LINK_OUT = 7,      /* a cable is plugged into Link Port Out (parallel packs / BCUs) */
  SSIM_IN_LINK_ADDRESS = 8,  /* BCU: coding input of the BCU Link Port In (parallel strings) */
  SSIM_INPUT_COUNT = 9
} ssim_input;

/* Digital outputs: 1 energised / closed, 0 released / open. */
typedef enum ssim_output {
  SSIM_OUT_POS_CONTACTOR = 0,  /* main positive contactor (LV packs: charge MOSFET path) */
  SSIM_OUT_NEG_CONTACTOR = 1,  /* main negative contactor (LV packs: discharge MOSFET path) */
  SSIM_OUT_PRECHARGE = 2,      /* pre-charge (soft-start) relay */
  SSIM_OUT_DRY1 = 3,           /* dry contact 1 (its meaning is per product) */
  SSIM_OUT_DRY2 = 4,           /* dry contact 2 */
  SSIM_OUT_ADDRESS = 5,        /* address-coding output (ADR_OUT / Link Out) */
  SSIM_OUT_POWER_HOLD = 6,     /* self-hold of the board supply; releasing it powers the board off */
  SSIM_OUT_CHARGE_BLOCK = 7,   /* BCU: block charge current (a diode still lets the string discharge) */
  SSIM_OUT_LINK_ADDRESS = 8,   /* BCU: coding output of the BCU Link Port Out (parallel strings) */
  SSIM_OUTPUT_COUNT = 9
} ssim_output;

/* LED colour as an RGB bit set: purple is red|blue, white all three. */
typedef enum ssim_led_colour {
  SSIM_LED_OFF = 0,
  SSIM_LED_RED = 1,
  SSIM_LED_GREEN = 2,
  SSIM_LED_BLUE = 4,
  SSIM_LED_YELLOW = 3,  /* red|green */
  SSIM_LED_PURPLE = 5,  /* red|blue */
  SSIM_LED_WHITE = 7
} ssim_led_colour;

typedef struct ssim_can_frame {
  uint32_t id;        /* 11-bit or 29-bit identifier, without flag bits */
  uint8_t extended;   /* 1: 29-bit identifier */
  uint8_t rtr;        /* 1: remote frame (no data) */
  uint8_t dlc;        /* 0..8 */
  uint8_t data[8];
} ssim_can_frame;

typedef enum ssim_log_level {
  SSIM_LOG_DEBUG = 0,
  SSIM_LOG_INFO = 1,
  SSIM_LOG_WARN = 2,
  SSIM_LOG_ERROR = 3
} ssim_log_level;

/* ------------------------------------------------------------------ */
/* Debug port: what the firmware reports about itself                  */
/* ------------------------------------------------------------------ */

/* BMS states named by the manuals. */
typedef enum ssim_bms_state {
  SSIM_STATE_SHUTDOWN = 0,
  SSIM_STATE_STANDBY = 1,
  SSIM_STATE_CHARGE = 2,
  SSIM_STATE_DISCHARGE = 3,
  SSIM_STATE_FULL_CHARGE = 4,
  SSIM_STATE_PROTECT = 5,        /* recoverable */
  SSIM_STATE_FAULT = 6,          /* needs service */
  SSIM_STATE_OVER_DISCHARGED = 7,
  SSIM_STATE_STARTING = 8        /* power-on sequence, coding, pre-charge */
} ssim_bms_state;

/* The state's name as logs, CSV columns and reports spell it. */
static inline const char* ssim_bms_state_name(ssim_bms_state state) {
  switch (state) {
    case SSIM_STATE_SHUTDOWN: return "shutdown";
    case SSIM_STATE_STANDBY: return "standby";
    case SSIM_STATE_CHARGE: return "charge";
    case SSIM_STATE_DISCHARGE: return "discharge";
    case SSIM_STATE_FULL_CHARGE: return "full-charge";
    case SSIM_STATE_PROTECT: return "protect";
    case SSIM_STATE_FAULT: return "fault";
    case SSIM_STATE_OVER_DISCHARGED: return "over-discharged";
    case SSIM_STATE_STARTING: return "starting";
  }
  return "unknown";
}

/* Request bits toward the PCS. */
#define SSIM_REQ_FORCE_CHARGE 0x1u  /* SOC below the force-charge threshold */
#define SSIM_REQ_FULL_CHARGE 0x2u   /* recalibration: first power-on or 30 days below 97% */

/* What a BMS would show on its RS232 debug port, sent whenever it likes
 * (the reference firmware: every 100 ms). The simulator records it; the
 * scenario expectations of later issues test it. */
typedef struct ssim_debug_status {
  ssim_bms_state state;
  uint32_t warnings;          /* bit i: protection row i at warning tier or above */
  uint32_t alarms;            /* bit i: row i at alarm tier or above */
  uint32_t protections;       /* bit i: row i tripped (protection tier) */
  uint32_t faults;            /* diagnosis bits (SSIM_FAULT_*) */
  uint16_t soc_permille;      /* estimated SOC, 0.1 % */
  uint16_t soh_permille;
  uint32_t cycles;
  int32_t pack_voltage_mV;
  int32_t current_mA;         /* + charge */
  int32_t charge_limit_mA;    /* allowed charge current now */
  int32_t discharge_limit_mA; /* allowed discharge current now (positive) */
  int32_t charge_voltage_mV;  /* requested charge voltage */
  int32_t discharge_voltage_mV; /* discharge cut-off */
  int32_t cell_min_mV, cell_max_mV;
  int16_t temp_min_dC, temp_max_dC;
  uint32_t requests;          /* SSIM_REQ_* */
} ssim_debug_status;

/* Diagnosis bits of ssim_debug_status.faults. */
#define SSIM_FAULT_AFE 0x1u              /* cell-voltage front end */
#define SSIM_FAULT_TEMP_SENSOR 0x2u
#define SSIM_FAULT_CURRENT_SENSOR 0x4u
#define SSIM_FAULT_CONTACTOR_WELDED 0x8u
#define SSIM_FAULT_CONTACTOR_STUCK_OPEN 0x10u
#define SSIM_FAULT_PRECHARGE 0x20u
#define SSIM_FAULT_INTERNAL_COMM 0x40u   /* a module or pack stopped reporting */
#define SSIM_FAULT_PCS_COMM 0x80u
#define SSIM_FAULT_FUSE 0x100u
#define SSIM_FAULT_SUPPLY 0x200u
#define SSIM_FAULT_ZERO_VOLT_CELL 0x400u
#define SSIM_FAULT_ADDRESSING 0x800u     /* automatic coding failed */
#define SSIM_FAULT_PARALLEL 0x1000u

/* ------------------------------------------------------------------ */
/* The board, as the firmware sees it                                   */
/* ------------------------------------------------------------------ */

typedef struct ssim_hal {
  uint32_t abi_version;
  void* ctx;  /* pass to every function below */

  /* Time since the board was powered, in microseconds. */
  uint64_t (*time_us)(void* ctx);
  /* Calendar time (local), seconds since 1970-01-01 00:00, from the board's RTC. */
  int64_t (*rtc_s)(void* ctx);

  /* Latest conversion of a cell channel (0-based, bottom of the stack first).
   * An open sense wire reads as the front end would (see docs/hardware.md). */
  int (*cell_voltage_mV)(void* ctx, uint16_t channel, int32_t* mV);
  /* Latest conversion of a temperature sensor, 0.1 degC. */
  int (*temperature_dC)(void* ctx, uint16_t sensor, int16_t* dC);
  /* Board temperature sensor, 0.1 degC. */
  int (*board_temperature_dC)(void* ctx, int16_t* dC);
  /* Current through the shunt, + into the battery (charge). */
  int (*current_mA)(void* ctx, int32_t* mA);
  int (*voltage_mV)(void* ctx, ssim_voltage_point point, int32_t* mV);

  int (*read_input)(void* ctx, ssim_input input);
  void (*write_output)(void* ctx, ssim_output output, int on);
  /* Balancing switch across cell channel `channel`. */
  void (*set_balancing)(void* ctx, uint16_t channel, int on);
  void (*set_led)(void* ctx, uint16_t led, ssim_led_colour colour);

  /* Queue a frame on a CAN port. SSIM_E_BUSY when the transmit queue is full,
   * SSIM_E_FAULT when the controller is bus-off. */
  int (*can_send)(void* ctx, uint16_t port, const ssim_can_frame* frame);
  /* Controller error counters of a CAN port; either pointer may be NULL.
   * Returns 0 error-active, 1 error-passive, 2 bus-off. */
  int (*can_state)(void* ctx, uint16_t port, uint16_t* tec, uint16_t* rec);
  /* Start bus-off recovery (128 x 11 recessive bits) on a bus-off port. */
  void (*can_recover)(void* ctx, uint16_t port);
  /* Write bytes on an RS485 port: the driver enables its transmitter for the
   * time the bytes take and releases the line after the last stop bit. */
  int (*rs485_write)(void* ctx, uint16_t port, const uint8_t* data, size_t len);

  /* Non-volatile storage of SSIM_NVM_BYTES bytes; erased bytes read 0xFF. */
  int (*nvm_read)(void* ctx, uint32_t offset, void* data, size_t len);
  int (*nvm_write)(void* ctx, uint32_t offset, const void* data, size_t len);

  void (*debug_status)(void* ctx, const ssim_debug_status* status);
  void (*log)(void* ctx, ssim_log_level level, const char* message);
} ssim_hal;

/* ------------------------------------------------------------------ */
/* The firmware, as the simulator sees it                               */
/* ------------------------------------------------------------------ */

typedef struct ssim_firmware {
  uint32_t abi_version;        /* SSIM_HAL_ABI_VERSION the firmware was built with */
  const char* name;
  const char* version;
  uint32_t tick_period_us;     /* tick() is called every this many microseconds */
  /* Power-on: returns the instance, or NULL if the configuration is unusable
   * (the firmware logs why). `hal` and `config` stay valid until destroy. */
  void* (*create)(const ssim_hal* hal, const ssim_node_config* config);
  void (*destroy)(void* instance);
  void (*tick)(void* instance);
  /* A frame received on CAN port `port` (its transmission ended at time_us()). */
  void (*can_receive)(void* instance, uint16_t port, const ssim_can_frame* frame);
  /* Bytes received on RS485 port `port`: one burst, delivered when the line
   * went idle after it. A burst hit by a collision arrives corrupted. */
  void (*rs485_receive)(void* instance, uint16_t port, const uint8_t* data, size_t len);
} ssim_firmware;

typedef const ssim_firmware* (*ssim_firmware_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* STACKSIM_HAL_H */
