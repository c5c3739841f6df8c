// stacksim serve --external NODE: boards whose firmware a real device stands
// in for (Plant::set_external), marked once the plant exists, before the first
// step. The names are those of Plant::board_buses, checked by the caller.
#pragma once

#include <string>
#include <vector>

#include "sim/run.hpp"

namespace stacksim::serve {

class ExternalBoards : public sim::StepHook {
 public:
  explicit ExternalBoards(std::vector<std::string> boards) : boards_(std::move(boards)) {}
  void attach(sim::Plant& plant) override;

 private:
  std::vector<std::string> boards_;
};

}  // namespace stacksim::serve
