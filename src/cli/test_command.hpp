// `stacksim test PATH... [-j N] [--junit FILE] [--out DIR] [--shard K/N]
// [--compare DIR]`: a suite of scenarios, its verdicts, JUnit XML
// (docs/testing.md).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace stacksim::cli {

struct TestOptions {
  std::vector<std::string> paths;
  unsigned jobs = 1;
  std::string junit;          // empty: none
  std::string out = "out/test";
  std::string shard;          // "K/N"; empty: the whole suite
  std::string compare;        // a reference output folder of an earlier `stacksim test`
  std::string bus_logs = "all";
  // ROLE=PATH.so, passed to each run whose system has that role (the others
  // run the built-in firmware for it).
  std::vector<std::string> firmware;
};

// Exit code: 0 every scenario passed (and matched the reference), 1 some
// expectation missed or a run differed, 2 a scenario or an option is invalid,
// 3 a run failed inside.
int test_command(const TestOptions& options, const std::filesystem::path& data);

}  // namespace stacksim::cli
