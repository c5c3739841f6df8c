// The last report each GTX3000 module sent its BCU on the string's internal
// RS485 bus, decoded as the BCU decodes it (the reference firmware's ibus
// codec, docs/internal-bus.md), so that expectations can read the values on
// the wire: what the module said, not what the physics is.
#pragma once

#include <map>
#include <utility>
#include <vector>

#include "bus/rs485_line.hpp"
#include "ibus/ibus.hpp"

namespace stacksim::sim {

class ModuleReports {
 public:
  // lines[u]: the internal line of string u.
  explicit ModuleReports(std::vector<bus::Rs485Line*> lines);
  ~ModuleReports();
  ModuleReports(const ModuleReports&) = delete;
  ModuleReports& operator=(const ModuleReports&) = delete;

  // Null until module `address` (1-based, its coded address) of string
  // `unit` (0-based) has answered with a valid report.
  const fw::ibus::Report* last(std::size_t unit, std::uint8_t address) const;

 private:
  std::vector<bus::Rs485Line*> lines_;
  std::vector<std::size_t> taps_;
  std::map<std::pair<std::size_t, std::uint8_t>, fw::ibus::Report> last_;
};

}  // namespace stacksim::sim
