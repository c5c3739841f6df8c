// `stacksim test --compare REF`: what a run did differently from an earlier
// run of the same scenario, so a firmware change that alters behaviour shows
// even where no expectation looks (docs/testing.md).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace stacksim::suite {

// One line per difference: for each bus log (bus-*.log, rs485-*.log) the
// first frame or burst that differs (time, bus, identifier, bytes, and the
// reference's), logs present on one side only, and expectations whose result
// changed. Empty: the runs agree.
std::vector<std::string> compare_run(const std::filesystem::path& run, const std::filesystem::path& reference);

}  // namespace stacksim::suite
