// The pacer's wall clock: std::chrono::steady_clock, the monotonic clock.
// Waiting runs the io_context until the deadline, so the transports' I/O is
// served while the pacer waits.
#pragma once

#include <chrono>
#include <cstdint>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "serve/pacer.hpp"

namespace stacksim::serve {

class SteadyClock : public Clock {
 public:
  explicit SteadyClock(boost::asio::io_context& io) : io_(io), guard_(boost::asio::make_work_guard(io)) {}
  std::int64_t now_ns() override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  void wait_until(std::int64_t wall_ns) override {
    io_.run_until(std::chrono::steady_clock::time_point{std::chrono::nanoseconds(wall_ns)});
  }

 private:
  boost::asio::io_context& io_;
  // Without work the io_context would return at once instead of waiting.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
};

}  // namespace stacksim::serve
