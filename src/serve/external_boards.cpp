#include "serve/external_boards.hpp"

#include <cassert>

#include "sim/plant.hpp"

namespace stacksim::serve {

void ExternalBoards::attach(sim::Plant& plant) {
  for (const std::string& name : boards_) {
    bool found = false;
    for (std::size_t i = 0; i < plant.board_count() && !found; ++i) {
      if (plant.board(i).wiring().name != name) continue;
      plant.set_external(i);
      found = true;
    }
    assert(found && "--external names a board the plant does not have");
  }
}

}  // namespace stacksim::serve
