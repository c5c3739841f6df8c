#include "inverter/profile_registry.hpp"

namespace stacksim::inverter {
namespace {

constexpr std::int64_t kSecond_ns = 1'000'000'000;

// Timeouts (docs/inverter.md): SMA's Sunny Island stops after 60 s without
// 0x355 [SMA], the one PCS timeout a source states; the other profiles use
// the same 60 s, Sofar twice that, as Battery-Emulator lengthened it for
// Sofar inverters, which "do not send much" [BE-SOFAR], [BE-TESTS].
constexpr ProfileInfo kProfiles[] = {
    {"pylon-lv", "pylon-lv.dbc", 60 * kSecond_ns, "SMA Sunny Island: 60 s without 0x355 [SMA]", make_pylon_lv},
    {"pylon-hv", "pylon-hv.dbc", 60 * kSecond_ns, "no source; SMA's 60 s [SMA]", make_pylon_hv},
    {"sofar-hv", "sofar-hv.dbc", 120 * kSecond_ns, "Battery-Emulator doubles its timeout for Sofar [BE-TESTS]", make_sofar_hv},
    {"growatt-lv", "growatt-lv.dbc", 60 * kSecond_ns, "no source; SMA's 60 s [SMA]", make_growatt_lv},
};

}  // namespace

std::span<const ProfileInfo> profiles() { return kProfiles; }

const ProfileInfo* find_profile(std::string_view name) {
  for (const ProfileInfo& p : kProfiles) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace stacksim::inverter
