// Steps the BMS tests share: start a unit and wait for its path, find a
// protection row by its id.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "plant_fixture.hpp"
#include "row_drive.hpp"

namespace stacksim::sim::testing {

// The operator's start (breaker, long press); returns when the main path
// closed (a test failure and -1 if it did not within limit_ns).
inline std::int64_t start_and_close(PlantRig& rig, std::int64_t limit_ns = s(30)) {
  rig.start();
  const auto closed = rig.run_until_true([&] { return rig.master().main_path_closed(); }, limit_ns);
  EXPECT_TRUE(closed) << rig.log_text();
  return closed.value_or(-1);
}

inline RowSpec find_row(const std::string& product, const std::string& id) {
  for (const RowSpec& r : protection_rows(product)) {
    if (r.id == id) return r;
  }
  ADD_FAILURE() << "no protection row " << id << " in " << product;
  return RowSpec{};
}

}  // namespace stacksim::sim::testing
