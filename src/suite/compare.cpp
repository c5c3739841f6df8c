#include "suite/compare.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "bus/candump_log.hpp"

namespace stacksim::suite {
namespace fs = std::filesystem;
namespace {

std::set<std::string> logs_in(const fs::path& dir) {
  std::set<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string n = e.path().filename().string();
    if (e.path().extension() == ".log" && (n.starts_with("bus-") || n.starts_with("rs485-"))) names.insert(n);
  }
  return names;
}

// "0x351 14 02 C0 12 C0 12 C2 01 at 12.345678 s" for a candump line, else the line.
std::string describe_line(const std::string& line) {
  std::string error;
  const auto rec = bus::parse_candump_line(line, error);
  if (!rec) return "\"" + line + "\"";
  char head[64];
  std::snprintf(head, sizeof head, "at %lld.%06lld s: id 0x%X", static_cast<long long>(rec->t_ns / 1'000'000'000),
                static_cast<long long>(rec->t_ns % 1'000'000'000 / 1000), rec->frame.id);
  std::string out = head;
  out += " [";
  for (int i = 0; i < bus::can_data_bytes(rec->frame); ++i) {
    char b[4];
    std::snprintf(b, sizeof b, i == 0 ? "%02X" : " %02X", rec->frame.data[static_cast<std::size_t>(i)]);
    out += b;
  }
  return out + "]";
}

std::string first_difference(const fs::path& a, const fs::path& b, const std::string& name) {
  std::ifstream in_a(a), in_b(b);
  std::string la, lb;
  for (std::size_t line = 1;; ++line) {
    const bool has_a = static_cast<bool>(std::getline(in_a, la));
    const bool has_b = static_cast<bool>(std::getline(in_b, lb));
    if (!has_a && !has_b) return "";
    if (has_a && has_b && la == lb) continue;
    const std::string where = name + " line " + std::to_string(line) + ": ";
    if (!has_b) return where + "the reference ends; this run goes on with " + describe_line(la);
    if (!has_a) return where + "this run ends; the reference goes on with " + describe_line(lb);
    return where + "first difference " + describe_line(la) + "; reference " + describe_line(lb);
  }
}

std::map<std::string, std::string> results_of(const fs::path& summary) {
  std::ifstream in(summary);
  std::map<std::string, std::string> out;
  const auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return out;
  for (const auto& e : j.value("expectations", nlohmann::json::array())) {
    out[e.value("name", "")] = e.value("result", "") + " at " + std::to_string(e.value("at_s", 0.0)) + " s";
  }
  return out;
}

}  // namespace

std::vector<std::string> compare_run(const fs::path& run, const fs::path& reference) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(reference, ec)) {
    out.push_back("no reference run at " + reference.string());
    return out;
  }
  const std::set<std::string> ours = logs_in(run), theirs = logs_in(reference);
  for (const std::string& n : ours) {
    if (!theirs.count(n)) out.push_back(n + ": not in the reference");
    else if (auto d = first_difference(run / n, reference / n, n); !d.empty()) out.push_back(d);
  }
  for (const std::string& n : theirs) {
    if (!ours.count(n)) out.push_back(n + ": in the reference only");
  }
  const auto now = results_of(run / "summary.json"), before = results_of(reference / "summary.json");
  for (const auto& [name, result] : now) {
    const auto it = before.find(name);
    if (it == before.end()) out.push_back("expectation \"" + name + "\": new, " + result);
    else if (it->second != result) out.push_back("expectation \"" + name + "\": " + result + "; reference " + it->second);
  }
  for (const auto& [name, result] : before) {
    if (!now.count(name)) out.push_back("expectation \"" + name + "\": in the reference only (" + result + ")");
  }
  return out;
}

}  // namespace stacksim::suite
