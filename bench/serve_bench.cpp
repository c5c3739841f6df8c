// Real time and the outside world (docs/serve.md), on this machine:
//  - the pacer's lateness at a 1 ms tick (target p99 < 1 ms when idle);
//  - the round trip from a socketcand client's frame to the firmware's
//    answer through a running `stacksim serve` (target p99 < 2 ms);
//  - the socketcand server's throughput to a client that reads as fast as it
//    can (target: a saturated 1 Mbit/s bus, about 8000 frames/s, no loss);
//  - the same round trip on SocketCAN, in serve_socketcan_bench.cpp (only
//    where STACKSIM_BENCH_CAN_IFACE names an interface: inside the UML guest).
// Latencies are reported as counters in microseconds (p50, p99, max).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "io/socketcand_server.hpp"
#include "serve_child.hpp"
#include "serve/pacer.hpp"
#include "serve/steady_clock.hpp"

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// The pacer alone at a 1 ms tick on an idle io_context, as stacksim serve
// runs it (its quantiles in 1 us bins).
void BM_PacerLatenessAt1msTick(benchmark::State& state) {
  asio::io_context io;
  stacksim::serve::SteadyClock clock(io);
  stacksim::serve::Pacer pacer(clock, 1.0);
  std::int64_t sim_ns = 0;
  for (auto _ : state) {
    pacer.pace(sim_ns);
    sim_ns += 1'000'000;
  }
  const auto s = pacer.stats();
  state.counters["p50_us"] = static_cast<double>(s.p50_ns) * 1e-3;
  state.counters["p99_us"] = static_cast<double>(s.p99_ns) * 1e-3;
  state.counters["max_us"] = static_cast<double>(s.max_ns) * 1e-3;
}
BENCHMARK(BM_PacerLatenessAt1msTick)->Iterations(5000)->Unit(benchmark::kMicrosecond);

// Reads until `needle` has arrived; returns what came.
std::string read_until(tcp::socket& s, const std::string& needle) {
  std::string got;
  char buf[65536];
  while (got.find(needle) == std::string::npos) got.append(buf, s.read_some(asio::buffer(buf)));
  return got;
}

// `stacksim serve` of bench/scenarios/serve-roundtrip.json (1 ms step,
// pylon-hv) as a child process; a client polls with 0x4200 and times the
// first answer frame (0x421x).
void BM_SocketcandRoundTrip(benchmark::State& state) {
  stacksim::bench::ServeChild serve = stacksim::bench::start_serve("socketcand:127.0.0.1:0");
  unsigned port = 0;
  if (std::sscanf(serve.first_line.c_str(), "stacksim: bus on socketcand 127.0.0.1:%u", &port) != 1) {
    stacksim::bench::stop_serve(serve);
    return state.SkipWithError("stacksim serve did not start");
  }
  asio::io_context io;
  tcp::socket s(io);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  read_until(s, "< hi >");
  asio::write(s, asio::buffer(std::string("< open can0 >")));
  read_until(s, "< ok >");
  asio::write(s, asio::buffer(std::string("< rawmode >")));
  read_until(s, "< ok >");
  // The BCU starts up (press, LED sweep, module coding) in about 8 s.
  std::this_thread::sleep_for(std::chrono::seconds(10));
  s.non_blocking(true);
  char drain[65536];
  boost::system::error_code ec;
  while (s.read_some(asio::buffer(drain), ec) > 0) {
  }
  s.non_blocking(false);
  const std::string poll = "< send 00004200 8 0 0 0 0 0 0 0 0 >";
  std::vector<double> us;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    asio::write(s, asio::buffer(poll));
    read_until(s, "< frame 0000421");
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    // Not in step with the pacer: the next poll lands anywhere in a step.
    std::this_thread::sleep_for(std::chrono::microseconds(2000 + 137 * (us.size() % 7)));
    s.non_blocking(true);
    while (s.read_some(asio::buffer(drain), ec) > 0) {
    }
    s.non_blocking(false);
  }
  stacksim::bench::latency_counters(state, us);
  stacksim::bench::stop_serve(serve);
}
BENCHMARK(BM_SocketcandRoundTrip)->Iterations(1000)->Unit(benchmark::kMicrosecond)->UseRealTime();

// The server's side of a saturated 1 Mbit/s bus: 8000 frames of 8 bytes
// broadcast per iteration (one second of such a bus), delivered to a client
// thread that reads as fast as it can; every byte must arrive.
void BM_SocketcandThroughput(benchmark::State& state) {
  asio::io_context io;
  stacksim::io::SocketcandServer::Options o;
  o.port = 0;
  o.raw_start_delay_ms = 0;
  std::string error;
  auto server = stacksim::io::SocketcandServer::listen(io, o, error);
  if (!server) return state.SkipWithError(error.c_str());
  std::atomic<std::size_t> received{0};
  std::atomic<bool> ready{false};
  std::thread client([&] {
    asio::io_context cio;
    tcp::socket s(cio);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server->port()));
    asio::write(s, asio::buffer(std::string("< open can0 >")));
    asio::write(s, asio::buffer(std::string("< rawmode >")));
    char buf[65536];
    // "< hi >", then "< ok >" twice.
    std::string head;
    while (std::count(head.begin(), head.end(), '>') < 3) head.append(buf, s.read_some(asio::buffer(buf)));
    ready = true;
    boost::system::error_code ec;
    for (;;) {
      const std::size_t n = s.read_some(asio::buffer(buf), ec);
      if (ec) break;
      received += static_cast<std::size_t>(std::count(buf, buf + n, '>'));
    }
  });
  while (!ready) io.run_for(std::chrono::milliseconds(1));
  io.run_for(std::chrono::milliseconds(5));
  stacksim::bus::CanFrame f;
  f.dlc = 8;
  std::size_t sent = 0;
  for (auto _ : state) {
    for (int k = 0; k < 8000; ++k) {
      f.id = static_cast<std::uint32_t>(k & 0x7FF);
      server->broadcast(f, static_cast<std::int64_t>(sent + static_cast<std::size_t>(k)) * 125'000);
    }
    sent += 8000;
    while (received < sent) io.run_for(std::chrono::microseconds(200));
  }
  state.counters["frames_per_s"] = benchmark::Counter(static_cast<double>(sent), benchmark::Counter::kIsRate);
  state.counters["dropped"] = static_cast<double>(server->stats().frames_dropped);
  server.reset();
  io.run_for(std::chrono::milliseconds(10));
  client.join();
}
BENCHMARK(BM_SocketcandThroughput)->Iterations(20)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
