// What a master or slave of a parallel system does with its own app and its
// report to the PCS, the same for LV packs and GTX3000 BCUs: a slave starts
// when the master's coding has coded it and stops on the master's order; a
// master defers a long press until its slaves are down (GTX5000 manual 5.2.1
// (3)) and speaks to the PCS for the whole system.
#pragma once

#include <cstdint>

#include "app/bms_app.hpp"
#include "parallel/parallel_link.hpp"
#include "pcs/pcs_report.hpp"

namespace stacksim::fw {

class LinkFollower {
 public:
  void follow(BmsApp& app, ParallelLink& link, std::uint32_t now_ms);

 private:
  std::uint32_t starts_rearmed_ = 0;  // this unit's own start-ups the link was rearmed for
  std::uint32_t starts_seen_ = 0;  // the master's codings this slave has acted on
  bool stopped_ = false;           // a slave's app stopped by the master's order
  bool stopping_slaves_ = false;  // a master waiting for its slaves before it stops
};

// What the unit's PCS link sends, from the unit's own report: a slave is
// silent; a master reports the merge of its own report and those of the
// slaves it has heard within their timeout (a lost slave's share of the
// limits is gone with it); a single unit reports itself.
PcsReport pcs_report_for(const ParallelLink& link, const PcsReport& own, std::uint32_t now_ms);

}  // namespace stacksim::fw
