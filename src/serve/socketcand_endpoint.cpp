// The socketcand server as the external end of a CAN bus.
#include <cstdio>

#include "io/socketcand_server.hpp"
#include "serve/endpoints.hpp"

namespace stacksim::serve {
namespace {

class SocketcandEndpoint : public CanEndpoint {
 public:
  explicit SocketcandEndpoint(std::unique_ptr<io::SocketcandServer> server) : server_(std::move(server)) {}
  std::vector<bus::CanFrame> take_received() override { return server_->take_received(); }
  void deliver(const bus::CanFrame& frame, std::int64_t end_ns) override { server_->broadcast(frame, end_ns); }
  void report(sim::ExternalBusReport& r) const override {
    const io::SocketcandServer::Stats s = server_->stats();
    r.frames_out = s.frames_out;
    r.frames_dropped = s.frames_dropped;
    r.frames_refused += s.frames_refused;
    r.malformed = s.malformed + s.oversized;
    r.clients = s.clients_accepted;
  }

 private:
  std::unique_ptr<io::SocketcandServer> server_;
};

}  // namespace

std::unique_ptr<CanEndpoint> open_socketcand(boost::asio::io_context& io, const bus::TransportSpec& spec,
                                             std::string& error) {
  const auto colon = spec.name.rfind(':');
  io::SocketcandServer::Options o;
  o.address = spec.name.substr(0, colon);
  if (o.address == "localhost") o.address = "127.0.0.1";
  o.port = static_cast<std::uint16_t>(std::stoul(spec.name.substr(colon + 1)));
  auto server = io::SocketcandServer::listen(io, o, error);
  if (!server) return nullptr;
  // The port actually bound (port 0 picks one), for the user and the tests.
  std::fprintf(stderr, "stacksim: bus on socketcand %s:%u (channel %s)\n", o.address.c_str(),
               static_cast<unsigned>(server->port()), o.channel.c_str());
  return std::make_unique<SocketcandEndpoint>(std::move(server));
}

}  // namespace stacksim::serve
