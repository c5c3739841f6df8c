// A socketcand server (raw mode) on TCP, so python-can's "socketcand"
// interface and other socketcand clients join a simulated CAN bus
// (docs/serve.md). It runs on the caller's io_context: the serve loop polls it
// between steps and while the pacer waits, so everything happens on one
// thread and frames enter the bus only at step boundaries.
//
// Per client: "< hi >" on connect; "< open CHANNEL >" (the name given in
// Options) answered "< ok >"; "< rawmode >" answered "< ok >", and from then
// on every frame of the bus is sent as "< frame ... >"; "< send ... >" puts a
// frame on the bus. Everything else is answered "< error ... >" and counted.
// Each client has bounded buffers: what it sends is parsed as it arrives
// (kMaxMessage per message), and what it does not read fast enough beyond
// Options::max_queued_bytes is dropped and counted for that client alone. A
// client leaving mid-message harms no one else.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "bus/can_frame.hpp"

namespace stacksim::io {

class SocketcandServer {
 public:
  struct Options {
    std::string address = "127.0.0.1";
    std::uint16_t port = 29536;   // socketcand's default; 0 picks a free one
    std::string channel = "can0";  // the bus name clients open
    std::size_t max_clients = 16;
    std::size_t max_queued_bytes = 1 << 20;
    // Frames start this long after the rawmode "< ok >", so a client that
    // reads the ok with one recv (python-can compares it exactly) does not
    // find a frame glued to it.
    std::uint32_t raw_start_delay_ms = 20;
  };
  struct Stats {
    std::uint64_t clients_accepted = 0, clients_refused = 0;
    std::uint64_t frames_in = 0;       // "< send >" accepted onto the bus
    std::uint64_t frames_out = 0;      // frames written to clients (per client)
    std::uint64_t frames_dropped = 0;  // not written: a client's queue was full
    std::uint64_t malformed = 0;       // messages that did not parse, or came in the wrong state
    std::uint64_t oversized = 0;       // messages longer than kMaxMessage
    std::uint64_t skipped_bytes = 0;   // bytes outside any message
    std::uint64_t frames_refused = 0;  // "< send >" beyond kMaxReceivedFrames waiting for the bus
  };
  // Frames from clients waiting for take_received(), at most: seven seconds
  // of a saturated 1 Mbit/s bus, far more than one step takes, so only a
  // client sending faster than any CAN bus meets it; memory stays bounded.
  static constexpr std::size_t kMaxReceivedFrames = 65536;

  // Binds and listens; on failure returns null and sets `error` (address in
  // use, bad address).
  static std::unique_ptr<SocketcandServer> listen(boost::asio::io_context& io, const Options& options,
                                                  std::string& error);
  ~SocketcandServer();
  SocketcandServer(const SocketcandServer&) = delete;
  SocketcandServer& operator=(const SocketcandServer&) = delete;

  std::uint16_t port() const;
  std::size_t clients() const;
  // Frames clients sent since the last call, in arrival order.
  std::vector<bus::CanFrame> take_received();
  // Sends a bus frame to every client in raw mode; time_ns is the bus time
  // of its end.
  void broadcast(const bus::CanFrame& frame, std::int64_t time_ns);
  Stats stats() const;

  struct Session;

 private:
  SocketcandServer(boost::asio::io_context& io, const Options& options);
  void accept();
  // Drops closed sessions, keeping their counts.
  void forget_closed();

  boost::asio::io_context& io_;
  Options options_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::vector<std::shared_ptr<Session>> sessions_;
  std::vector<bus::CanFrame> received_;
  Stats stats_;
  std::string scratch_;
};

}  // namespace stacksim::io
