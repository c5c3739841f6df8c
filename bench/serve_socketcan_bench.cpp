// The socketcand round trip of serve_bench.cpp on SocketCAN: a raw CAN socket
// on the interface polls `stacksim serve --bus pcs=socketcan:IFACE` with
// Pylontech HV 0x4200 and times the first 0x421x answer.
//
// Registered only when STACKSIM_BENCH_CAN_IFACE names the interface: the
// development machines' kernel has no CAN, so it runs in the UML guest
// (docs/serve.md, "Testing SocketCAN here"), where every system call is slow,
// so its figures are the guest's, not the hardware's:
//   STACKSIM_BENCH_CAN_IFACE=vcan0 tools/uml/run-in-guest.sh
//     build/release/bench/serve_bench --benchmark_filter=SocketCAN  (one line)
#include <linux/can.h>
#include <linux/can/raw.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

#include "serve_child.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// Pylontech HV: the PCS's 0x4200 request, and the battery's 0x4210..0x421F.
constexpr canid_t kPollId = 0x4200;
constexpr canid_t kAnswerBaseId = 0x4210;

// A raw socket that sees only the answers, so nothing else queues up in it
// between polls; reads time out after 1 s.
int open_socket(const std::string& iface) {
  const int fd = ::socket(AF_CAN, SOCK_RAW, CAN_RAW);
  if (fd < 0) return -1;
  const can_filter answers{kAnswerBaseId | CAN_EFF_FLAG, (CAN_EFF_MASK & ~0xFu) | CAN_EFF_FLAG | CAN_RTR_FLAG};
  timeval timeout{1, 0};
  sockaddr_can addr{};
  addr.can_family = AF_CAN;
  addr.can_ifindex = static_cast<int>(::if_nametoindex(iface.c_str()));
  if (addr.can_ifindex == 0 || ::setsockopt(fd, SOL_CAN_RAW, CAN_RAW_FILTER, &answers, sizeof answers) != 0 ||
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) != 0 ||
      ::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool send_poll(int fd) {
  can_frame f{};
  f.can_id = kPollId | CAN_EFF_FLAG;
  f.len = 8;
  return ::write(fd, &f, sizeof f) == static_cast<ssize_t>(sizeof f);
}

// False after 1 s without an answer.
bool await_answer(int fd) {
  can_frame f{};
  return ::read(fd, &f, sizeof f) == static_cast<ssize_t>(sizeof f);
}

void drain(int fd) {
  can_frame f{};
  while (::recv(fd, &f, sizeof f, MSG_DONTWAIT) > 0) {
  }
}

void BM_SocketCANRoundTrip(benchmark::State& state, const std::string& iface) {
  state.SetLabel(iface);
  stacksim::bench::ServeChild serve = stacksim::bench::start_serve("socketcan:" + iface);
  const int fd = serve.first_line.rfind("stacksim: bus on socketcan " + iface, 0) == 0 ? open_socket(iface) : -1;
  if (fd < 0) {
    stacksim::bench::stop_serve(serve);
    return state.SkipWithError(("stacksim serve or a CAN socket did not open on " + iface).c_str());
  }
  // The BCU answers once it has started up (about 8 s of simulated time);
  // the guest may run slower than real time, so ask until it does.
  bool started = false;
  for (int tries = 0; tries < 60 && !started; ++tries) started = send_poll(fd) && await_answer(fd);
  if (!started) {
    ::close(fd);
    stacksim::bench::stop_serve(serve);
    return state.SkipWithError("no 0x421x answer within 60 s");
  }
  std::vector<double> us;
  for (auto _ : state) {
    drain(fd);  // answers to the previous poll still arriving
    const auto t0 = Clock::now();
    if (!send_poll(fd) || !await_answer(fd)) {
      state.SkipWithError("a poll went unanswered for 1 s");
      break;
    }
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    // Not in step with the pacer: the next poll lands anywhere in a step.
    std::this_thread::sleep_for(std::chrono::microseconds(2000 + 137 * (us.size() % 7)));
  }
  stacksim::bench::latency_counters(state, us);
  ::close(fd);
  stacksim::bench::stop_serve(serve);
}

// Google Benchmark registers at static initialisation; this one only when asked.
[[maybe_unused]] const bool kRegistered = [] {
  const char* iface = std::getenv("STACKSIM_BENCH_CAN_IFACE");
  if (iface == nullptr || *iface == '\0') return false;
  benchmark::RegisterBenchmark("BM_SocketCANRoundTrip", BM_SocketCANRoundTrip, std::string(iface))
      ->Iterations(1000)
      ->Unit(benchmark::kMicrosecond)
      ->UseRealTime();
  return true;
}();

}  // namespace
