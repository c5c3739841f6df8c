#include "sim/module_reports.hpp"

namespace stacksim::sim {

ModuleReports::ModuleReports(std::vector<bus::Rs485Line*> lines) : lines_(std::move(lines)) {
  for (std::size_t u = 0; u < lines_.size(); ++u) {
    taps_.push_back(lines_[u]->add_tap([this, u](const bus::Rs485Line::BurstView& b) {
      // What the BCU's UART receives; a burst that is not a valid report
      // (corrupted, a poll, another function) changes nothing here.
      fw::ibus::Frame frame;
      fw::ibus::Report report;
      if (!fw::ibus::decode(b.data, b.len, frame) || !fw::ibus::parse_report(frame, report)) return;
      last_[{u, frame.address}] = report;
    }));
  }
}

ModuleReports::~ModuleReports() {
  for (std::size_t u = 0; u < lines_.size(); ++u) lines_[u]->remove_tap(taps_[u]);
}

const fw::ibus::Report* ModuleReports::last(std::size_t unit, std::uint8_t address) const {
  const auto it = last_.find({unit, address});
  return it == last_.end() ? nullptr : &it->second;
}

}  // namespace stacksim::sim
