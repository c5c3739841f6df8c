// What a PCS protocol profile is: the battery side of one protocol
// (profiles.hpp), fed frames from the PCS and ticked every 10 ms, working on
// the shared context below. The profiles themselves hold only their own
// timing; everything else (options, report, queue, commands) is the link's.
#pragma once

#include <cstdint>

#include "pcs/pcs_report.hpp"
#include "pcs/pcs_tx.hpp"
#include "stacksim/hal.h"

namespace stacksim::fw {

// Index = the parameter's name index (core/param_spec.hpp).
enum class PcsProtocol : std::uint8_t { kPylonLv = 0, kPylonHv = 1, kSofarHv = 2, kGrowattLv = 3 };
enum class PcsManufacturer : std::uint8_t { kProfile = 0, kPylon, kAmass, kSofar, kGrowatt, kStacksim };

struct PcsOptions {
  PcsProtocol protocol = PcsProtocol::kPylonLv;
  std::uint8_t address = 0;                 // pcs.address: Pylon HV nibble, Sofar battery id
  PcsManufacturer manufacturer = PcsManufacturer::kProfile;
  bool pylon_lv_dvl = true;                 // 0x351 bytes 6-7 (DLC 8) or not (DLC 6)
  bool pylon_lv_system_error_bit7 = false;  // 0x359 byte 1 bit 7 instead of bit 3
  bool pylon_hv_big_endian = false;
  bool pylon_hv_current_offset = true;      // raw = 10 x A + 30000
  bool pylon_hv_dcl_positive = false;       // 0x4220 bytes 6-7: 30000 + I instead of 30000 - I
  std::uint32_t pcs_timeout_ms = 10000;
  bool open_on_comm_loss = false;           // pcs.comm_loss = open
  std::uint32_t masking_ms = 300000;        // pcs.masking_ms
  const char* product = "";                 // in serial numbers
};

// Single cells and sensors, for the frames that list them (Sofar inquiries,
// Growatt 0x315-0x318). Implemented by the role, which has them.
class PcsCellSource {
 public:
  // Cell voltages of module `module` (from 0) into mV[0..max); how many were
  // written (0: no such module or no data).
  virtual int module_cells(std::uint16_t module, std::uint16_t* mV, int max) const = 0;
  virtual int module_temperatures(std::uint16_t module, std::int16_t* dC, int max) const = 0;

 protected:
  ~PcsCellSource() = default;
};

// What the PCS commanded, as far as the protocol has commands (Pylon HV).
struct PcsCommands {
  enum class Sleep : std::uint8_t { kNone, kSleep, kWake };
  Sleep sleep = Sleep::kNone;      // the last sleep/wake command
  bool charge_command = false;     // the last 0x8210 byte 0 was 0xAA
  bool discharge_command = false;  // ... byte 1
  std::uint32_t masking_requests = 0;
  bool masking_granted = false;    // the last answer to a masking request
  std::uint32_t masking_granted_ms = 0;  // when it was granted (valid if masking_granted)
};

struct PcsContext {
  const PcsOptions& options;
  const PcsReport& report;
  const PcsCellSource* cells;  // may be null
  PcsTxQueue& tx;
  PcsCommands& commands;
  std::uint32_t now_ms;
  std::int64_t rtc_s;          // the board's calendar time
};

enum class PcsRx : std::uint8_t {
  kUnknown,      // not a frame of this profile
  kValid,        // a PCS frame of this profile, handled
  kUnsupported,  // a PCS frame of this profile asking what the battery does not offer
  kMalformed,    // an id of this profile with a payload that cannot be right
};

class PcsProfile {
 public:
  virtual PcsRx receive(const ssim_can_frame& frame, PcsContext& ctx) = 0;
  virtual void tick(PcsContext& ctx) = 0;  // every 10 ms

 protected:
  ~PcsProfile() = default;
};

}  // namespace stacksim::fw
