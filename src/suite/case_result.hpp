// The outcome of one scenario of a suite, read back from what `stacksim run`
// left in its folder, and the JUnit XML of a whole suite.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "suite/suite.hpp"

namespace stacksim::suite {

struct CaseResult {
  enum class Status { kPassed, kFailed, kError };
  Entry entry;
  Status status = Status::kError;
  int exit_code = -1;
  std::string output;                    // what the run printed (result line, problems)
  std::vector<std::string> misses;       // "missed at 1m: name (detail)"
  std::vector<std::string> log_lines;    // firmware.log up to the first miss
  std::vector<std::string> differences;  // --compare: what differs from the reference
  double simulated_s = 0.0;
};

// Reads DIR/summary.json and DIR/firmware.log of a finished run. Exit code 0
// passes, 1 fails (the misses named), anything else is an error.
CaseResult read_case(const Entry& entry, int exit_code, std::string output, const std::filesystem::path& dir);

// One <testcase> per scenario: classname from its folder, failures naming each
// missed expectation with its time and the firmware's log lines before the
// first one. No wall-clock times: the same results give the same file.
std::string junit_xml(const std::vector<CaseResult>& results);

// Escapes &, <, >, " and control characters for XML text and attributes.
std::string xml_escape(const std::string& text);

}  // namespace stacksim::suite
