// The battery's RS485 port toward the PCS (the manuals' "RS485 to PCS" pins
// of the CAN / RS485 jack; HAL RS485 port 1 of an LV pack). The PCS is the
// master and polls; the battery answers each request addressed to it at
// once, in the protocol of pcs485.protocol:
//   none     the port stays silent
//   pylon    Pylontech RS485 ASCII (pylon_rs485_answer.hpp)
//   growatt  Growatt BMS RS485 Modbus RTU (growatt_modbus.hpp)
// Parameters (docs/firmware-parameters.md): pcs485.protocol, pcs485.address
// (the Pylon ADR / the Modbus slave address), pcs485.baud (the line's rate;
// the UART's business, read by the simulator for the line).
#pragma once

#include <cstddef>
#include <cstdint>

#include "app/event_log.hpp"
#include "core/params.hpp"
#include "pcs/growatt_modbus.hpp"
#include "pcs/pcs_limits.hpp"
#include "pcs/pcs_profile.hpp"
#include "pcs/pcs_report.hpp"
#include "pcs/pylon_rs485.hpp"
#include "stacksim/hal.h"

namespace stacksim::fw {

// Index = the parameter's name index (core/param_spec.hpp).
enum class Pcs485Protocol : std::uint8_t { kNone = 0, kPylon = 1, kGrowatt = 2 };

// Logged in firmware.log when `unreadable` or `refused` grow (CountLog).
struct Pcs485Counters {
  std::uint32_t answered = 0;    // requests for this battery answered normally
  std::uint32_t refused = 0;     // ... answered with an error (Pylon RTN, Modbus exception)
  std::uint32_t other = 0;       // requests for another address: not this battery's to answer
  std::uint32_t unreadable = 0;  // not a frame, a bad CRC, too short or too long: no answer
};

class Pcs485Link {
 public:
  // Reads pcs485.protocol and pcs485.address (mandatory). `port` is the
  // board's RS485 port wired to the PCS; `cells` (may be null) the pack's
  // cells for the per-cell answers.
  void configure(const ssim_hal* hal, std::uint16_t port, const ParamSet& params, const char* product,
                 PcsManufacturer manufacturer, const PcsCellSource* cells);
  void set_limits(const PcsLimits& limits) { limits_ = limits; }
  // Logs the counters when bad input has come since the last time.
  void tick(std::uint32_t now_ms);

  // One burst from the port: answered at once if it is a request for this
  // battery. `system` is what the PCS is told (the CAN profiles' report),
  // `pack` this pack's own. True when the PCS spoke to this battery (PCS
  // communication, even if the answer is an error).
  bool receive(const std::uint8_t* data, std::size_t len, const PcsReport& system, const PcsReport& pack);

  Pcs485Protocol protocol() const { return protocol_; }
  const Pcs485Counters& counters() const { return counters_; }

 private:
  bool answer_pylon(const std::uint8_t* data, std::size_t len, const PcsReport& system, const PcsReport& pack);
  bool answer_growatt(const std::uint8_t* data, std::size_t len, const PcsReport& system);
  void send(const std::uint8_t* data, std::size_t len);

  const ssim_hal* hal_ = nullptr;
  std::uint16_t port_ = 0;
  Pcs485Protocol protocol_ = Pcs485Protocol::kNone;
  std::uint8_t address_ = 0;
  const char* product_ = "";
  PcsManufacturer manufacturer_ = PcsManufacturer::kProfile;
  const PcsCellSource* cells_ = nullptr;
  PcsLimits limits_;
  GrowattRegisters registers_;
  Pcs485Counters counters_;
  CountLog bad_log_;  // unreadable + refused
};

}  // namespace stacksim::fw
