// `stacksim replay LOG --system NAME [--expect FILE] [--out DIR] [--duration D]
// [--start-at D] [--seed N] [--protocol NAME]`: the PCS side of a recorded
// candump log drives the system instead of the virtual inverter; the
// battery's answers are recorded and the expectations of FILE judged
// (docs/replay.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace stacksim::cli {

struct ReplayOptions {
  std::string log;
  std::string system;    // required unless --expect names one
  std::string expect;    // a scenario file: state, profile, timeline, expectations
  std::string out;       // default out/replay-<log stem>
  std::string duration;  // default: the expectation file's, else to the log's last frame
  std::string start_at;  // play the log's first frame at this simulated time; default: the log's own times
  std::string protocol;
  std::optional<std::uint64_t> seed;
};

// Adds the subcommand, its arguments bound to `options`.
CLI::App* add_replay_command(CLI::App& app, ReplayOptions& options);

// Exit code: 0 ok (every expectation met), 1 one missed, 2 bad input (nothing
// run or written), 3 the run failed inside.
int replay_command(const ReplayOptions& options, const std::filesystem::path& data);

}  // namespace stacksim::cli
