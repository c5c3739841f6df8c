// `stacksim test`: every scenario of a suite run by this same program as a
// child process (`stacksim run`), up to -j at once. Separate processes keep
// runs independent of each other and of -j (a crash or a plugin's global
// state stays in its own run), and the results are printed and written in
// the suite's sorted order whatever order the runs finish in.
#include "cli/test_command.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "cli/cli_common.hpp"
#include "scenario/scenario.hpp"
#include "sim/bms_setup.hpp"
#include "sim/run.hpp"
#include "suite/case_result.hpp"
#include "suite/compare.hpp"
#include "suite/suite.hpp"

extern char** environ;

namespace stacksim::cli {
namespace {

namespace fs = std::filesystem;
using suite::CaseResult;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The --firmware options whose role the scenario's system has. A scenario
// that cannot be read gets them all: its own run reports what is wrong.
std::vector<std::string> firmware_for(const suite::Entry& e, const std::vector<std::string>& firmware,
                                      const fs::path& data) {
  if (firmware.empty()) return firmware;
  Diagnostics ignored;
  const auto sc = scenario::load_scenario(e.file, ignored);
  const auto system = sc ? sim::resolve_system(*sc, data, ignored) : std::nullopt;
  if (!system) return firmware;
  const std::vector<std::string> roles = sim::roles_of(*system);
  std::vector<std::string> out;
  for (const std::string& f : firmware) {
    const std::string role = f.substr(0, f.find('='));
    if (std::find(roles.begin(), roles.end(), role) != roles.end()) out.push_back(f);
  }
  return out;
}

// Starts `stacksim run` for one scenario, its stdout and stderr into `log`.
pid_t spawn_run(const suite::Entry& e, const fs::path& dir, const fs::path& log, const TestOptions& o,
                const fs::path& data) {
  std::vector<std::string> args = {"/proc/self/exe", "--data", data.string(), "run", e.file.string(),
                                   "--out", dir.string(), "--bus-logs", o.bus_logs};
  for (const std::string& f : firmware_for(e, o.firmware, data)) {
    args.push_back("--firmware");
    args.push_back(f);
  }
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  pid_t pid = -1;
  const int err = posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return err == 0 ? pid : -1;
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return kExitRunFailed;  // killed by a signal: an internal error of that run
}

void print_result(const CaseResult& r) {
  const char* word = r.status == CaseResult::Status::kPassed && r.differences.empty() ? "PASS"
                     : r.status == CaseResult::Status::kError                       ? "ERROR"
                                                                                    : "FAIL";
  std::printf("%-5s %s\n", word, r.entry.name.c_str());
  if (r.status == CaseResult::Status::kError) {
    std::istringstream lines(r.output);
    for (std::string line; std::getline(lines, line);) std::printf("      %s\n", line.c_str());
  }
  for (const std::string& m : r.misses) std::printf("      %s\n", m.c_str());
  for (const std::string& d : r.differences) std::printf("      differs: %s\n", d.c_str());
  std::fflush(stdout);
}

}  // namespace

int test_command(const TestOptions& o, const fs::path& data) {
  Diagnostics diags;
  auto entries = suite::discover(o.paths, diags);
  std::optional<suite::Shard> shard = suite::Shard{};
  if (!o.shard.empty()) {
    std::string error;
    shard = suite::parse_shard(o.shard, error);
    if (!shard) diags.add("--shard", "", {}, error);
  }
  if (o.jobs == 0) diags.add("-j", "", {}, "expected at least 1 job");
  if (!diags.empty()) return report(diags);
  entries = suite::select_shard(entries, *shard);

  const fs::path out(o.out);
  std::vector<CaseResult> results(entries.size());
  std::vector<bool> done(entries.size(), false);
  std::map<pid_t, std::size_t> running;
  std::size_t next = 0, printed = 0;
  while (printed < entries.size()) {
    while (running.size() < o.jobs && next < entries.size()) {
      const suite::Entry& e = entries[next];
      const fs::path dir = out / e.name;
      std::error_code ec;
      fs::remove_all(dir, ec);  // nothing of an earlier run may pass for this one's
      fs::create_directories(dir, ec);
      const pid_t pid = ec ? -1 : spawn_run(e, dir, dir / "run.out", o, data);
      if (pid < 0) {
        results[next] = suite::read_case(e, kExitRunFailed, "stacksim test: cannot start the run in " + dir.string() + "\n", dir);
        done[next] = true;
      } else {
        running[pid] = next;
      }
      ++next;
    }
    if (!running.empty()) {
      int status = 0;
      const pid_t pid = waitpid(-1, &status, 0);
      const auto it = running.find(pid);
      if (it != running.end()) {
        const std::size_t i = it->second;
        running.erase(it);
        const fs::path dir = out / entries[i].name;
        results[i] = suite::read_case(entries[i], exit_code_of(status), read_text(dir / "run.out"), dir);
        if (!o.compare.empty() && results[i].status != CaseResult::Status::kError) {
          results[i].differences = suite::compare_run(dir, fs::path(o.compare) / entries[i].name);
        }
        done[i] = true;
      }
    }
    for (; printed < entries.size() && done[printed]; ++printed) print_result(results[printed]);
  }

  std::size_t passed = 0, failed = 0, errors = 0;
  double simulated_s = 0.0;
  int worst = kExitOk;
  for (const CaseResult& r : results) {
    simulated_s += r.simulated_s;
    if (r.status == CaseResult::Status::kError) {
      ++errors;
      worst = std::max(worst, r.exit_code == kExitBadInput ? kExitBadInput : kExitRunFailed);
    } else if (r.status == CaseResult::Status::kFailed || !r.differences.empty()) {
      ++failed;
      worst = std::max(worst, kExitMissed);
    } else {
      ++passed;
    }
  }
  if (!o.junit.empty()) {
    const fs::path partial = o.junit + ".partial";
    std::ofstream xml(partial, std::ios::binary);
    xml << suite::junit_xml(results);
    xml.close();
    std::error_code ec;
    if (xml) fs::rename(partial, o.junit, ec);
    if (!xml || ec) {
      std::fprintf(stderr, "stacksim: cannot write %s\n", o.junit.c_str());
      return kExitRunFailed;
    }
  }
  std::printf("%zu scenario%s: %zu passed, %zu failed, %zu error%s; %.1f simulated hours\n", results.size(),
              results.size() == 1 ? "" : "s", passed, failed, errors, errors == 1 ? "" : "s", simulated_s / 3600.0);
  return worst;
}

}  // namespace stacksim::cli
