// What `stacksim serve` adds to summary.json (docs/serve.md): the pacer's
// lateness and each external bus's traffic.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace stacksim::sim {

struct LatenessStats {
  std::uint64_t ticks = 0;
  std::int64_t p50_ns = 0, p99_ns = 0, max_ns = 0;
};

struct ExternalBusReport {
  std::string bus;   // the plant's bus name
  std::string spec;  // the transport string it was bound to
  std::uint64_t frames_in = 0;        // from outside onto the simulated bus
  std::uint64_t frames_out = 0;       // from the simulated bus to the outside (per client)
  std::uint64_t frames_dropped = 0;   // not delivered to a client that fell behind
  std::uint64_t frames_refused = 0;   // from outside, not accepted by the bus (queue full, bus-off)
  std::uint64_t malformed = 0;        // messages or frames that did not parse
  std::uint64_t clients = 0;          // connections accepted
  // Transports with a CAN controller (socketcan): its error frames and the
  // state it ended in ("error-active", "bus-off", "unknown" on vcan); empty for the others.
  std::uint64_t error_frames = 0;
  std::string controller_state;
  // An SLCAN adapter (slcan): the last bit rate a host set with "S" (0: none),
  // which shows that a host such as the kernel's slcan driver configured it,
  // and the adapter's state at the end ("closed", "open", "listen-only");
  // empty mode for the other transports.
  std::uint32_t slcan_bitrate_bps = 0;
  std::string slcan_mode;
};

struct ServeReport {
  double speed = 1.0;
  LatenessStats lateness;
  bool stopped_by_signal = false;
  std::vector<ExternalBusReport> buses;
};

}  // namespace stacksim::sim
