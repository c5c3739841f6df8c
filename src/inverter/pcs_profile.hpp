// The PCS side of one battery protocol: what the inverter sends and when, and
// which battery frames it reads into the BatteryView. One file per profile
// (pylon_lv.cpp, pylon_hv.cpp, sofar_hv.cpp, growatt_lv.cpp); the registry
// (profile_registry.hpp) names them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "bus/can_frame.hpp"
#include "inverter/battery_view.hpp"

namespace stacksim::inverter {

// Where a profile's frames go (the inverter: the bus, or nowhere while it
// plays silent).
class FrameSink {
 public:
  virtual ~FrameSink() = default;
  virtual void send(const bus::CanFrame& f) = 0;
};

// What a received frame was to the inverter.
enum class Received {
  kDecoded,       // a battery frame it reads, applied to the view
  kMalformed,     // a battery frame it reads, but broken (DLC, remote, out of range)
  kOtherAddress,  // a battery frame for another address
  kIgnored,       // a frame it has no use for
};

// Commands a PCS can give the battery, where its protocol has them.
enum class PcsCommand { kSleep, kWake, kChargeCommand, kDischargeCommand, kMaskCommFail };

class PcsProfile {
 public:
  virtual ~PcsProfile() = default;

  // Sends what is due at `now_ns` (called at the start of every step; a
  // period that is not a multiple of the step sends at the first step at or
  // after its time, without drifting).
  void transmit(std::int64_t now_ns, FrameSink& sink) {
    while (now_ns >= next_ns_) {
      send_cycle(cycle_++, sink);
      next_ns_ += period_ns_;
    }
  }
  virtual Received receive(const bus::CanFrame& f, BatteryView& view) = 0;
  // Sends a command now; false if the protocol has no such command.
  virtual bool command(PcsCommand, FrameSink&) { return false; }
  // A PCS frame with a value the protocol does not define (misbehaviour
  // "out_of_range"), the k-th of a cycle of such frames.
  virtual bus::CanFrame out_of_range_frame(std::uint64_t k) = 0;
  // A well-formed PCS frame of the protocol (the base of malformed ones).
  virtual bus::CanFrame sample_frame() = 0;

  // The battery address the PCS talks to and listens for (0..15).
  void set_address(int address) { address_ = address; }
  int address() const { return address_; }
  std::int64_t period_ns() const { return period_ns_; }
  // Answers the battery gave to a comm-fail masking request (Pylon HV 0x8250).
  int mask_accepted = 0, mask_refused = 0;

 protected:
  explicit PcsProfile(std::int64_t period_ns) : period_ns_(period_ns) {}
  virtual void send_cycle(std::uint64_t cycle, FrameSink& sink) = 0;

  int address_ = 0;

 private:
  std::int64_t period_ns_;
  std::int64_t next_ns_ = 0;
  std::uint64_t cycle_ = 0;
};

// A profile built from its DBC, or nullptr if the DBC lacked what it uses
// (the diagnostics say what); each profile's factory is this.
template <typename Profile, typename Dbc, typename Diags>
std::unique_ptr<PcsProfile> make_if_valid(const Dbc& dbc, const std::string& label, Diags& diags) {
  auto p = std::make_unique<Profile>(dbc, label, diags);
  if (!p->valid()) return nullptr;
  return p;
}

// For heartbeat-only PCS frames (Pylon LV 0x305, Growatt LV 0x301), where
// any content is valid: the out-of-range frames are a remote frame of it,
// then one with no data.
inline bus::CanFrame abused_heartbeat(bus::CanFrame f, std::uint64_t k) {
  if (k % 2 == 0) {
    f.rtr = true;
  } else {
    f.dlc = 0;
  }
  return f;
}

}  // namespace stacksim::inverter
