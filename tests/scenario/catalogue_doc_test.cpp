// docs/faults.md and docs/expectations.md list every fault, mode and probe of
// the tables the file checks use, so the documentation cannot fall behind
// the code (and a name documented but not in the table shows up too).
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "scenario/expectations.hpp"
#include "scenario/fault_catalogue.hpp"

namespace stacksim::scenario {
namespace {

std::string read(const char* relative) {
  std::string path = STACKSIM_DATA_DIR;
  path += '/';
  path += relative;
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The first cell of every table row that is a `code` name: "| `name` | ...".
std::set<std::string> documented_names(const std::string& text) {
  std::set<std::string> names;
  const std::regex row(R"(\n\| `([a-z_0-9]+)` \|)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), row); it != std::sregex_iterator(); ++it) {
    names.insert((*it)[1]);
  }
  return names;
}

TEST(CatalogueDocs, EveryFaultAndModeIsInDocsFaults) {
  const std::string text = read("docs/faults.md");
  ASSERT_FALSE(text.empty());
  const std::set<std::string> rows = documented_names(text);
  std::set<std::string> faults;
  for (const FaultSpec& f : fault_catalogue()) {
    faults.insert(f.name);
    EXPECT_TRUE(rows.count(f.name)) << f.name << " has no row in docs/faults.md";
    std::string cell = "| `";
    cell += f.name;
    cell += "` |";
    // In the catalogue table, not the key table ("contactor" is both).
    const std::size_t at = text.find(cell, text.find("## The catalogue"));
    const std::string line = text.substr(at, text.find('\n', at) - at);
    for (const FaultMode& m : f.modes) {
      std::string quoted = "`";
      quoted += m.name;
      quoted += '`';
      EXPECT_NE(line.find(quoted), std::string::npos) << f.name << " mode " << m.name;
    }
  }
  // The key table's rows are keys, the catalogue's rows faults: no row names
  // a fault the code does not have.
  const std::set<std::string> keys = {"at", "fault", "mode", "value", "for", "name", "unit", "module",
                                      "cell", "sensor", "contactor", "bus", "hold", "over"};
  for (const std::string& r : rows) EXPECT_TRUE(faults.count(r) || keys.count(r)) << r << " is documented but unknown";
}

TEST(CatalogueDocs, EveryProbeIsInDocsExpectations) {
  const std::string text = read("docs/expectations.md");
  ASSERT_FALSE(text.empty());
  const std::set<std::string> rows = documented_names(text);
  for (const ProbeSpec& p : probe_catalogue()) EXPECT_TRUE(rows.count(p.name)) << p.name;
}

}  // namespace
}  // namespace stacksim::scenario
