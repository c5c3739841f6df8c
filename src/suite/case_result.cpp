#include "suite/case_result.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "util/markup.hpp"
#include "util/quantity.hpp"

namespace stacksim::suite {
namespace {

constexpr std::size_t kLogLinesBeforeMiss = 8;

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The firmware log's last lines at or before t_s ("603.030 string1/bcu info ...").
std::vector<std::string> log_before(const std::filesystem::path& log, double t_s) {
  std::ifstream in(log);
  std::vector<std::string> kept;
  std::string line;
  while (std::getline(in, line)) {
    double at = 0.0;
    if (std::sscanf(line.c_str(), "%lf", &at) != 1 || at > t_s) break;
    kept.push_back(line);
    if (kept.size() > kLogLinesBeforeMiss) kept.erase(kept.begin());
  }
  return kept;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

}  // namespace

CaseResult read_case(const Entry& entry, int exit_code, std::string output, const std::filesystem::path& dir) {
  CaseResult r;
  r.entry = entry;
  r.exit_code = exit_code;
  r.output = std::move(output);
  r.status = exit_code == 0 ? CaseResult::Status::kPassed
             : exit_code == 1 ? CaseResult::Status::kFailed
                              : CaseResult::Status::kError;
  if (r.status == CaseResult::Status::kError) return r;
  const auto summary = nlohmann::json::parse(read_text(dir / "summary.json"), nullptr, false);
  if (summary.is_discarded() || !summary.is_object()) {
    r.status = CaseResult::Status::kError;
    r.output += "stacksim test: " + (dir / "summary.json").string() + " is missing or not JSON\n";
    return r;
  }
  r.simulated_s = summary.value("simulated_s", 0.0);
  double first_miss_s = -1.0;
  for (const auto& e : summary.value("expectations", nlohmann::json::array())) {
    if (e.value("result", "") != "missed") continue;
    const double at = e.value("at_s", 0.0);
    if (first_miss_s < 0.0) first_miss_s = at;
    r.misses.push_back("missed at " + number(at) + " s: " + e.value("name", "") + " (" + e.value("detail", "") + ")");
  }
  if (first_miss_s >= 0.0) r.log_lines = log_before(dir / "firmware.log", first_miss_s);
  return r;
}

std::string xml_escape(const std::string& text) { return markup_escape(text); }

std::string junit_xml(const std::vector<CaseResult>& results) {
  std::size_t failures = 0, errors = 0;
  for (const CaseResult& r : results) {
    const bool differs = !r.differences.empty();
    failures += r.status == CaseResult::Status::kFailed || (r.status == CaseResult::Status::kPassed && differs) ? 1 : 0;
    errors += r.status == CaseResult::Status::kError ? 1 : 0;
  }
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<testsuites tests=\"" + std::to_string(results.size()) + "\" failures=\"" + std::to_string(failures) +
       "\" errors=\"" + std::to_string(errors) + "\">\n";
  x += "  <testsuite name=\"stacksim\" tests=\"" + std::to_string(results.size()) + "\" failures=\"" +
       std::to_string(failures) + "\" errors=\"" + std::to_string(errors) + "\">\n";
  for (const CaseResult& r : results) {
    const auto slash = r.entry.name.rfind('/');
    std::string classname = slash == std::string::npos ? "scenarios" : r.entry.name.substr(0, slash);
    for (char& c : classname) c = c == '/' ? '.' : c;
    const std::string name = slash == std::string::npos ? r.entry.name : r.entry.name.substr(slash + 1);
    x += "    <testcase classname=\"" + xml_escape(classname) + "\" name=\"" + xml_escape(name) + "\" file=\"" +
         xml_escape(r.entry.file.generic_string()) + "\">\n";
    if (r.status == CaseResult::Status::kError) {
      x += "      <error message=\"exit code " + std::to_string(r.exit_code) + "\">" + xml_escape(r.output) + "</error>\n";
    } else if (!r.misses.empty() || !r.differences.empty()) {
      const std::string message = !r.misses.empty() ? r.misses.front() : r.differences.front();
      std::string body;
      for (const std::string& m : r.misses) body += m + "\n";
      if (!r.log_lines.empty()) body += "firmware.log before the first miss:\n";
      for (const std::string& l : r.log_lines) body += "  " + l + "\n";
      for (const std::string& d : r.differences) body += d + "\n";
      x += "      <failure message=\"" + xml_escape(message) + "\">" + xml_escape(body) + "</failure>\n";
    }
    x += "      <system-out>" + xml_escape(r.output) + "</system-out>\n";
    x += "    </testcase>\n";
  }
  x += "  </testsuite>\n</testsuites>\n";
  return x;
}

}  // namespace stacksim::suite
