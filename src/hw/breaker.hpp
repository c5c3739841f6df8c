// The power switch (GTX3000 BCU main MCB): an operator input. Open, it
// isolates the string and, on the BCU, the 12 V DC/DC that feeds the BMS.
// It starts open, as a delivered product does.
#pragma once

#include <cstdint>

namespace stacksim::hw {

class Breaker {
 public:
  void set_closed(bool closed) {
    if (closed == closed_) return;
    closed_ = closed;
    ++operations_;
  }
  bool closed() const { return closed_; }
  std::uint64_t operations() const { return operations_; }

 private:
  bool closed_ = false;
  std::uint64_t operations_ = 0;
};

}  // namespace stacksim::hw
