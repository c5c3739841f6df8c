// A Linux CAN interface (SocketCAN) as the external end of a CAN bus.
#include <cstdio>
#include <string>

#include "io/socketcan_port.hpp"
#include "serve/endpoints.hpp"

namespace stacksim::serve {
namespace {

class SocketcanEndpoint : public CanEndpoint {
 public:
  explicit SocketcanEndpoint(std::unique_ptr<io::SocketcanPort> port) : port_(std::move(port)) {}
  std::vector<bus::CanFrame> take_received() override { return port_->take_received(); }
  void deliver(const bus::CanFrame& frame, std::int64_t) override { port_->send(frame); }
  void report(sim::ExternalBusReport& r) const override {
    const io::SocketcanPort::Stats s = port_->stats();
    r.frames_out = s.frames_out;
    r.frames_dropped = s.frames_dropped;
    r.malformed = s.malformed;
    r.error_frames = s.error_frames;
    // The driver's word where it has one (not on vcan), else what the error frames said.
    io::CanControllerState state = port_->link_info().state;
    if (state == io::CanControllerState::kUnknown) state = port_->state();
    r.controller_state = std::string(io::can_controller_state_name(state));
  }

 private:
  std::unique_ptr<io::SocketcanPort> port_;
};

}  // namespace

std::unique_ptr<CanEndpoint> open_socketcan(boost::asio::io_context& io, const bus::TransportSpec& spec,
                                            std::string& error) {
  // spec.name is IFACE or IFACE@BITRATE, checked by bus::parse_transport.
  const auto at = spec.name.find('@');
  io::SocketcanPort::Options o;
  o.interface = spec.name.substr(0, at);
  if (at != std::string::npos) o.bitrate_bps = static_cast<std::uint32_t>(std::stoul(spec.name.substr(at + 1)));
  auto port = io::SocketcanPort::open(io, o, error);
  if (!port) return nullptr;
  const io::SocketcanPort::LinkInfo info = port->link_info();
  const std::string bitrate =
      info.bitrate_bps ? std::to_string(*info.bitrate_bps) + " bit/s" : std::string("no bit timing");
  std::fprintf(stderr, "stacksim: bus on socketcan %s (%s, state %s)\n", o.interface.c_str(), bitrate.c_str(),
               std::string(io::can_controller_state_name(info.state)).c_str());
  return std::make_unique<SocketcanEndpoint>(std::move(port));
}

}  // namespace stacksim::serve
