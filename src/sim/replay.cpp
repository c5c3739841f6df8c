#include "sim/replay.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string_view>
#include <utility>

#include "bus/can_bits.hpp"
#include "sim/inverter_setup.hpp"
#include "util/sha256.hpp"

namespace stacksim::sim {
namespace {

// Bits of an identifier that carry the battery address, masked out before a
// message is looked up (models/dbc/README.md, "Addressed ids").
std::uint32_t address_mask(std::string_view profile) {
  if (profile == "pylon-hv") return 0xFu;
  if (profile == "sofar-hv") return 0xF000u;
  return 0;
}

enum class Side { kPcs, kBattery, kUnknown };

Side side_of(const bus::CanFrame& f, const ReplayProtocol& p, std::uint32_t mask) {
  const protocol::Message* m = p.dbc.find(f.id, f.extended);
  if (m == nullptr && f.extended && mask != 0) m = p.dbc.find(f.id & ~mask, true);
  if (m != nullptr) return m->sender == "PCS" ? Side::kPcs : Side::kBattery;
  // The BCUs' link: the unit address in the id's low byte
  // (src/firmware/parallel/parallel_link.cpp); the DBC describes address 0.
  if (p.link && f.extended && p.link->find(f.id & ~0xFFu, true) != nullptr) return Side::kBattery;
  return Side::kUnknown;
}

// As candump writes it: 3 hex digits standard, 8 extended.
std::string id_text(const bus::CanFrame& f) {
  char text[16];
  std::snprintf(text, sizeof text, f.extended ? "%08X" : "%03X", static_cast<unsigned>(f.id));
  return text;
}

// The profile pcs.protocol selects in the firmware's calibration.
const inverter::ProfileInfo* firmware_profile(const BmsSetup& bms) {
  const auto slot = std::find(bms.params.keys.begin(), bms.params.keys.end(), "pcs.protocol");
  if (slot == bms.params.keys.end()) return nullptr;
  const std::int32_t value = bms.params.values[static_cast<std::size_t>(slot - bms.params.keys.begin())];
  for (const inverter::ProfileInfo& p : inverter::profiles()) {
    if (firmware_protocol_value(p.name) == value) return &p;
  }
  return nullptr;
}

}  // namespace

std::optional<ReplayProtocol> load_replay_protocol(const std::filesystem::path& data_dir,
                                                   const scenario::Scenario& sc, BmsSetup& bms,
                                                   const std::string& protocol_override, Diagnostics& diags) {
  const std::size_t before = diags.size();
  // As `run` does: the override (or the scenario's named protocol) becomes the
  // firmware's pcs.protocol; a scenario's inverter resolves "auto".
  auto plan = load_inverter_plan(data_dir, sc, &bms, protocol_override, diags);
  if (diags.size() != before) return std::nullopt;
  ReplayProtocol p;
  if (plan) {
    p.profile = plan->profile;
    p.dbc = std::move(plan->dbc);
    p.dbc_file = "models/dbc/" + std::string(p.profile->dbc_file);
  } else {
    p.profile = firmware_profile(bms);
    if (p.profile == nullptr) {
      diags.add("--protocol", "", {},
                "the firmware's calibration names no PCS protocol (pcs.protocol); expected --protocol with one of " +
                    protocol_names());
      return std::nullopt;
    }
    p.dbc_file = "models/dbc/" + std::string(p.profile->dbc_file);
    auto dbc = protocol::Dbc::load(data_dir / p.dbc_file, diags);
    if (!dbc) return std::nullopt;
    p.dbc = std::move(*dbc);
  }
  const auto link_path = data_dir / "models" / "dbc" / "gtx3000-link.dbc";
  if (std::filesystem::exists(link_path)) {
    p.link = protocol::Dbc::load(link_path, diags);
    if (!p.link) return std::nullopt;
  }
  return p;
}

std::optional<ReplayLog> read_replay_log(const std::filesystem::path& path, Diagnostics& diags) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    diags.add(path.string(), "", {}, std::string("cannot read the log: ") + std::strerror(errno));
    return std::nullopt;
  }
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::istringstream lines(text);
  bus::CandumpLog read = bus::read_candump(lines);
  for (const bus::LogError& e : read.errors) diags.add(path.string(), "", {e.line, 0}, e.message);
  if (read.error_count > read.errors.size()) {
    diags.add(path.string(), "", {},
              "and " + std::to_string(read.error_count - read.errors.size()) + " more lines that are not candump frames");
  }
  if (read.error_count > 0) return std::nullopt;
  if (read.records.empty()) {
    diags.add(path.string(), "", {}, "expected candump frames \"(seconds.micros) interface ID#DATA\", found none");
    return std::nullopt;
  }
  ReplayLog log;
  log.file = path.string();
  log.sha256 = sha256_hex(text);
  log.records = std::move(read.records);
  log.first_ns = log.last_ns = log.records.front().t_ns;
  for (const bus::CandumpRecord& rec : log.records) {
    log.first_ns = std::min(log.first_ns, rec.t_ns);
    log.last_ns = std::max(log.last_ns, rec.t_ns);
  }
  return log;
}

ReplayPlan plan_replay(const ReplayLog& log, const ReplayProtocol& protocol, std::int64_t offset_ns) {
  ReplayPlan plan;
  ReplayReport& r = plan.report;
  r.log_file = log.file;
  r.log_sha256 = log.sha256;
  r.protocol = protocol.profile->name;
  r.dbc_file = protocol.dbc_file;
  r.offset_ns = offset_ns;
  const std::uint32_t mask = address_mask(protocol.profile->name);
  for (const bus::CandumpRecord& rec : log.records) {
    ++r.records;
    switch (side_of(rec.frame, protocol, mask)) {
      case Side::kPcs:
        ++r.pcs_frames;
        plan.frames.push_back({rec.t_ns - offset_ns, rec.frame});
        break;
      case Side::kBattery:
        ++r.battery_frames;
        break;
      case Side::kUnknown: {
        ++r.unknown_frames;
        const std::string id = id_text(rec.frame);
        if (r.unknown_ids.size() < ReplayReport::kMaxUnknownIds &&
            std::find(r.unknown_ids.begin(), r.unknown_ids.end(), id) == r.unknown_ids.end()) {
          r.unknown_ids.push_back(id);
        }
        break;
      }
    }
  }
  // candump writes in time order; a merged log may not be.
  std::stable_sort(plan.frames.begin(), plan.frames.end(),
                   [](const ReplayFrame& a, const ReplayFrame& b) { return a.end_ns < b.end_ns; });
  return plan;
}

scenario::Scenario default_replay_scenario(const std::string& system, const std::string& name,
                                           std::int64_t duration_ns) {
  scenario::Scenario sc;
  sc.name = name;
  sc.system = system;
  sc.start_epoch_s = scenario::parse_local_time(scenario::kDefaultStart).value_or(0);
  sc.step_ns = 10'000'000;
  sc.record_ns = 1'000'000'000;
  sc.duration_ns = duration_ns;
  sc.source.file = "--system";
  return sc;
}

LogReplayer::LogReplayer(ReplayPlan plan) : frames_(std::move(plan.frames)), report_(std::move(plan.report)) {}

void LogReplayer::attach(bus::CanBus& bus) {
  bus_ = &bus;
  node_ = bus.attach("replay", [](const bus::CanFrame&, std::int64_t) {});
  start_ns_.clear();
  for (const ReplayFrame& f : frames_) {
    start_ns_.push_back(std::max<std::int64_t>(0, f.end_ns - bus.bits_ns(bus::can_frame_bits(f.frame))));
  }
}

void LogReplayer::before_step(std::int64_t now_ns, std::int64_t dt_ns) {
  if (bus_ == nullptr) return;
  while (next_ < frames_.size() && start_ns_[next_] < now_ns + dt_ns) {
    const std::int64_t at_ns = std::max(start_ns_[next_], now_ns);
    const auto result = bus_->send(node_, frames_[next_].frame, at_ns);
    if (result == bus::CanBus::SendResult::kQueueFull) break;  // again at the next step
    if (result == bus::CanBus::SendResult::kBusOff) {
      ++report_.refused;
    } else {
      ++report_.sent;
      report_.late += at_ns > start_ns_[next_] ? 1 : 0;
    }
    ++next_;
  }
}

ReplayReport LogReplayer::report() const {
  ReplayReport r = report_;
  r.after_end = frames_.size() - next_;
  return r;
}

RunOutcome run_replay(const scenario::Scenario& sc, const SystemConfig& config, RunOptions options,
                      ReplayPlan plan) {
  LogReplayer replayer(std::move(plan));
  options.replayer = &replayer;
  options.inverter = nullptr;
  return run_scenario(sc, config, options);
}

std::string replay_result_line(const scenario::Scenario& sc, const SystemConfig& config, const RunSummary& s,
                               const std::filesystem::path& out_dir) {
  std::string line = result_line(sc, config, s, out_dir);
  if (!s.replay) return line;
  const ReplayReport& r = *s.replay;
  const auto frames = [](std::uint64_t n, const char* whose) {
    return std::to_string(n) + whose + (n == 1 ? " frame" : " frames");
  };
  std::string counts = "; " + frames(r.sent, " PCS") + " replayed";
  if (r.after_end > 0) counts += " (" + std::to_string(r.after_end) + " after the end)";
  counts += ", " + frames(r.battery_frames, " battery") + " and " + std::to_string(r.unknown_frames) + " unknown skipped";
  const auto at = line.find(" -> " + out_dir.string());
  line.insert(at == std::string::npos ? line.size() : at, counts);
  return line;
}

nlohmann::ordered_json replay_json(const ReplayReport& r) {
  return {{"log", {{"file", r.log_file}, {"sha256", r.log_sha256}}},
          {"protocol", r.protocol},
          {"dbc", r.dbc_file},
          {"offset_s", static_cast<double>(r.offset_ns) / 1e9},
          {"records", r.records},
          {"pcs_frames", r.pcs_frames},
          {"battery_frames", r.battery_frames},
          {"unknown_frames", r.unknown_frames},
          {"unknown_ids", r.unknown_ids},
          {"sent", r.sent},
          {"late", r.late},
          {"refused", r.refused},
          {"after_end", r.after_end}};
}

}  // namespace stacksim::sim
