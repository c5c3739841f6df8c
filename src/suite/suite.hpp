// A suite of scenarios for `stacksim test`: which files, in which order, on
// which shard, and where each one's outputs go. Pure: no process handling.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "util/diagnostics.hpp"

namespace stacksim::suite {

struct Entry {
  std::filesystem::path file;  // as found
  std::string name;            // relative to the argument that found it, without ".json": "gtx3000/faults/x"
};

// Every *.json under each path (a file is taken as given; a directory is
// searched recursively), sorted by name, so that the order and the shards do
// not depend on the file system. A path that does not exist, a directory
// with no scenario, or two files that would share an output folder are
// problems in `diags`.
std::vector<Entry> discover(const std::vector<std::string>& paths, Diagnostics& diags);

// "K/N" with 1 <= K <= N.
struct Shard {
  std::size_t index = 1, count = 1;
};
std::optional<Shard> parse_shard(const std::string& text, std::string& error);

// Entry i (0-based, in sorted order) belongs to shard (i mod N) + 1: every
// shard gets every N-th scenario, so long and short ones spread evenly, and
// the N shards together are the suite exactly once.
std::vector<Entry> select_shard(const std::vector<Entry>& entries, const Shard& shard);

}  // namespace stacksim::suite
