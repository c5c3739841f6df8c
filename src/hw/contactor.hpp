// A contactor or relay (main positive, main negative, pre-charge; on LV
// packs the MOSFET paths are contactors with zero times): the coil command,
// the contacts' actual state some time later, and an auxiliary contact that
// follows the main contacts mechanically.
//
// Energising the coil at t closes the contacts at exactly t + close time;
// releasing it opens them at t + open time. A command that reverses a
// pending change cancels it. Faults: welded contacts stay closed once closed
// (a weld set while open takes hold at the next closing); stuck-open
// contacts never close. The auxiliary contact always shows the true contact
// state, which is how firmware detects both faults.
#pragma once

#include <cstdint>

#include "hw/sensor_math.hpp"

namespace stacksim::hw {

struct ContactorSpec {
  std::int64_t close_ns = 25'000'000;
  std::int64_t open_ns = 10'000'000;
  bool auxiliary_contact = true;   // feedback input wired to the firmware
};

class Contactor {
 public:
  explicit Contactor(const ContactorSpec& spec) : spec_(spec) {}

  const ContactorSpec& spec() const { return spec_; }
  // Coil energised (true) or released at t_ns.
  void command(std::int64_t t_ns, bool energise);
  // Brings the contacts up to t_ns; `current_A` flows through them at that
  // moment (for the count of operations under load). True if they moved.
  bool advance(std::int64_t t_ns, double current_A);
  // When the contacts will move next, or kNever.
  std::int64_t next_change_ns() const { return change_ns_; }

  bool commanded() const { return commanded_; }
  bool closed() const { return closed_; }
  bool feedback() const { return closed_; }

  // Faults take effect at t_ns; clearing one lets the coil state apply again
  // from t_ns (a released coil then opens formerly welded contacts).
  void set_welded(std::int64_t t_ns, bool welded);
  void set_stuck_open(std::int64_t t_ns, bool stuck);
  bool welded() const { return welded_; }
  bool stuck_open() const { return stuck_open_; }

  // Contact movements (closings plus openings), and openings that broke
  // more than 1 A.
  std::uint64_t operations() const { return operations_; }
  std::uint64_t operations_under_load() const { return operations_under_load_; }

 private:
  void reschedule(std::int64_t t_ns);

  ContactorSpec spec_;
  bool commanded_ = false;
  bool closed_ = false;
  bool welded_ = false;
  bool stuck_open_ = false;
  std::int64_t change_ns_ = kNever;
  std::uint64_t operations_ = 0;
  std::uint64_t operations_under_load_ = 0;
};

}  // namespace stacksim::hw
