#include "sim/bms_report.hpp"

#include <cinttypes>
#include <cmath>
#include <cstdio>

#include "sim/signals_csv.hpp"

namespace stacksim::sim {

void CrossCheck::compare(const Plant& plant, const Sampler& sampler) {
  for (std::size_t b = 0; b < units_.size(); ++b) {
    const hw::Board& board = plant.board(plant.master(b));
    const auto& st = board.last_status();
    if (!board.powered() || !st || st->cell_max_mV <= 0 || st->cell_min_mV <= 0) continue;
    const UnitView& truth = sampler.unit(b);
    BmsUnitEnd& u = units_[b];
    u.cell_error_max_mV = std::max({u.cell_error_max_mV,
                                    std::fabs(st->cell_min_mV - truth.cell_min_V * 1000.0),
                                    std::fabs(st->cell_max_mV - truth.cell_max_V * 1000.0)});
    u.temp_error_max_C = std::max({u.temp_error_max_C,
                                   std::fabs(st->temp_min_dC / 10.0 - truth.temp_min_C),
                                   std::fabs(st->temp_max_dC / 10.0 - truth.temp_max_C)});
    ++u.compared;
  }
}

BmsSummary summarise_bms(Plant& plant, const BmsSetup& setup, const CrossCheck& cross) {
  BmsSummary s;
  const auto add = [&](const char* role, const FirmwareImage& image) {
    s.firmware.push_back({role, image.descriptor->name, image.descriptor->version, image.origin, image.sha256, image.build_id});
  };
  bool hv = false, lv = false;
  for (std::size_t i = 0; i < plant.board_count(); ++i) {
    hv = hv || plant.board(i).wiring().role == SSIM_ROLE_BCU;
    lv = lv || plant.board(i).wiring().role == SSIM_ROLE_PACK;
  }
  if (hv) {
    add("bcu", setup.firmware.bcu);
    add("module", setup.firmware.module);
  }
  if (lv) add("pack", setup.firmware.pack);
  s.protection_rows = setup.params.protection_ids;
  s.units = cross.units();
  for (std::size_t b = 0; b < s.units.size(); ++b) {
    const hw::Board& board = plant.board(plant.master(b));
    BmsUnitEnd& u = s.units[b];
    u.path_closed = board.main_path_closed();
    const auto& st = board.last_status();
    if (!board.powered() || !st) {
      u.state = board.powered() ? "booting" : "off";
      continue;
    }
    u.state = bms_state_name(st->state);
    u.soc_pct = st->soc_permille / 10.0;
    u.alarms = st->alarms;
    u.protections = st->protections;
    u.faults = st->faults;
  }
  s.boards = plant.board_count();
  for (std::size_t i = 0; i < plant.board_count(); ++i) s.failed_starts += plant.node(i).failed_starts();
  s.log_lines = plant.log().size();
  s.can_frames = plant.pcs_bus().stats().frames;
  for (std::size_t i = 0; i < plant.rs485_line_count(); ++i) {
    s.rs485_bursts += plant.rs485_line(i).stats().bursts;
    s.rs485_collisions += plant.rs485_line(i).stats().collisions;
  }
  return s;
}

bool write_firmware_log(const std::filesystem::path& path, const Plant& plant) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  static const char* const kLevels[] = {"debug", "info", "warn", "error"};
  for (const LogLine& line : plant.log()) {
    const std::int64_t ms = line.t_ns / 1'000'000;
    const int level = static_cast<int>(line.level);
    std::fprintf(f, "%" PRId64 ".%03" PRId64 " %s %s %s\n", ms / 1000, ms % 1000,
                 plant.board(line.board).wiring().name.c_str(),
                 level >= 0 && level <= 3 ? kLevels[level] : "?", line.message.c_str());
  }
  const bool ok = std::ferror(f) == 0;
  return std::fclose(f) == 0 && ok;
}

}  // namespace stacksim::sim
