// A PCS that breaks the rules on purpose, in windows the scenario gives
// (docs/inverter.md): ignore the battery's limits, fall silent, send
// malformed frames (wrong DLC, unknown ids, junk payloads of its protocol),
// frames with values the protocol does not define, or use a wrong address.
#pragma once

#include <cstdint>
#include <vector>

#include "bus/can_frame.hpp"
#include "inverter/pcs_profile.hpp"
#include "protocol/dbc.hpp"
#include "scenario/inverter_section.hpp"
#include "util/rng.hpp"

namespace stacksim::inverter {

class Misbehaviour {
 public:
  Misbehaviour(std::vector<scenario::Misbehaviour> windows, const protocol::Dbc& dbc,
               std::uint64_t seed);

  bool active(scenario::MisbehaviourKind kind, std::int64_t now_ns) const;
  // The address a wrong_address window uses now, or -1.
  int wrong_address(std::int64_t now_ns) const;
  // Sends the bad frames due at `now_ns` (malformed_frames, out_of_range).
  // Returns how many.
  int emit(std::int64_t now_ns, PcsProfile& profile, FrameSink& sink);

 private:
  bus::CanFrame malformed(PcsProfile& profile);

  std::vector<scenario::Misbehaviour> windows_;
  std::vector<std::int64_t> next_ns_;  // per window: its next bad frame
  std::vector<std::uint64_t> count_;   // per window: bad frames sent
  std::vector<std::uint32_t> known_ids_;  // the DBC's, never used as "unknown"
  Rng rng_;
};

}  // namespace stacksim::inverter
