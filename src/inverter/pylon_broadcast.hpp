// The Pylontech low-voltage frame set (0x351 limits, 0x355 SOC/SOH, 0x356
// measurements, 0x359 alarms, 0x35C requests) as the PCS reads it. Pylon LV
// sends it with 11-bit ids; Sofar HV sends the same layouts with 29-bit ids
// and the battery id in bits 12-15. Both profiles read it through this class.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "inverter/battery_view.hpp"
#include "inverter/message_port.hpp"
#include "inverter/pcs_profile.hpp"

namespace stacksim::inverter {

class PylonBroadcastReader {
 public:
  PylonBroadcastReader(const protocol::Dbc& dbc, const std::string& label, Diagnostics& diags);
  bool valid() const;
  // A frame whose id (address taken out) is `base_id`; nullopt if it is not
  // one of the five.
  std::optional<Received> read(std::uint32_t base_id, const bus::CanFrame& f, BatteryView& view);
  bool owns(std::uint32_t base_id) const;
  std::uint32_t requests_id() const { return requests_.id(); }

 private:
  MessagePort limits_, soc_, measurements_, alarms_, requests_;
};

}  // namespace stacksim::inverter
