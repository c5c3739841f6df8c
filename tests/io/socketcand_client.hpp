// A socketcand client for tests over real TCP on 127.0.0.1, run on the same
// thread (and io_context) as the server under test: every wait runs the
// io_context so the server can work, and ends on what has arrived, never on
// how long it took (the limit only turns a hang into a failure).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

namespace stacksim::io::testing {

class SocketcandClient {
 public:
  static constexpr std::chrono::seconds kLimit{10};

  SocketcandClient(boost::asio::io_context& io, std::uint16_t port) : io_(io), socket_(io) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }

  void say(std::string_view text) { boost::asio::write(socket_, boost::asio::buffer(text.data(), text.size())); }

  // Exactly the next `bytes` bytes the server sends (fewer only if the limit
  // passes first, which the caller's comparison then shows).
  std::string take(std::size_t bytes) {
    const auto limit = std::chrono::steady_clock::now() + kLimit;
    while (inbox_.size() < bytes && std::chrono::steady_clock::now() < limit) {
      io_.run_for(std::chrono::milliseconds(1));
      read_available();
    }
    const std::size_t n = bytes < inbox_.size() ? bytes : inbox_.size();
    std::string out = inbox_.substr(0, n);
    inbox_.erase(0, n);
    return out;
  }

  // The answer to what was just said: exactly `expected.size()` bytes.
  std::string answer(std::string_view expected) { return take(expected.size()); }

  // What has arrived once the server has had `settle` to send more: for
  // checking that nothing (more) comes.
  std::string rest(std::chrono::milliseconds settle = std::chrono::milliseconds(30)) {
    io_.run_for(settle);
    read_available();
    return std::exchange(inbox_, {});
  }

  // Through the handshake into raw mode; false if an answer was not the one
  // python-can expects.
  bool enter_raw_mode(const std::string& channel = "can0") {
    if (take(6) != "< hi >") return false;
    say("< open " + channel + " >");
    if (take(6) != "< ok >") return false;
    say("< rawmode >");
    return take(6) == "< ok >";
  }

  void close() { socket_.close(); }

 private:
  void read_available() {
    boost::system::error_code ec;
    while (socket_.available(ec) > 0 && !ec) {
      char buf[8192];
      inbox_.append(buf, socket_.read_some(boost::asio::buffer(buf), ec));
      if (ec) return;
    }
  }

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::socket socket_;
  std::string inbox_;
};

}  // namespace stacksim::io::testing
