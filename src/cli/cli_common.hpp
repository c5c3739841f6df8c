// What every stacksim subcommand shares: exit codes, where the data lives,
// how input problems are printed.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "util/diagnostics.hpp"

#ifndef STACKSIM_VERSION
#define STACKSIM_VERSION "unknown"
#endif
#ifndef STACKSIM_DEFAULT_DATA_DIR
#define STACKSIM_DEFAULT_DATA_DIR "."
#endif

namespace stacksim::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitMissed = 1;     // an expectation was missed
inline constexpr int kExitBadInput = 2;   // nothing was run or written
inline constexpr int kExitRunFailed = 3;  // the run failed inside

inline std::filesystem::path data_dir(const std::string& option) {
  if (!option.empty()) return option;
  if (const char* env = std::getenv("STACKSIM_DATA")) return env;
  return STACKSIM_DEFAULT_DATA_DIR;
}

inline int report(const Diagnostics& diags) {
  std::fputs(diags.format().c_str(), stderr);
  std::fprintf(stderr, "stacksim: %zu problem%s; nothing was run\n", diags.size(), diags.size() == 1 ? "" : "s");
  return kExitBadInput;
}

}  // namespace stacksim::cli
