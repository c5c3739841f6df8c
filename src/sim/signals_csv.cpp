#include "sim/signals_csv.hpp"

#include <cinttypes>

namespace stacksim::sim {

const char* bms_state_name(ssim_bms_state state) { return ssim_bms_state_name(state); }

SignalsCsv::~SignalsCsv() {
  if (file_) std::fclose(file_);
}

bool SignalsCsv::open(const std::filesystem::path& path, const std::vector<std::string>& units,
                      bool bms, const std::string& extra_header) {
  file_ = std::fopen(path.c_str(), "wb");
  if (!file_) return false;
  buffer_.resize(1 << 20);
  std::setvbuf(file_, buffer_.data(), _IOFBF, buffer_.size());
  std::fputs("time_s,step,voltage_V,current_A,power_W,soc_pct,cell_min_V,cell_max_V,temp_min_C,temp_max_C",
             file_);
  for (const std::string& u : units) {
    for (const char* column : {"voltage_V", "current_A", "soc_pct", "cell_min_V", "cell_max_V",
                               "temp_min_C", "temp_max_C"}) {
      std::fprintf(file_, ",%s_%s", u.c_str(), column);
    }
    if (!bms) continue;
    for (const char* column : {"bms_state", "bms_soc_pct", "charge_limit_A", "discharge_limit_A",
                               "alarms", "protections", "faults", "path_closed"}) {
      std::fprintf(file_, ",%s_%s", u.c_str(), column);
    }
  }
  std::fputs(extra_header.c_str(), file_);
  std::fputc('\n', file_);
  return true;
}

void SignalsCsv::row(std::int64_t time_ns, std::size_t step, const Sampler& sampler,
                     const physics::PhysicsSystem& s, const Plant* plant, const char* extra) {
  const Observation& o = sampler.observation();
  // Time from the integer count: exact to the millisecond, no float drift.
  const std::int64_t ms = time_ns / 1'000'000;
  std::fprintf(file_, "%" PRId64 ".%03" PRId64 ",%zu,%.4f,%.4f,%.2f,%.4f,%.4f,%.4f,%.3f,%.3f",
               ms / 1000, ms % 1000, step, o.voltage_V, o.current_A, o.voltage_V * o.current_A,
               o.soc * 100.0, o.cells.cell_min_V, o.cells.cell_max_V, o.cells.temp_min_C,
               o.cells.temp_max_C);
  for (std::size_t b = 0; b < s.branch_count(); ++b) {
    const UnitView& u = sampler.unit(b);
    std::fprintf(file_, ",%.4f,%.4f,%.4f,%.4f,%.4f,%.3f,%.3f", s.branch_voltage_V(b),
                 s.branch_current_A(b), s.branch_soc(b) * 100.0, u.cell_min_V, u.cell_max_V,
                 u.temp_min_C, u.temp_max_C);
    if (plant == nullptr) continue;
    const hw::Board& board = plant->board(plant->master(b));
    const auto& st = board.last_status();
    if (!board.powered() || !st) {
      std::fprintf(file_, ",%s,,,,,,,%d", board.powered() ? "booting" : "off",
                   board.main_path_closed() ? 1 : 0);
      continue;
    }
    std::fprintf(file_, ",%s,%.1f,%.3f,%.3f,0x%08" PRIx32 ",0x%08" PRIx32 ",0x%08" PRIx32 ",%d",
                 bms_state_name(st->state), st->soc_permille / 10.0, st->charge_limit_mA / 1000.0,
                 st->discharge_limit_mA / 1000.0, st->alarms, st->protections, st->faults,
                 board.main_path_closed() ? 1 : 0);
  }
  if (extra != nullptr) std::fputs(extra, file_);
  std::fputc('\n', file_);
}

bool SignalsCsv::close() {
  if (!file_) return false;
  const bool ok = std::ferror(file_) == 0;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  return ok && closed;
}

}  // namespace stacksim::sim
