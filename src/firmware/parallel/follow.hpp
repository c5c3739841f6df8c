// What a master or slave of a parallel system does with its own app, the same
// for LV packs and GTX3000 BCUs: a slave starts when the master's coding has
// coded it and stops on the master's order; a master defers a long press until
// its slaves are down (GTX5000 manual 5.2.1 (3)).
#pragma once

#include <cstdint>

#include "app/bms_app.hpp"
#include "parallel/parallel_link.hpp"
#include "parallel/unit_summary.hpp"

namespace stacksim::fw {

class LinkFollower {
 public:
  void follow(BmsApp& app, ParallelLink& link, std::uint32_t now_ms);

 private:
  bool started_ = false;          // a slave's app started by the master's coding
  bool stopped_ = false;          // a slave's app stopped by the master's order
  bool stopping_slaves_ = false;  // a master waiting for its slaves before it stops
};

// This unit as the master sees it.
plink::UnitSummary unit_summary(const BmsApp& app, const Snapshot& s);

}  // namespace stacksim::fw
