#include "suite/suite.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <system_error>

namespace stacksim::suite {
namespace fs = std::filesystem;

namespace {

std::string without_json(std::string name) {
  if (name.size() > 5 && name.ends_with(".json")) name.resize(name.size() - 5);
  return name;
}

}  // namespace

std::vector<Entry> discover(const std::vector<std::string>& paths, Diagnostics& diags) {
  std::vector<Entry> entries;
  for (const std::string& p : paths) {
    std::error_code ec;
    const fs::path path(p);
    if (fs::is_regular_file(path, ec)) {
      entries.push_back({path, without_json(path.filename().string())});
      continue;
    }
    if (!fs::is_directory(path, ec)) {
      diags.add(p, "", {}, "expected a scenario file or a directory of them; it does not exist");
      continue;
    }
    std::size_t found = 0;
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_regular_file() || it->path().extension() != ".json") continue;
      entries.push_back({it->path(), without_json(fs::relative(it->path(), path).generic_string())});
      ++found;
    }
    if (ec) diags.add(p, "", {}, "cannot read the directory: " + ec.message());
    else if (found == 0) diags.add(p, "", {}, "expected scenario files (*.json) in the directory; it has none");
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.name != b.name ? a.name < b.name : a.file < b.file;
  });
  // The same file named twice (a file and its directory) runs once.
  entries.erase(std::unique(entries.begin(), entries.end(),
                            [](const Entry& a, const Entry& b) {
                              std::error_code ec;
                              return a.name == b.name && fs::equivalent(a.file, b.file, ec);
                            }),
                entries.end());
  for (std::size_t i = 1; i < entries.size(); ++i) {
    if (entries[i].name == entries[i - 1].name) {
      diags.add(entries[i].file.string(), "", {},
                "expected one scenario per output folder; " + entries[i - 1].file.string() + " also goes to \"" +
                    entries[i].name + "\" (give the directories separately or rename one)");
    }
  }
  return entries;
}

std::optional<Shard> parse_shard(const std::string& text, std::string& error) {
  const auto slash = text.find('/');
  Shard s;
  const auto number = [](std::string_view t, std::size_t& out) {
    const auto r = std::from_chars(t.data(), t.data() + t.size(), out);
    return r.ec == std::errc() && r.ptr == t.data() + t.size() && !t.empty();
  };
  const std::string_view all(text);
  if (slash == std::string::npos || !number(all.substr(0, slash), s.index) || !number(all.substr(slash + 1), s.count) ||
      s.count == 0 || s.index == 0 || s.index > s.count) {
    error = "expected K/N with 1 <= K <= N (e.g. 2/4), got \"" + text + "\"";
    return std::nullopt;
  }
  return s;
}

std::vector<Entry> select_shard(const std::vector<Entry>& entries, const Shard& shard) {
  std::vector<Entry> out;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i % shard.count == shard.index - 1) out.push_back(entries[i]);
  }
  return out;
}

}  // namespace stacksim::suite
