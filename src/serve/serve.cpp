#include "serve/serve.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "bus/transport.hpp"
#include "serve/can_gateway.hpp"
#include "serve/endpoints.hpp"
#include "serve/external_boards.hpp"
#include "serve/pacer.hpp"
#include "serve/rs485_gateway.hpp"
#include "serve/status_line.hpp"
#include "serve/steady_clock.hpp"
#include "sim/plant.hpp"

namespace stacksim::serve {
namespace {

namespace asio = boost::asio;

// Serves I/O between steps, paces them, stops on a signal, and keeps the
// status line.
class PacingHook : public sim::StepHook {
 public:
  PacingHook(asio::io_context& io, double speed, bool status_line, const std::vector<CanGateway*>& gateways,
             const std::vector<Rs485Gateway*>& lines)
      : io_(io), clock_(io), pacer_(clock_, speed), speed_(speed), status_line_(status_line),
        gateways_(gateways), lines_(lines), signals_(io, SIGINT, SIGTERM) {
    signals_.async_wait([this](const boost::system::error_code& ec, int) {
      if (!ec) stop_ = true;
    });
  }

  void attach(sim::Plant& plant) override { plant_ = &plant; }

  void before_step(std::int64_t now_ns, std::int64_t) override {
    io_.poll();
    pacer_.pace(now_ns);
  }

  bool after_step(std::int64_t end_ns) override {
    if (status_line_ && end_ns >= next_status_ns_) {
      show_status(end_ns);
      // About twice a wall second.
      next_status_ns_ = end_ns + static_cast<std::int64_t>(500'000'000.0 * speed_);
    }
    return !stop_;
  }

  void finish(sim::RunSummary& summary) override {
    if (status_line_) std::fputs("\n", stderr);
    if (!summary.serve) summary.serve.emplace();
    summary.serve->speed = speed_;
    summary.serve->lateness = pacer_.stats();
    summary.serve->stopped_by_signal = stop_;
  }

 private:
  void show_status(std::int64_t end_ns) {
    StatusFigures f;
    f.sim_ns = end_ns;
    if (plant_ != nullptr) f.master = plant_->board(plant_->master(0)).last_status();
    for (const CanGateway* g : gateways_) {
      f.frames_in += g->frames_in();
      f.frames_out += g->frames_out();
    }
    if (!lines_.empty()) {
      f.bursts_in = 0;
      f.bursts_out = 0;
      for (const Rs485Gateway* l : lines_) {
        *f.bursts_in += l->bursts_in();
        *f.bursts_out += l->bursts_out();
      }
    }
    f.late_p99_ns = pacer_.stats().p99_ns;
    std::fputs(format_status_line(f).c_str(), stderr);
    std::fflush(stderr);
  }

  asio::io_context& io_;
  SteadyClock clock_;
  Pacer pacer_;
  double speed_;
  bool status_line_;
  std::vector<CanGateway*> gateways_;
  std::vector<Rs485Gateway*> lines_;
  asio::signal_set signals_;
  sim::Plant* plant_ = nullptr;
  bool stop_ = false;
  std::int64_t next_status_ns_ = 0;
};

std::unique_ptr<CanGateway> open_binding(asio::io_context& io, const BusBinding& b, std::string& error) {
  const auto spec = bus::parse_transport(b.spec, error);
  if (!spec) return nullptr;
  if (bus::is_rs485_kind(spec->kind)) {
    error = "--bus " + b.bus + "=" + b.spec + ": " + b.bus +
            " is a CAN bus; it takes socketcand:, socketcan: or slcan:, not an RS485 transport";
    return nullptr;
  }
  std::unique_ptr<CanEndpoint> endpoint;
  if (spec->kind == "socketcand") {
    endpoint = open_socketcand(io, *spec, error);
  } else if (spec->kind == "socketcan") {
    endpoint = open_socketcan(io, *spec, error);
  } else if (spec->kind == "slcan") {
    endpoint = open_slcan(io, *spec, error);
  } else {
    error = "--bus " + b.bus + "=" + b.spec + ": expected an external transport, not an in-process bus";
  }
  if (!endpoint) return nullptr;
  return std::make_unique<CanGateway>(b.bus, b.spec, std::move(endpoint));
}

}  // namespace

sim::RunOutcome serve_scenario(const scenario::Scenario& sc, const sim::SystemConfig& system,
                               sim::RunOptions options, const ServeSettings& settings) {
  asio::io_context io;
  std::vector<std::unique_ptr<CanGateway>> gateways;
  std::vector<CanGateway*> gateway_ptrs;
  std::vector<std::unique_ptr<Rs485Gateway>> lines;
  for (const BusBinding& b : settings.buses) {
    options.bound_buses.push_back(b.bus);
    sim::RunOutcome failed;
    if (b.bus != "pcs") {  // an RS485 line (Plant::bus_names)
      auto line = open_rs485_gateway(io, b.bus, b.spec, failed.error);
      if (!line) {
        failed.bad_input = true;
        return failed;
      }
      lines.push_back(std::move(line));
      continue;
    }
    auto g = open_binding(io, b, failed.error);
    if (!g) {
      failed.bad_input = true;
      return failed;
    }
    gateway_ptrs.push_back(g.get());
    gateways.push_back(std::move(g));
  }
  std::vector<Rs485Gateway*> line_ptrs;
  for (auto& line : lines) line_ptrs.push_back(line.get());
  PacingHook pacing(io, settings.speed, settings.status_line, gateway_ptrs, line_ptrs);
  options.hooks.push_back(&pacing);
  for (CanGateway* g : gateway_ptrs) options.hooks.push_back(g);
  for (Rs485Gateway* line : line_ptrs) options.hooks.push_back(line);
  ExternalBoards externals(settings.externals);
  options.hooks.push_back(&externals);
  options.progress = false;
  return sim::run_scenario(sc, system, options);
}

}  // namespace stacksim::serve
