// A simulated RS485 line bound to the outside (stacksim serve --bus
// LINE=pty:PATH | serial:DEVICE@BAUD): the gateway is one more node on the
// line, standing for the real device. Every burst the line carries from the
// simulated boards goes out to the endpoint as bytes; the bytes that come in
// are grouped into bursts by the line's idle gap (burst_assembler.hpp) and
// each whole burst is written onto the line at the next step's start, as if
// the real device's driver had sent it then (back to back when several are
// waiting; colliding with a simulated board's burst as on a real wire).
// At most 1 s of line time waits to be sent; beyond it bursts are refused and
// counted, so a device that talks faster than the simulated line cannot grow
// the backlog without bound.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bus/rs485_line.hpp"
#include "serve/burst_assembler.hpp"
#include "sim/run.hpp"

namespace boost::asio {
class io_context;
}

namespace stacksim::serve {

class Rs485Endpoint {
 public:
  struct Chunk {
    std::int64_t wall_ns = 0;  // when the bytes were read
    std::vector<std::uint8_t> bytes;
  };
  virtual ~Rs485Endpoint() = default;
  // What came in from outside since the last call, in order.
  virtual std::vector<Chunk> take_received() = 0;
  // A burst of the simulated line, to the outside.
  virtual void deliver(const std::uint8_t* data, std::size_t len) = 0;
  // Fills frames_out, frames_dropped and what else the endpoint knows.
  virtual void report(sim::ExternalBusReport& r) const = 0;
};

class Rs485Gateway : public sim::StepHook {
 public:
  static constexpr std::int64_t kMaxBacklogNs = 1'000'000'000;

  // wall_ns: the monotonic clock the endpoint stamps its chunks with.
  Rs485Gateway(std::string line_name, std::string spec, std::unique_ptr<Rs485Endpoint> endpoint,
               std::function<std::int64_t()> wall_ns);

  // The plant must have a line called line_name (Plant::bus_names).
  void attach(sim::Plant& plant) override;
  // The gateway's node on `line` (attach() finds the line by name).
  void attach_line(bus::Rs485Line& line);
  void before_step(std::int64_t now_ns, std::int64_t dt_ns) override;
  void finish(sim::RunSummary& summary) override;

  const std::string& line_name() const { return line_name_; }
  std::uint64_t bursts_in() const { return bursts_in_; }
  std::uint64_t bursts_out() const { return bursts_out_; }

 private:
  std::string line_name_, spec_;
  std::unique_ptr<Rs485Endpoint> endpoint_;
  std::function<std::int64_t()> wall_ns_;
  bus::Rs485Line* line_ = nullptr;
  std::size_t node_ = 0;
  BurstAssembler assembler_{0};
  std::int64_t busy_until_ns_ = 0;  // end of the last burst written (simulated time)
  std::uint64_t bursts_in_ = 0, bursts_out_ = 0, refused_ = 0;
};

// Opens the endpoint of a binding of the RS485 line `line` to `spec`
// (pty:PATH or serial:DEVICE@BAUD) on io, stamped with the monotonic clock,
// or says why it cannot (error set, null returned): a CAN transport, a path
// in use, a device that does not open.
std::unique_ptr<Rs485Gateway> open_rs485_gateway(boost::asio::io_context& io, const std::string& line,
                                                 const std::string& spec, std::string& error);

}  // namespace stacksim::serve
