// What a replay of a recorded bus log did: the "replay" section of
// summary.json and the counts of the result line (docs/replay.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace stacksim::sim {

struct ReplayReport {
  std::string log_file;    // as given on the command line
  std::string log_sha256;  // of the log's bytes
  std::string protocol;    // the profile whose DBC told the senders apart
  std::string dbc_file;
  // Subtracted from the log's times (--start-at); 0: the log's own times.
  std::int64_t offset_ns = 0;
  std::uint64_t records = 0;         // frames read from the log
  std::uint64_t pcs_frames = 0;      // sent by the PCS (the DBC's sender): replayed
  std::uint64_t battery_frames = 0;  // sent by the battery (its protocol, or the BCUs' link): not replayed
  std::uint64_t unknown_frames = 0;  // identifiers no DBC has: skipped
  std::vector<std::string> unknown_ids;  // the first kMaxUnknownIds distinct ones, in log order
  static constexpr std::size_t kMaxUnknownIds = 16;
  std::uint64_t sent = 0;       // put on the bus
  std::uint64_t late = 0;       // of those, queued after their time (the replayer's queue was full)
  std::uint64_t refused = 0;    // the bus refused them (the replayer bus-off)
  std::uint64_t after_end = 0;  // due after the run ended: not sent
};

nlohmann::ordered_json replay_json(const ReplayReport& report);

}  // namespace stacksim::sim
