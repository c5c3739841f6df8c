#include "pty_line_rig.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <utility>

#include <gtest/gtest.h>

#include "bus/transport.hpp"
#include "serve/endpoints.hpp"
#include "sim/plant.hpp"

namespace stacksim::serve::testing {

namespace fs = std::filesystem;

// Holds what the real endpoint read until the gateway takes it, and reads
// until it has every byte the device wrote: the kernel's timing then decides
// nothing.
class PtyLineRig::Arrivals : public Rs485Endpoint {
 public:
  Arrivals(boost::asio::io_context& io, std::unique_ptr<Rs485Endpoint> inner) : io_(io), inner_(std::move(inner)) {}

  void collect(std::uint64_t total) {
    const auto limit = std::chrono::steady_clock::now() + io::testing::PtyHost::kLimit;
    for (;;) {
      io_.poll();
      for (Chunk& c : inner_->take_received()) {
        read_ += c.bytes.size();
        held_.push_back(std::move(c));
      }
      if (read_ >= total) return;
      if (std::chrono::steady_clock::now() > limit) {
        ADD_FAILURE() << "the endpoint read " << read_ << " of " << total << " bytes";
        return;
      }
      io_.run_one_for(std::chrono::milliseconds(1));
    }
  }
  std::vector<Chunk> take_received() override { return std::exchange(held_, {}); }
  void deliver(const std::uint8_t* data, std::size_t len) override { inner_->deliver(data, len); }
  void report(sim::ExternalBusReport& r) const override { inner_->report(r); }

 private:
  boost::asio::io_context& io_;
  std::unique_ptr<Rs485Endpoint> inner_;
  std::vector<Chunk> held_;
  std::uint64_t read_ = 0;
};

PtyLineRig::PtyLineRig(const std::string& config, const std::string& line, const std::vector<std::string>& externals)
    : rig_(config) {
  sim::Plant& plant = rig_.plant();
  for (const std::string& name : externals) {
    for (std::size_t i = 0; i < plant.board_count(); ++i) {
      if (plant.board(i).wiring().name == name) plant.set_external(i);
    }
  }
  dir_ = fs::temp_directory_path() / ("pty-line-rig-" + std::to_string(::getpid()) + "-" +
                                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  const std::string link = (dir_ / "line").string();
  const auto wall = [this] { return clock_ns_; };
  std::string error;
  auto endpoint = open_pty(io_, bus::TransportSpec{"pty", link}, wall, error);
  if (!endpoint) throw std::runtime_error(error);
  auto arrivals = std::make_unique<Arrivals>(io_, std::move(endpoint));
  arrivals_ = arrivals.get();
  gateway_ = std::make_unique<Rs485Gateway>(line, "pty:" + link, std::move(arrivals), wall);
  for (std::size_t i = 0; i < plant.rs485_line_count(); ++i) {
    if (plant.rs485_line(i).name() == line) line_ = &plant.rs485_line(i);
  }
  if (line_ == nullptr) throw std::runtime_error(config + " has no line " + line);
  gateway_->attach_line(*line_);
  host_ = std::make_unique<io::testing::PtyHost>(io_, link);
  if (!host_->is_open()) throw std::runtime_error(host_->error());
}

PtyLineRig::~PtyLineRig() {
  host_.reset();
  gateway_.reset();
  fs::remove_all(dir_);
}

void PtyLineRig::start() {
  rig_.start();
  while (!rig_.master().main_path_closed() && rig_.now_ns() < 60'000'000'000) step();
  ASSERT_TRUE(rig_.master().main_path_closed()) << rig_.log_text();
}

void PtyLineRig::step() {
  clock_ns_ = std::max(clock_ns_, rig_.now_ns());
  arrivals_->collect(written_);
  gateway_->before_step(rig_.now_ns(), kStepNs);
  rig_.step(physics::TerminalCommand::current(0.0));
  io_.poll();
  heard_ += host_->take_until([](std::string_view) { return true; });
}

void PtyLineRig::send(const Bytes& bytes, std::int64_t at_ns) {
  clock_ns_ = std::max(clock_ns_, at_ns < 0 ? rig_.now_ns() : at_ns);
  ASSERT_TRUE(host_->say(bytes));
  written_ += bytes.size();
  // Read now, so the bytes carry this time.
  arrivals_->collect(written_);
}

Bytes PtyLineRig::exchange(const Bytes& bytes, std::int64_t settle_ns) {
  listen(0);  // what came before is not the answer
  send(bytes);
  return listen(settle_ns);
}

Bytes PtyLineRig::listen(std::int64_t settle_ns) {
  const std::int64_t until = rig_.now_ns() + settle_ns;
  while (rig_.now_ns() < until) step();
  return std::exchange(heard_, {});
}

void PtyLineRig::reopen() {
  host_->close();
  host_->open((dir_ / "line").string());
  ASSERT_TRUE(host_->is_open()) << host_->error();
}

Bytes PtyLineRig::leave_mid_frame(const Bytes& part) {
  send(part);
  host_->close();
  const Bytes heard = listen(100'000'000);
  reopen();
  return heard;
}

bool PtyLineRig::logs(const std::string& text) {
  listen(11'000'000'000);
  return rig_.log_text().find(text) != std::string::npos;
}

std::string pcs485_counts(int unreadable, int errors, int answered, int other) {
  return "pack1: pcs485: " + std::to_string(unreadable) + " unreadable, " + std::to_string(errors) +
         " answered with an error, " + std::to_string(answered) + " answered, " + std::to_string(other) +
         " for another address so far";
}

sim::ExternalBusReport PtyLineRig::report() {
  sim::RunSummary summary;
  gateway_->finish(summary);
  return summary.serve->buses.at(0);
}

}  // namespace stacksim::serve::testing
