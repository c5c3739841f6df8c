// A simulated CAN bus bound to the outside (stacksim serve --bus pcs=SPEC):
// the gateway is one more node on the bus. Every frame the bus carries goes
// out to the endpoint (a socketcand server, a SocketCAN interface); every
// frame the endpoint received enters the bus at the next step's start, in
// arrival order, as if the gateway's controller had sent it then. Frames the
// controller cannot take yet (its transmit queue is full) wait in a bounded
// backlog and enter it as its own frames leave, as a host's driver refills an
// adapter's mailboxes: the backlog drains at the bus's rate, not one queue a
// step. Beyond the backlog, or while the gateway's controller is bus-off,
// frames are refused and counted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "bus/can_bus.hpp"
#include "sim/run.hpp"

namespace stacksim::serve {

class CanEndpoint {
 public:
  virtual ~CanEndpoint() = default;
  // Frames that came in from outside since the last call, in order.
  virtual std::vector<bus::CanFrame> take_received() = 0;
  // A frame of the simulated bus, ended at end_ns (simulated time), to the outside.
  virtual void deliver(const bus::CanFrame& frame, std::int64_t end_ns) = 0;
  virtual void report(sim::ExternalBusReport& r) const = 0;
  // The bus the gateway joined, as node `node`, once the plant exists: for an
  // endpoint that tells the outside the bus's bit rate or the gateway's error
  // state (slcan's "F").
  virtual void attached(const bus::CanBus& bus, std::size_t node) {
    (void)bus;
    (void)node;
  }
};

class CanGateway : public sim::StepHook {
 public:
  static constexpr std::size_t kBacklog = 4096;

  CanGateway(std::string bus_name, std::string spec, std::unique_ptr<CanEndpoint> endpoint);

  void attach(sim::Plant& plant) override;
  // The gateway's node on `bus` (attach() takes the plant's PCS bus).
  void attach_bus(bus::CanBus& bus);
  void before_step(std::int64_t now_ns, std::int64_t dt_ns) override;
  void finish(sim::RunSummary& summary) override;

  const std::string& bus_name() const { return bus_name_; }
  std::uint64_t frames_in() const { return frames_in_; }
  std::uint64_t frames_out() const { return frames_out_; }
  CanEndpoint& endpoint() { return *endpoint_; }

 private:
  // Moves backlog frames into the controller's queue until it is full.
  void feed(std::int64_t now_ns);

  std::string bus_name_, spec_;
  std::unique_ptr<CanEndpoint> endpoint_;
  bus::CanBus* bus_ = nullptr;
  std::size_t node_ = 0;
  std::deque<bus::CanFrame> backlog_;
  std::uint64_t frames_in_ = 0, frames_out_ = 0, refused_ = 0;
};

}  // namespace stacksim::serve
