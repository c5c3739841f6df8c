// Records the traffic of a run's buses into its output folder, through the
// buses' taps: bus-<name>.log in the candump format for each CAN bus and
// rs485-<name>.log for each RS485 line (docs/bus-logs.md). Only simulated
// time is written, so the same run gives byte-identical logs. Lines are
// buffered and written in large blocks; the files are named *.partial until
// commit(), and removed if the recorder goes away without it (a failed run
// leaves nothing half-written).
//
// The recorder must be destroyed before the buses it records (it detaches
// its taps then); declare it after them.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bus/can_bus.hpp"
#include "bus/rs485_line.hpp"

namespace stacksim::sim {

class Plant;

class BusRecorder {
 public:
  explicit BusRecorder(std::filesystem::path dir);
  BusRecorder(const BusRecorder&) = delete;
  BusRecorder& operator=(const BusRecorder&) = delete;
  ~BusRecorder();

  // Starts recording; false (with `error` set) if the file cannot be created.
  bool record(bus::CanBus& bus, std::string& error);
  bool record(bus::Rs485Line& line, std::string& error);

  // Writes what is buffered, closes the files and gives them their final
  // names; false with `error` set on an I/O problem. Recording stops.
  bool commit(std::string& error);

  // Final paths, in the order the buses were added.
  std::vector<std::filesystem::path> files() const;

  // A bus or line name as it appears in file names and log lines: anything
  // but letters, digits, '.', '_' and '-' becomes '-'.
  static std::string safe_name(const std::string& name);

 private:
  struct Log;
  Log* open(const std::string& prefix, const std::string& name, std::string& error);
  void detach();

  std::filesystem::path dir_;
  std::vector<std::unique_ptr<Log>> logs_;
  std::vector<std::function<void()>> detachers_;
  bool committed_ = false;
};

// Records every bus of the plant: its pcs bus and all its RS485 lines.
// `only`: the bus names to record (Plant::bus_names); nullopt records every
// bus but a line only the outside talks on (Plant::outside_only) that is not
// in `bound` (stacksim serve's bindings): without a transport it stays silent.
bool record_plant_buses(BusRecorder& recorder, Plant& plant,
                        const std::optional<std::vector<std::string>>& only, const std::vector<std::string>& bound,
                        std::string& error);

}  // namespace stacksim::sim
