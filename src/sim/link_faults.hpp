// Link faults of a plant's boards (docs/faults.md): what a board receives
// over the PCS CAN bus or its RS485 line can be lost or corrupted with a
// probability, and an RS485 line can be jammed by a babbling node. Each
// board draws from its own stream of the run's seed, so a fault on one board
// never changes what happens on another.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/rng.hpp"

namespace stacksim::sim {

class LinkFaults {
 public:
  LinkFaults(std::uint64_t seed, std::vector<std::string> board_names, std::size_t lines);

  // Probabilities per frame (CAN) or burst (RS485) received by the board.
  void set(std::size_t board, bool can, double loss, double corruption);
  void set_line_jammed(std::size_t line, bool jammed) { jammed_[line] = jammed; }

  // Whether a CAN frame reaches the board's controller. A corrupted frame
  // fails the receiver's CRC check and is dropped there, as a CAN controller
  // does (the sender's retransmission after the error frame is not modelled).
  bool pass_can(std::size_t board);
  // The burst as the board's UART receives it: `data`, a corrupted copy (one
  // bit flipped; every burst on a jammed line), or null when it is lost.
  const std::uint8_t* pass_rs485(std::size_t board, std::size_t line, const std::uint8_t* data, std::size_t len);

  std::uint64_t lost() const { return lost_; }
  std::uint64_t corrupted() const { return corrupted_; }

 private:
  struct Faults {
    double loss = 0.0, corruption = 0.0;
  };
  Rng& rng(std::size_t board);

  std::uint64_t seed_;
  std::vector<std::string> names_;
  std::vector<Faults> can_, rs485_;
  std::vector<std::optional<Rng>> rngs_;  // made on first use
  std::vector<bool> jammed_;
  std::vector<std::uint8_t> scratch_;
  std::uint64_t lost_ = 0, corrupted_ = 0;
};

}  // namespace stacksim::sim
