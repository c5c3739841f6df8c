// Speed of the CAN path a protocol profile uses: the compiled DBC codec and
// the in-process bus. The message is Pylontech LV 0x351 (four 16-bit LE
// signals, 0.1 scale) from tests/protocol/data/tiny.dbc.
//
//   BM_Codec_Encode / BM_Codec_Decode   one frame packed / unpacked
//   BM_CanBus_Deliver                   one frame sent and delivered (2 nodes)
//   BM_CanBus_DeliverBurst              16 frames queued, then delivered
//   BM_CodecAndBus/0, /1                encode -> send -> deliver -> decode,
//                                       repeating / never-repeating payloads
// items_per_second is frames per second on one core. Run:
//   build/release/bench/protocol_bench
#include <benchmark/benchmark.h>

#include <array>
#include <cstdio>
#include <cstdlib>

#include "bus/can_bus.hpp"
#include "protocol/codec.hpp"
#include "protocol/dbc.hpp"

namespace {

using stacksim::bus::CanBus;
using stacksim::bus::CanFrame;
using stacksim::protocol::Dbc;
using stacksim::protocol::Message;
using stacksim::protocol::MessageCodec;

const Message& pylon_351() {
  static const Dbc dbc = [] {
    stacksim::Diagnostics d;
    auto loaded = Dbc::load(STACKSIM_DATA_DIR "/tests/protocol/data/tiny.dbc", d);
    if (!loaded) {
      std::fputs(d.format().c_str(), stderr);
      std::abort();
    }
    return *loaded;
  }();
  return *dbc.find(0x351, false);
}

// Values that change every frame, so nothing is hoisted out of the loop.
void next_values(std::array<double, 4>& v, std::int64_t i) {
  v[0] = 53.2 + static_cast<double>(i & 7) * 0.1;
  v[1] = 480.0 - static_cast<double>(i & 15);
  v[2] = 370.0;
  v[3] = 45.0;
}

void BM_Codec_Encode(benchmark::State& state) {
  const MessageCodec codec(pylon_351());
  std::array<double, 4> v{};
  CanFrame f;
  std::int64_t i = 0;
  for (auto _ : state) {
    next_values(v, i++);
    codec.encode(v.data(), f);
    benchmark::DoNotOptimize(f);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Codec_Encode);

void BM_Codec_Decode(benchmark::State& state) {
  const MessageCodec codec(pylon_351());
  CanFrame f;
  f.dlc = 8;
  f.data = {0x14, 0x02, 0xC0, 0x12, 0xC0, 0x12, 0xC2, 0x01};
  std::array<double, 4> v{};
  for (auto _ : state) {
    benchmark::DoNotOptimize(f);
    codec.decode(f, v.data());
    f.data[0] = static_cast<std::uint8_t>(f.data[0] + 1);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Codec_Decode);

// Two nodes: "bms" (node 0) sends, "pcs" counts what it receives.
struct TwoNodeBus {
  CanBus bus{"pcs"};
  std::uint64_t received = 0;
  TwoNodeBus() {
    bus.attach("bms", nullptr);
    bus.attach("pcs", [this](const CanFrame&, std::int64_t) { ++received; });
  }
  void finish(benchmark::State& state, std::int64_t frames_per_iteration) const {
    const auto frames = state.iterations() * frames_per_iteration;
    if (received != static_cast<std::uint64_t>(frames)) state.SkipWithError("frames lost");
    state.SetItemsProcessed(frames);
  }
};

void BM_CanBus_Deliver(benchmark::State& state) {
  TwoNodeBus rig;
  CanFrame f;
  f.id = 0x351;
  f.dlc = 8;
  std::int64_t now_ns = 0;
  for (auto _ : state) {
    rig.bus.send(0, f, now_ns);
    now_ns = rig.bus.next_event_ns();
    rig.bus.advance(now_ns);
  }
  rig.finish(state, 1);
}
BENCHMARK(BM_CanBus_Deliver);

void BM_CanBus_DeliverBurst(benchmark::State& state) {
  constexpr int kBurst = 16;
  TwoNodeBus rig;
  CanFrame f;
  f.dlc = 8;
  std::int64_t now_ns = 0;
  for (auto _ : state) {
    for (int k = 0; k < kBurst; ++k) {
      f.id = static_cast<std::uint32_t>(0x351 + k);
      rig.bus.send(0, f, now_ns);
    }
    now_ns += 16 * 300'000;  // > 16 frames of 135 bits at 500 kbit/s
    rig.bus.advance(now_ns);
  }
  rig.finish(state, kBurst);
}
BENCHMARK(BM_CanBus_DeliverBurst);

// state.range(0) = 1: a payload never sent before on every frame (the bus
// then counts its stuff bits); 0: the values cycle through 16 payloads, as
// cyclic messages with slowly changing values do.
void BM_CodecAndBus(benchmark::State& state) {
  const bool fresh = state.range(0) != 0;
  const MessageCodec codec(pylon_351());
  CanBus bus("pcs");
  std::array<double, 4> decoded{};
  bus.attach("bms", nullptr);
  bus.attach("pcs", [&codec, &decoded](const CanFrame& f, std::int64_t) { codec.decode(f, decoded.data()); });
  std::array<double, 4> v{};
  CanFrame f;
  std::int64_t now_ns = 0;
  std::int64_t i = 0;
  for (auto _ : state) {
    next_values(v, i);
    if (fresh) v[2] = static_cast<double>(i % 60000) * 0.1;
    ++i;
    codec.encode(v.data(), f);
    bus.send(0, f, now_ns);
    now_ns = bus.next_event_ns();
    bus.advance(now_ns);
    benchmark::DoNotOptimize(decoded);
  }
  if (decoded[0] < 53.0) state.SkipWithError("nothing decoded");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CodecAndBus)->Arg(0)->Arg(1);

}  // namespace
