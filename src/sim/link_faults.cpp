#include "sim/link_faults.hpp"

#include <algorithm>

namespace stacksim::sim {

LinkFaults::LinkFaults(std::uint64_t seed, std::vector<std::string> board_names, std::size_t lines)
    : seed_(seed),
      names_(std::move(board_names)),
      can_(names_.size()),
      rs485_(names_.size()),
      rngs_(names_.size()),
      jammed_(lines, false) {}

void LinkFaults::set(std::size_t board, bool can, double loss, double corruption) {
  (can ? can_ : rs485_)[board] = Faults{loss, corruption};
}

Rng& LinkFaults::rng(std::size_t board) {
  if (!rngs_[board]) rngs_[board].emplace(seed_, "link-faults:" + names_[board]);
  return *rngs_[board];
}

bool LinkFaults::pass_can(std::size_t board) {
  const Faults& f = can_[board];
  if (f.loss <= 0.0 && f.corruption <= 0.0) return true;
  if (rng(board).uniform() < f.loss) {
    ++lost_;
    return false;
  }
  if (rng(board).uniform() < f.corruption) {
    ++corrupted_;
    return false;
  }
  return true;
}

const std::uint8_t* LinkFaults::pass_rs485(std::size_t board, std::size_t line, const std::uint8_t* data,
                                           std::size_t len) {
  const Faults& f = rs485_[board];
  const bool jammed = jammed_[line];
  if (!jammed && f.loss <= 0.0 && f.corruption <= 0.0) return data;
  if (!jammed && rng(board).uniform() < f.loss) {
    ++lost_;
    return nullptr;
  }
  if (len == 0 || !(jammed || rng(board).uniform() < f.corruption)) return data;
  ++corrupted_;
  scratch_.assign(data, data + len);
  const std::uint64_t bit = rng(board).next_u64() % (len * 8);
  scratch_[bit / 8] = static_cast<std::uint8_t>(scratch_[bit / 8] ^ (1u << (bit % 8)));
  return scratch_.data();
}

}  // namespace stacksim::sim
