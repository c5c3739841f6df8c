// The SLCAN pseudo-terminal as the external end of a CAN bus.
#include <cstdio>

#include "io/slcan_pty.hpp"
#include "serve/endpoints.hpp"

namespace stacksim::serve {
namespace {

class SlcanEndpoint : public CanEndpoint {
 public:
  explicit SlcanEndpoint(std::unique_ptr<io::SlcanPty> pty) : pty_(std::move(pty)) {}

  void attached(const bus::CanBus& bus, std::size_t node) override {
    bus_ = &bus;
    node_ = node;
  }

  // Called at every step start: the moment to refresh what "F" reports and
  // to look at the bit rate the host asked for.
  std::vector<bus::CanFrame> take_received() override {
    if (bus_ != nullptr) {
      pty_->set_bus_flags(flags(bus_->error_state(node_)));
      check_bitrate();
    }
    return pty_->take_received();
  }

  void deliver(const bus::CanFrame& frame, std::int64_t end_ns) override { pty_->deliver(frame, end_ns); }

  void report(sim::ExternalBusReport& r) const override {
    const io::SlcanPty::Stats s = pty_->stats();
    r.frames_out = s.frames_out;
    r.frames_dropped = s.frames_dropped;
    r.frames_refused += s.frames_refused;
    r.malformed = s.malformed + s.refused + s.oversized;
    r.clients = s.hosts;
    r.slcan_bitrate_bps = pty_->requested_bitrate_bps();
    r.slcan_mode = mode_name(pty_->channel().mode());
  }

 private:
  static const char* mode_name(io::SlcanChannel::Mode mode) {
    using M = io::SlcanChannel::Mode;
    if (mode == M::kOpen) return "open";
    return mode == M::kListenOnly ? "listen-only" : "closed";
  }

  static std::uint8_t flags(bus::CanBus::ErrorState state) {
    using S = bus::CanBus::ErrorState;
    using C = io::SlcanChannel;
    if (state == S::kBusOff) return C::kFlagErrorPassive | C::kFlagBusError;
    return state == S::kPassive ? C::kFlagErrorPassive : 0;
  }

  // The simulated bus keeps its own bit rate whatever the host sets (frame
  // timing is the model's); a host that expects another one is told once.
  void check_bitrate() {
    const std::uint32_t host_bps = pty_->requested_bitrate_bps();
    if (warned_ || host_bps == 0 || host_bps == bus_->bitrate_bps()) return;
    warned_ = true;
    std::fprintf(stderr, "stacksim: slcan %s: the host set %u bit/s; the simulated bus runs at %u bit/s and keeps it\n",
                 pty_->link_path().c_str(), static_cast<unsigned>(host_bps),
                 static_cast<unsigned>(bus_->bitrate_bps()));
  }

  std::unique_ptr<io::SlcanPty> pty_;
  const bus::CanBus* bus_ = nullptr;
  std::size_t node_ = 0;
  bool warned_ = false;
};

}  // namespace

std::unique_ptr<CanEndpoint> open_slcan(boost::asio::io_context& io, const bus::TransportSpec& spec,
                                        std::string& error) {
  io::SlcanPty::Options o;
  o.link_path = spec.name;
  auto pty = io::SlcanPty::open(io, o, error);
  if (!pty) return nullptr;
  std::fprintf(stderr, "stacksim: bus on slcan %s -> %s\n", pty->link_path().c_str(), pty->slave_path().c_str());
  return std::make_unique<SlcanEndpoint>(std::move(pty));
}

}  // namespace stacksim::serve
