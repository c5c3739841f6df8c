// `stacksim serve` of bench/scenarios/serve-roundtrip.json as a child process,
// for the round-trip benchmarks of serve_bench: the PCS bus bound to the
// transport under test, its first stderr line (the bus it opened) read back,
// stopped with SIGINT as a user would. Also the latency counters they share.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

namespace stacksim::bench {

struct ServeChild {
  pid_t pid = -1;
  FILE* err = nullptr;     // the rest of its stderr
  std::string first_line;  // empty if it said nothing before exiting
};

// 1 ms step, pylon-hv: a poll's answer comes at the next step, as close as
// the simulator can get to a real BMS's reaction.
inline ServeChild start_serve(const std::string& bus_spec) {
  ServeChild c;
  int pipe_fd[2];
  if (pipe(pipe_fd) != 0) return c;
  c.pid = fork();
  if (c.pid == 0) {
    dup2(pipe_fd[1], STDERR_FILENO);
    close(pipe_fd[0]);
    const std::string scenario = std::string(STACKSIM_DATA_DIR) + "/bench/scenarios/serve-roundtrip.json";
    const std::string bus = "pcs=" + bus_spec;
    execl(STACKSIM_BINARY, STACKSIM_BINARY, "--data", STACKSIM_DATA_DIR, "serve", scenario.c_str(), "--protocol",
          "pylon-hv", "--bus", bus.c_str(), "--bus-logs", "none", "--out", "/tmp/stacksim-serve-bench",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(pipe_fd[1]);
  c.err = fdopen(pipe_fd[0], "r");
  char line[256] = {};
  if (c.err != nullptr && std::fgets(line, sizeof line, c.err) != nullptr) c.first_line = line;
  return c;
}

inline void stop_serve(ServeChild& c) {
  if (c.pid > 0) {
    kill(c.pid, SIGINT);
    waitpid(c.pid, nullptr, 0);
  }
  if (c.err != nullptr) std::fclose(c.err);
  c = ServeChild();
}

inline void latency_counters(benchmark::State& state, std::vector<double> us) {
  if (us.empty()) return;
  std::sort(us.begin(), us.end());
  const auto at = [&](double q) {
    return us[std::min(us.size() - 1, static_cast<std::size_t>(q * static_cast<double>(us.size())))];
  };
  state.counters["p50_us"] = at(0.50);
  state.counters["p99_us"] = at(0.99);
  state.counters["max_us"] = us.back();
}

}  // namespace stacksim::bench
