#include "serve/burst_assembler.hpp"

#include <cassert>
#include <iterator>

namespace stacksim::serve {

std::int64_t BurstAssembler::idle_gap_ns(std::uint32_t baud, int bits_per_byte) {
  assert(baud > 0 && bits_per_byte > 0);
  if (baud > 19200) return 1'750'000;
  // 3.5 characters: 7 half characters, rounded up to the nanosecond.
  const std::int64_t half_chars_bits = 7LL * bits_per_byte;
  return (half_chars_bits * 1'000'000'000LL + 2LL * baud - 1) / (2LL * baud);
}

void BurstAssembler::add(const std::uint8_t* data, std::size_t len, std::int64_t wall_ns) {
  if (len == 0) return;
  if (!current_.empty() && wall_ns - last_ns_ >= gap_ns_) close();
  last_ns_ = wall_ns;
  const std::size_t room = kMaxBurstBytes - current_.size();
  if (len > room) {
    if (!current_cut_) ++cut_;
    current_cut_ = true;
    len = room;
  }
  current_.insert(current_.end(), data, data + len);
}

std::vector<std::vector<std::uint8_t>> BurstAssembler::take(std::int64_t wall_ns) {
  if (!current_.empty() && wall_ns - last_ns_ >= gap_ns_) close();
  std::vector<std::vector<std::uint8_t>> out(std::make_move_iterator(complete_.begin()),
                                             std::make_move_iterator(complete_.end()));
  complete_.clear();
  return out;
}

void BurstAssembler::close() {
  if (complete_.size() >= kMaxBursts) {
    ++dropped_;
  } else {
    complete_.push_back(std::move(current_));
  }
  current_.clear();
  current_cut_ = false;
}

}  // namespace stacksim::serve
