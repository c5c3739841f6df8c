// The battery's link to the PCS (inverter) on CAN port 0: the protocol
// profile chosen by pcs.protocol with its options, what the PCS
// communication looks like (alive, counters) and what the PCS commanded.
//
// The role firmware gives it a report every 100 ms (set_report; a parallel
// master gives the merged system report) and calls tick() every 10 ms and
// receive() for every frame on port 0 that is not its own. Parameters
// (docs/firmware-parameters.md, docs/pcs-protocols.md):
//   pcs.protocol                    pylon-lv | pylon-hv | sofar-hv | growatt-lv
//   pcs.address                     Pylon HV address nibble / Sofar battery id
//   pcs.manufacturer                profile | pylon | amass | sofar | growatt | stacksim
//   pcs.pylon_lv.dvl                on | off (0x351 with / without bytes 6-7)
//   pcs.pylon_lv.system_error_bit   spec | bit7
//   pcs.pylon_hv.byte_order         le | be
//   pcs.pylon_hv.current_offset     on | off
//   pcs.pylon_hv.dcl_sign           negative | positive
//   comm.pcs_timeout_ms             no valid PCS frame for this long: not alive
//   pcs.comm_loss                   report | open: what the role does when comm_lost()
//   pcs.masking_ms                  how long a granted 0x8240 masking lasts
#pragma once

#include <cstdint>

#include "app/event_log.hpp"
#include "core/params.hpp"
#include "pcs/pcs_profile.hpp"
#include "pcs/pcs_report.hpp"
#include "pcs/pcs_tx.hpp"
#include "pcs/profiles.hpp"
#include "stacksim/hal.h"

namespace stacksim::fw {

struct PcsCounters {
  std::uint32_t valid = 0;        // PCS frames of the profile, handled
  std::uint32_t unsupported = 0;  // PCS frames asking for what the battery does not offer
  std::uint32_t malformed = 0;    // an id of the profile with an impossible payload
  std::uint32_t unknown = 0;      // ids the profile does not know
};

class PcsLink {
 public:
  // Reads the pcs.* parameters (mandatory: a missing one is remembered by
  // `params` for the caller's report). `product` names serial numbers;
  // `cells` (may be null) answers per-cell inquiries.
  void configure(const ssim_hal* hal, const ParamSet& params, const char* product, const PcsCellSource* cells);

  void set_report(const PcsReport& report) { report_ = report; }
  void tick(std::uint32_t now_ms);
  // A frame from CAN port 0. True if it was a valid frame of the profile
  // (the PCS is talking), false for anything else (counted).
  bool receive(const ssim_can_frame& frame, std::uint32_t now_ms);

  // Any valid frame of the profile within comm.pcs_timeout_ms.
  bool alive(std::uint32_t now_ms) const { return heard_ && now_ms - last_heard_ms_ < options_.pcs_timeout_ms; }
  bool heard() const { return heard_; }
  // Heard once, silent since for comm.pcs_timeout_ms, and no masking the
  // battery granted (Pylon HV 0x8240) within pcs.masking_ms.
  bool comm_lost(std::uint32_t now_ms) const {
    const bool masked = commands_.masking_granted && now_ms - commands_.masking_granted_ms < options_.masking_ms;
    return heard_ && !alive(now_ms) && !masked;
  }
  std::uint32_t last_heard_ms() const { return last_heard_ms_; }
  // The PCS spoke on another port (the RS485 pins, pcs485_link.hpp): it is
  // alive as if a valid frame of the profile had arrived.
  void note_heard(std::uint32_t now_ms) {
    heard_ = true;
    last_heard_ms_ = now_ms;
  }

  const PcsOptions& options() const { return options_; }
  const PcsReport& report() const { return report_; }
  const PcsCommands& commands() const { return commands_; }
  const PcsCounters& counters() const { return counters_; }
  const PcsTxQueue& tx() const { return tx_; }

 private:
  PcsProfile& profile();
  PcsContext context(std::uint32_t now_ms);
  void log_counters(std::uint32_t now_ms);

  const ssim_hal* hal_ = nullptr;
  PcsOptions options_;
  const PcsCellSource* cells_ = nullptr;
  PcsReport report_;
  PcsCommands commands_;
  PcsCounters counters_;
  PcsTxQueue tx_;
  PylonLvProfile pylon_lv_;
  PylonHvProfile pylon_hv_;
  SofarHvProfile sofar_hv_;
  GrowattLvProfile growatt_lv_;
  bool heard_ = false;
  std::uint32_t last_heard_ms_ = 0;
  CountLog bad_log_;  // malformed frames
};

}  // namespace stacksim::fw
