// A simulated system with one RS485 line bound to a real pseudo-terminal as
// `stacksim serve --bus LINE=pty:PATH` binds it (serve/endpoints.hpp,
// serve/rs485_gateway.hpp), and a device program on the pty's far end
// (PtyHost): what the hostile-input and flood tests of the RS485 lines drive.
//
// The gateway cuts bursts by the line's idle gap on the clock the endpoint
// stamps its reads with; here that clock is scripted and follows simulated
// time, and the rig runs the endpoint until it has read every byte the
// device wrote before it steps, so which step a burst enters the line at
// depends only on when (in simulated time) the device sent it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "../io/pty_host.hpp"
#include "plant_fixture.hpp"
#include "serve/rs485_gateway.hpp"

namespace stacksim::serve::testing {

using Bytes = std::string;  // the line's bytes, as the pty carries them

class PtyLineRig {
 public:
  static constexpr std::int64_t kStepNs = sim::testing::PlantRig::kStep_ns;

  // `config` (configs/) with `line` on a pty; `externals` are boards run by
  // the device instead of firmware (serve --external).
  PtyLineRig(const std::string& config, const std::string& line, const std::vector<std::string>& externals = {});
  ~PtyLineRig();

  // The operator's start, until the main path is closed (the master pack's
  // firmware runs and answers the PCS).
  void start();
  // The operator's start only (a system whose master is external never
  // closes its path).
  void power_on() { rig_.start(); }
  // One step: the bursts that are whole enter the line, the plant runs, what
  // the line sent out is read by the device.
  void step();
  // The device writes `bytes`, whose last byte arrives `at_ns` (simulated
  // time, not before the last call's; default: now).
  void send(const Bytes& bytes, std::int64_t at_ns = -1);
  // One burst from the device, then the plant runs `settle_ns`: what the
  // device heard meanwhile.
  Bytes exchange(const Bytes& bytes, std::int64_t settle_ns = 200'000'000);
  // Runs `settle_ns`: what the device heard.
  Bytes listen(std::int64_t settle_ns);

  // The device closes the pty and another opens it.
  void reopen();
  // The device writes `part` of a frame and leaves; 100 ms later another
  // opens the pty. What the line sent meanwhile.
  Bytes leave_mid_frame(const Bytes& part);
  // Whether firmware.log has `text` once the plant has run long enough for a
  // count logged at most every 10 s (CountLog) to show its last value.
  bool logs(const std::string& text);

  sim::testing::PlantRig& plant() { return rig_; }
  Rs485Gateway& gateway() { return *gateway_; }
  bus::Rs485Line& line() { return *line_; }
  std::int64_t now_ns() const { return rig_.now_ns(); }
  // The gateway's summary row (frames_in, frames_out, malformed, ...).
  sim::ExternalBusReport report();

 private:
  class Arrivals;

  sim::testing::PlantRig rig_;
  std::filesystem::path dir_;
  boost::asio::io_context io_;
  std::int64_t clock_ns_ = 0;
  Arrivals* arrivals_ = nullptr;  // owned by the gateway
  std::unique_ptr<Rs485Gateway> gateway_;
  bus::Rs485Line* line_ = nullptr;
  std::unique_ptr<io::testing::PtyHost> host_;
  std::uint64_t written_ = 0;  // bytes the device has written
  Bytes heard_;
};

// The line the master pack logs about its RS485 port toward the PCS.
std::string pcs485_counts(int unreadable, int errors, int answered, int other);

}  // namespace stacksim::serve::testing
