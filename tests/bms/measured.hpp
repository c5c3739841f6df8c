// The quantities of a protection table as one unit's converters read them
// now (the simulator's side of the HAL: AFE, NTC, shunt and divider
// conversions), and a watch that tells when such a value has been beyond a
// limit continuously for a time. The BMS tests time the firmware against
// these: a firmware cannot react to a value before its converter has
// produced it, and must not take longer than its measurement path's latency
// (measured.cpp states each bound).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/protection_codes.hpp"
#include "plant_fixture.hpp"

namespace stacksim::sim::testing {

class MeasuredQuantities {
 public:
  MeasuredQuantities(Plant& plant, std::size_t branch);

  // nullopt while a converter has nothing to report (board off, no
  // conversion yet, NTC at a rail, shunt failed).
  std::optional<std::int32_t> value(fw::Quantity q) const;

  // Boards of the unit that measure cells (GTX3000 modules, or the pack).
  const std::vector<std::size_t>& cell_boards() const { return cell_boards_; }
  std::size_t master() const { return master_; }

  // How long after a converter produced a value the firmware's protection
  // engine has evaluated it, at the latest (see measured.cpp).
  std::int64_t evaluation_latency_ns(fw::Quantity q) const;
  // The debug status follows every 100 ms; the rig sees it after the step.
  static constexpr std::int64_t kStatusLatency_ns = 110'000'000;
  // Longest gap between two polls of one GTX3000 module: a round of the
  // internal bus while balancing orders ride along (two slots per module).
  static std::int64_t poll_round_ns(std::size_t modules);

 private:
  Plant& plant_;
  std::size_t master_;
  std::vector<std::size_t> cell_boards_;
};

// Follows one value step by step. A "run" is an unbroken sequence of
// observations for which `beyond` holds; an observation without a value
// breaks it (the firmware freezes a row whose measurement is invalid and
// restarts its timers).
class RunWatch {
 public:
  RunWatch(std::function<bool(std::int32_t)> beyond, std::int64_t hold_ns)
      : beyond_(std::move(beyond)), hold_ns_(hold_ns) {}

  void observe(std::int64_t t_ns, std::optional<std::int32_t> v);
  // Start of the present run, if one is going on.
  std::optional<std::int64_t> run_start() const { return run_start_; }
  // The first instant any run had lasted hold_ns (run start + hold_ns).
  std::optional<std::int64_t> held_at() const { return held_at_; }
  std::optional<std::int32_t> last() const { return last_; }

 private:
  std::function<bool(std::int32_t)> beyond_;
  std::int64_t hold_ns_;
  std::optional<std::int64_t> run_start_, held_at_;
  std::optional<std::int32_t> last_;
};

// When the firmware of board `board` first logged a line containing `text`
// at or after `from_ns` (the plant records hal->log with its time).
std::optional<std::int64_t> logged_at(const Plant& plant, std::size_t board, const std::string& text,
                                      std::int64_t from_ns);

}  // namespace stacksim::sim::testing
