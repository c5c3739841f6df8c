// The far end of a pseudo-terminal that stacksim serves (slcan:PATH,
// pty:PATH), opened through its link as a host program opens a serial port,
// for tests that run the endpoint's io_context on the same thread: every
// wait runs it, and ends on what has arrived, never on how long it took (the
// limit only turns a hang into a failure).
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/io_context.hpp>

namespace stacksim::io::testing {

class PtyHost {
 public:
  static constexpr std::chrono::seconds kLimit{10};

  PtyHost(boost::asio::io_context& io, const std::string& link) : io_(io) { open(link); }
  ~PtyHost() { close(); }
  PtyHost(const PtyHost&) = delete;
  PtyHost& operator=(const PtyHost&) = delete;

  bool is_open() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }

  void open(const std::string& link) {
    fd_ = ::open(link.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (fd_ < 0) error_ = link + ": " + std::strerror(errno);
  }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    inbox_.clear();
  }

  // Writes all of `bytes`; while the terminal's buffer is full the endpoint
  // runs and reads it. False if the limit passed first.
  bool say(std::string_view bytes) {
    const auto limit = std::chrono::steady_clock::now() + kLimit;
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n > 0) {
        bytes.remove_prefix(static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
      if (std::chrono::steady_clock::now() > limit) return false;
      io_.run_one_for(std::chrono::milliseconds(1));
      read_available();
    }
    return true;
  }

  // Runs the endpoint until what has arrived satisfies done(inbox) (or the
  // limit passes); returns all of it and starts afresh.
  template <typename Done>
  std::string take_until(Done done) {
    const auto limit = std::chrono::steady_clock::now() + kLimit;
    read_available();
    while (!done(std::string_view(inbox_)) && std::chrono::steady_clock::now() < limit) {
      io_.run_one_for(std::chrono::milliseconds(1));
      io_.poll();
      read_available();
    }
    return std::exchange(inbox_, {});
  }
  // Exactly the next `bytes` bytes (fewer only if the limit passes first).
  std::string take(std::size_t bytes) {
    std::string all = take_until([bytes](std::string_view in) { return in.size() >= bytes; });
    if (all.size() > bytes) inbox_ = all.substr(bytes);
    all.resize(bytes < all.size() ? bytes : all.size());
    return all;
  }
  // What has arrived once the endpoint has had `settle` to send more: for
  // checking that nothing (more) comes.
  std::string rest(std::chrono::milliseconds settle = std::chrono::milliseconds(30)) {
    io_.run_for(settle);
    read_available();
    return std::exchange(inbox_, {});
  }

 private:
  void read_available() {
    char buf[4096];
    for (;;) {
      const ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n <= 0) return;
      inbox_.append(buf, static_cast<std::size_t>(n));
    }
  }

  boost::asio::io_context& io_;
  int fd_ = -1;
  std::string error_;
  std::string inbox_;
};

// How often `needle` occurs in `text`.
inline std::size_t occurrences(std::string_view text, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

}  // namespace stacksim::io::testing
