// DIR/signals.csv: one row per record interval. Numbers have fixed decimals so
// the same run gives the same bytes.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "physics/command.hpp"
#include "physics/system.hpp"
#include "sim/observation.hpp"
#include "sim/plant.hpp"

namespace stacksim::sim {

// "standby", "charge", ... as CSV and summary write them.
const char* bms_state_name(ssim_bms_state state);

class SignalsCsv {
 public:
  SignalsCsv() = default;
  SignalsCsv(const SignalsCsv&) = delete;
  SignalsCsv& operator=(const SignalsCsv&) = delete;
  ~SignalsCsv();

  // Opens `path` and writes the header; false (with errno set) on failure.
  // With `bms`, each unit also gets its master board's view: BMS state, SOC,
  // current limits, alarm / protection / fault bits, power path.
  // `extra_header` (",a,b") adds columns at the end of each row, which row()
  // fills from `extra` (",1,2"): the inverter's (sim/inverter_output.hpp).
  bool open(const std::filesystem::path& path, const std::vector<std::string>& unit_names,
            bool bms = false, const std::string& extra_header = {});
  // `sampler` must have sampled this instant with the SOC.
  void row(std::int64_t time_ns, std::size_t profile_step, const Sampler& sampler,
           const physics::PhysicsSystem& system, const Plant* plant = nullptr,
           const char* extra = nullptr);
  // Flushes and closes; false if anything failed to be written.
  bool close();

 private:
  std::FILE* file_ = nullptr;
  std::vector<char> buffer_;
};

}  // namespace stacksim::sim
