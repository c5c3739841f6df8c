#include "sim/bus_recorder.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "bus/candump_log.hpp"
#include "bus/rs485_log.hpp"
#include "sim/plant.hpp"

namespace stacksim::sim {

namespace {
// Lines collect in memory and go to the file in blocks about this big.
constexpr std::size_t kFlushBytes = 1 << 16;
}  // namespace

struct BusRecorder::Log {
  std::filesystem::path final_path;
  std::filesystem::path partial_path;
  std::FILE* file = nullptr;
  std::string buffer;
  int error = 0;  // errno of the first failed write

  ~Log() {
    if (file != nullptr) std::fclose(file);
  }
  void flush() {
    if (!buffer.empty() && error == 0 && std::fwrite(buffer.data(), 1, buffer.size(), file) != buffer.size()) {
      error = errno != 0 ? errno : EIO;
    }
    buffer.clear();
  }
  void maybe_flush() {
    if (buffer.size() >= kFlushBytes) flush();
  }
};

BusRecorder::BusRecorder(std::filesystem::path dir) : dir_(std::move(dir)) {}

BusRecorder::~BusRecorder() {
  detach();
  if (committed_) return;
  for (auto& log : logs_) {
    if (log->file != nullptr) std::fclose(log->file);
    log->file = nullptr;
    std::error_code ignored;
    std::filesystem::remove(log->partial_path, ignored);
  }
}

void BusRecorder::detach() {
  for (auto& d : detachers_) d();
  detachers_.clear();
}

std::string BusRecorder::safe_name(const std::string& name) {
  std::string out = name.empty() ? "unnamed" : name;
  for (char& c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) c = '-';
  }
  return out;
}

BusRecorder::Log* BusRecorder::open(const std::string& prefix, const std::string& name, std::string& error) {
  const std::string base = prefix + safe_name(name);
  std::string file_name = base + ".log";
  // Two names that only differ in characters safe_name() replaced.
  for (int n = 2; std::any_of(logs_.begin(), logs_.end(), [&](const auto& l) {
         return l->final_path.filename() == file_name;
       });
       ++n) {
    file_name = base + "-" + std::to_string(n) + ".log";
  }
  auto log = std::make_unique<Log>();
  log->final_path = dir_ / file_name;
  log->partial_path = dir_ / (file_name + ".partial");
  log->file = std::fopen(log->partial_path.c_str(), "wb");
  if (log->file == nullptr) {
    error = "cannot write " + log->partial_path.string() + ": " + std::strerror(errno);
    return nullptr;
  }
  logs_.push_back(std::move(log));
  return logs_.back().get();
}

bool BusRecorder::record(bus::CanBus& can, std::string& error) {
  Log* log = open("bus-", can.name(), error);
  if (log == nullptr) return false;
  const std::string iface = safe_name(can.name());
  const std::size_t handle = can.add_tap([log, iface](const bus::CanFrame& f, std::int64_t end_ns, std::size_t) {
    bus::append_candump_line(log->buffer, end_ns, iface, f);
    log->maybe_flush();
  });
  detachers_.push_back([&can, handle] { can.remove_tap(handle); });
  return true;
}

bool BusRecorder::record(bus::Rs485Line& line, std::string& error) {
  Log* log = open("rs485-", line.name(), error);
  if (log == nullptr) return false;
  log->buffer += bus::rs485_log_header();
  const std::string name = safe_name(line.name());
  // Node names made safe once each, on first use (nodes may attach later).
  std::vector<std::string> nodes;
  const std::size_t handle =
      line.add_tap([log, name, &line, nodes](const bus::Rs485Line::BurstView& b) mutable {
        while (nodes.size() <= b.sender) nodes.push_back(safe_name(line.node_name(nodes.size())));
        bus::append_rs485_line(log->buffer, b.end_ns, name, nodes[b.sender], b.data, b.len, b.corrupted);
        log->maybe_flush();
      });
  detachers_.push_back([&line, handle] { line.remove_tap(handle); });
  return true;
}

bool BusRecorder::commit(std::string& error) {
  detach();
  for (auto& log : logs_) {
    log->flush();
    const int close_result = std::fclose(log->file);
    log->file = nullptr;
    if (log->error == 0 && close_result != 0) log->error = errno != 0 ? errno : EIO;
    if (log->error != 0) {
      error = "cannot write " + log->partial_path.string() + ": " + std::strerror(log->error);
      return false;
    }
  }
  for (auto& log : logs_) {
    std::error_code ec;
    std::filesystem::rename(log->partial_path, log->final_path, ec);
    if (ec) {
      error = "cannot rename " + log->partial_path.string() + ": " + ec.message();
      return false;
    }
  }
  committed_ = true;
  return true;
}

std::vector<std::filesystem::path> BusRecorder::files() const {
  std::vector<std::filesystem::path> out;
  for (const auto& log : logs_) out.push_back(log->final_path);
  return out;
}

bool record_plant_buses(BusRecorder& recorder, Plant& plant,
                        const std::optional<std::vector<std::string>>& only, const std::vector<std::string>& bound,
                        std::string& error) {
  const auto listed = [](const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  const auto wanted = [&](const std::string& name) {
    if (only) return listed(*only, name);
    return !Plant::outside_only(name) || listed(bound, name);
  };
  if (wanted(plant.pcs_bus().name()) && !recorder.record(plant.pcs_bus(), error)) return false;
  for (std::size_t i = 0; i < plant.rs485_line_count(); ++i) {
    bus::Rs485Line& line = plant.rs485_line(i);
    if (wanted(line.name()) && !recorder.record(line, error)) return false;
  }
  return true;
}

}  // namespace stacksim::sim
