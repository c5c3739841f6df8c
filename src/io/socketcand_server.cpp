#include "io/socketcand_server.hpp"

#include <algorithm>
#include <array>
#include <chrono>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "io/socketcand_codec.hpp"

namespace stacksim::io {

namespace asio = boost::asio;
using asio::ip::tcp;

struct SocketcandServer::Session : std::enable_shared_from_this<Session> {
  enum class Mode { kGreeted, kOpen, kRawPending, kRaw };

  Session(tcp::socket s, SocketcandServer* owner) : socket(std::move(s)), timer(socket.get_executor()), server(owner) {}

  void start() {
    queue("< hi >");
    read();
  }

  void read() {
    auto self = shared_from_this();
    socket.async_read_some(asio::buffer(in), [self](const boost::system::error_code& ec, std::size_t n) {
      if (self->server == nullptr) return;
      if (ec) {
        self->close();
        return;
      }
      self->parser.feed(self->in.data(), n, [&](const SocketcandCommand& c) { self->handle(c); });
      self->read();
    });
  }

  void handle(const SocketcandCommand& c) {
    Stats& st = server->stats_;
    using K = SocketcandCommand::Kind;
    switch (c.kind) {
      case K::kOpen:
        if (mode != Mode::kGreeted) return reject("already open");
        if (c.channel != server->options_.channel) return reject("no bus " + c.channel + " (this server has " + server->options_.channel + ")");
        mode = Mode::kOpen;
        queue("< ok >");
        return;
      case K::kRawMode:
        if (mode != Mode::kOpen) return reject(mode == Mode::kGreeted ? "open a bus first" : "already in raw mode");
        mode = Mode::kRawPending;
        queue("< ok >");
        start_raw();
        return;
      case K::kEcho:
        queue("< echo >");
        return;
      case K::kSend:
        if (mode == Mode::kGreeted) return reject("open a bus first");
        if (server->received_.size() >= kMaxReceivedFrames) {
          ++st.frames_refused;
          return;
        }
        ++st.frames_in;
        server->received_.push_back(c.frame);
        return;
      case K::kOther:
      case K::kMalformed:
        return reject(c.error);
    }
  }

  void start_raw() {
    auto self = shared_from_this();
    timer.expires_after(std::chrono::milliseconds(server->options_.raw_start_delay_ms));
    timer.async_wait([self](const boost::system::error_code& ec) {
      if (!ec && self->server != nullptr && self->mode == Mode::kRawPending) self->mode = Mode::kRaw;
    });
  }

  void reject(const std::string& why) {
    ++server->stats_.malformed;
    std::string text = why;
    // The answer must stay one message.
    std::replace(text.begin(), text.end(), '<', '(');
    std::replace(text.begin(), text.end(), '>', ')');
    queue("< error " + text + " >");
  }

  // Queues text; false (and nothing queued) if the client is that far behind.
  bool queue(const std::string& text) {
    if (pending.size() + text.size() > server->options_.max_queued_bytes) return false;
    pending += text;
    flush();
    return true;
  }

  void flush() {
    if (writing || pending.empty() || !socket.is_open()) return;
    writing = true;
    in_flight.swap(pending);
    pending.clear();
    auto self = shared_from_this();
    asio::async_write(socket, asio::buffer(in_flight), [self](const boost::system::error_code& ec, std::size_t) {
      self->writing = false;
      if (self->server == nullptr) return;
      if (ec) {
        self->close();
        return;
      }
      self->flush();
    });
  }

  void close() {
    boost::system::error_code ignored;
    socket.close(ignored);
    timer.cancel();
    closed = true;
  }

  tcp::socket socket;
  asio::steady_timer timer;
  SocketcandServer* server;
  SocketcandParser parser;
  std::array<char, 4096> in{};
  std::string pending, in_flight;
  bool writing = false;
  bool closed = false;
  Mode mode = Mode::kGreeted;
};

SocketcandServer::SocketcandServer(asio::io_context& io, const Options& options)
    : io_(io), options_(options), acceptor_(io) {}

std::unique_ptr<SocketcandServer> SocketcandServer::listen(asio::io_context& io, const Options& options,
                                                           std::string& error) {
  std::unique_ptr<SocketcandServer> s(new SocketcandServer(io, options));
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(options.address, ec);
  if (ec) {
    error = "socketcand: bad address '" + options.address + "': " + ec.message();
    return nullptr;
  }
  const tcp::endpoint endpoint(address, options.port);
  s->acceptor_.open(endpoint.protocol(), ec);
  if (!ec) s->acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) s->acceptor_.bind(endpoint, ec);
  if (!ec) s->acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "socketcand: cannot listen on " + options.address + ":" + std::to_string(options.port) + ": " +
            ec.message();
    return nullptr;
  }
  s->accept();
  return s;
}

SocketcandServer::~SocketcandServer() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  for (auto& session : sessions_) {
    session->close();
    session->server = nullptr;
  }
}

void SocketcandServer::accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) {
      forget_closed();
      if (sessions_.size() >= options_.max_clients) {
        ++stats_.clients_refused;
        const std::string busy = "< error too many clients >";
        boost::system::error_code ignored;
        asio::write(socket, asio::buffer(busy), ignored);
        socket.close(ignored);
      } else {
        ++stats_.clients_accepted;
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        sessions_.push_back(std::make_shared<Session>(std::move(socket), this));
        sessions_.back()->start();
      }
    }
    accept();
  });
}

void SocketcandServer::forget_closed() {
  for (const auto& session : sessions_) {
    if (!session->closed) continue;
    stats_.oversized += session->parser.oversized();
    stats_.skipped_bytes += session->parser.skipped_bytes();
  }
  sessions_.erase(std::remove_if(sessions_.begin(), sessions_.end(), [](const auto& s) { return s->closed; }),
                  sessions_.end());
}

std::uint16_t SocketcandServer::port() const {
  boost::system::error_code ec;
  const auto endpoint = acceptor_.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

std::size_t SocketcandServer::clients() const {
  return static_cast<std::size_t>(
      std::count_if(sessions_.begin(), sessions_.end(), [](const auto& s) { return !s->closed; }));
}

std::vector<bus::CanFrame> SocketcandServer::take_received() {
  std::vector<bus::CanFrame> out;
  out.swap(received_);
  return out;
}

void SocketcandServer::broadcast(const bus::CanFrame& frame, std::int64_t time_ns) {
  // One space before each frame: python-can's client (4.1) drops the
  // character after the last whole message it parsed; without a separator
  // that is the '<' of a message cut by the TCP read, and the message is lost.
  // A separator after each message would do too, but leaves the client a
  // lone space to warn about after every read.
  scratch_.assign(1, ' ');
  append_socketcand_frame(scratch_, frame, time_ns);
  for (auto& session : sessions_) {
    if (session->closed || session->mode != Session::Mode::kRaw) continue;
    if (session->queue(scratch_)) {
      ++stats_.frames_out;
    } else {
      ++stats_.frames_dropped;
    }
  }
}

SocketcandServer::Stats SocketcandServer::stats() const {
  Stats s = stats_;
  for (const auto& session : sessions_) {
    s.oversized += session->parser.oversized();
    s.skipped_bytes += session->parser.skipped_bytes();
  }
  return s;
}

}  // namespace stacksim::io
