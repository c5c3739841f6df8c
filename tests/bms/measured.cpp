#include "measured.hpp"

#include <algorithm>

namespace stacksim::sim::testing {
namespace {

constexpr std::int64_t kMs = 1'000'000;
// The reference firmware ticks every 10 ms (reference.cpp).
constexpr std::int64_t kTick_ns = 10 * kMs;
// A module's report is built from the front end every 100 ms
// (module_tasks.cpp); the LV pack reads its cells every 100 ms
// (pack_tasks.cpp), both on the converters' own period.
constexpr std::int64_t kCellRead_ns = 100 * kMs;
// One request and its answer on the GTX3000 internal bus
// (ModulePollerConfig::slot_ms, bcu/module_poller.hpp).
constexpr std::int64_t kPollSlot_ns = 20 * kMs;

bool is_cell_or_temp(fw::Quantity q) {
  switch (q) {
    case fw::Quantity::kCellMax_mV:
    case fw::Quantity::kCellMin_mV:
    case fw::Quantity::kCellDiff_mV:
    case fw::Quantity::kCellTempMax_dC:
    case fw::Quantity::kCellTempMin_dC: return true;
    default: return false;
  }
}

}  // namespace

MeasuredQuantities::MeasuredQuantities(Plant& plant, std::size_t branch)
    : plant_(plant), master_(plant.master(branch)) {
  for (std::size_t i = 0; i < plant.board_count(); ++i) {
    hw::Board& b = plant.board(i);
    if (b.wiring().branch == branch && b.afe() != nullptr) cell_boards_.push_back(i);
  }
}

std::optional<std::int32_t> MeasuredQuantities::value(fw::Quantity q) const {
  hw::Board& master = plant_.board(master_);
  switch (q) {
    case fw::Quantity::kCellMax_mV:
    case fw::Quantity::kCellMin_mV:
    case fw::Quantity::kCellDiff_mV: {
      std::int32_t lo = INT32_MAX, hi = INT32_MIN;
      for (std::size_t i : cell_boards_) {
        hw::Board& b = plant_.board(i);
        const hw::CellFrontEnd* afe = b.afe();
        if (!b.powered() || !afe->ready() || afe->failed()) return std::nullopt;
        for (std::uint16_t c = 0; c < afe->channels(); ++c) {
          lo = std::min(lo, afe->reading_mV(c));
          hi = std::max(hi, afe->reading_mV(c));
        }
      }
      if (q == fw::Quantity::kCellMax_mV) return hi;
      if (q == fw::Quantity::kCellMin_mV) return lo;
      return hi - lo;
    }
    case fw::Quantity::kPackMax_mV:
    case fw::Quantity::kPackMin_mV: {
      const hw::VoltageSense* v = master.voltage_sense();
      if (!master.powered() || v == nullptr || !v->ready()) return std::nullopt;
      return v->reading_mV(hw::VoltageSense::kBattery);
    }
    case fw::Quantity::kChargeCurrent_mA:
    case fw::Quantity::kDischargeCurrent_mA: {
      const hw::CurrentShunt* s = master.shunt();
      if (!master.powered() || s == nullptr || !s->ready() || s->failed()) return std::nullopt;
      const std::int32_t mA = s->reading_mA();
      if (q == fw::Quantity::kChargeCurrent_mA) return std::max(mA, 0);
      return std::max(-mA, 0);
    }
    case fw::Quantity::kCellTempMax_dC:
    case fw::Quantity::kCellTempMin_dC: {
      std::int16_t lo = INT16_MAX, hi = INT16_MIN;
      for (std::size_t i : cell_boards_) {
        hw::Board& b = plant_.board(i);
        hw::TemperatureSensors& t = b.temperatures();
        if (!b.powered() || !t.ready()) return std::nullopt;
        for (std::size_t k = 0; k < t.count(); ++k) {
          std::int16_t dC = 0;
          if (!t.reading_dC(k, dC)) return std::nullopt;
          lo = std::min(lo, dC);
          hi = std::max(hi, dC);
        }
      }
      return q == fw::Quantity::kCellTempMax_dC ? hi : lo;
    }
    case fw::Quantity::kBoardTempMax_dC: {
      hw::TemperatureSensors& t = master.temperatures();
      if (!master.powered() || !t.ready()) return std::nullopt;
      return t.board_reading_dC();
    }
  }
  return std::nullopt;
}

// The measurement paths of the reference firmware, end to end:
//   string / pack voltage, current, board temperature: the master reads its
//     own converters at its next 10 ms tick (sampled on the same 10 ms grid;
//     one tick of margin).
//   LV pack cells and NTCs: read every 100 ms, one tick after each scan.
//   GTX3000 cells and NTCs: the module reads its scan within 100 ms and one
//     tick; the BCU polls each module once per round, which is two slots per
//     module while balancing orders ride along (module_poller.cpp), plus
//     the slot of the answer; the BCU folds the report in at its next tick.
std::int64_t MeasuredQuantities::evaluation_latency_ns(fw::Quantity q) const {
  if (!is_cell_or_temp(q)) return 2 * kTick_ns;
  const hw::Board& master = plant_.board(master_);
  if (master.wiring().role != SSIM_ROLE_BCU) return kCellRead_ns + kTick_ns;
  return kCellRead_ns + kTick_ns + poll_round_ns(cell_boards_.size()) + kPollSlot_ns + kTick_ns;
}

std::int64_t MeasuredQuantities::poll_round_ns(std::size_t modules) {
  return 2 * static_cast<std::int64_t>(modules) * kPollSlot_ns;
}

void RunWatch::observe(std::int64_t t_ns, std::optional<std::int32_t> v) {
  last_ = v;
  if (!v || !beyond_(*v)) {
    run_start_.reset();
    return;
  }
  if (!run_start_) run_start_ = t_ns;
  if (!held_at_ && t_ns - *run_start_ >= hold_ns_) held_at_ = *run_start_ + hold_ns_;
}

std::optional<std::int64_t> logged_at(const Plant& plant, std::size_t board, const std::string& text,
                                      std::int64_t from_ns) {
  for (const LogLine& l : plant.log()) {
    if (l.board == board && l.t_ns >= from_ns && l.message.find(text) != std::string::npos) return l.t_ns;
  }
  return std::nullopt;
}

}  // namespace stacksim::sim::testing
