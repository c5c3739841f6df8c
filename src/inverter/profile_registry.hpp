// The PCS protocol profiles by name: their DBC file, communication timeout
// (with its source) and default address. Registration is one line in
// profile_registry.cpp; the scenario's list of names
// (scenario::kInverterProtocols) is kept equal to it by a test.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "inverter/pcs_profile.hpp"
#include "protocol/dbc.hpp"
#include "util/diagnostics.hpp"

namespace stacksim::inverter {

struct ProfileInfo {
  const char* name;              // "pylon-lv", as in scenarios and pcs.protocol
  const char* dbc_file;          // under models/dbc/
  std::int64_t comm_timeout_ns;  // no battery frame for this long: the PCS stops
  const char* timeout_source;
  // Builds the profile from its DBC; each signal the DBC lacks is a
  // diagnostic naming `dbc_label`; nullptr then.
  std::unique_ptr<PcsProfile> (*make)(const protocol::Dbc& dbc, const std::string& dbc_label,
                                      Diagnostics& diags);
};

std::span<const ProfileInfo> profiles();
const ProfileInfo* find_profile(std::string_view name);

// The factories, one per profile file.
std::unique_ptr<PcsProfile> make_pylon_lv(const protocol::Dbc&, const std::string&, Diagnostics&);
std::unique_ptr<PcsProfile> make_pylon_hv(const protocol::Dbc&, const std::string&, Diagnostics&);
std::unique_ptr<PcsProfile> make_sofar_hv(const protocol::Dbc&, const std::string&, Diagnostics&);
std::unique_ptr<PcsProfile> make_growatt_lv(const protocol::Dbc&, const std::string&, Diagnostics&);

}  // namespace stacksim::inverter
