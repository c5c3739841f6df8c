// How the battery names itself to the PCS: manufacturer strings (parameter
// pcs.manufacturer, or the profile's own default), hardware and software
// versions, serial numbers.
#pragma once

#include <cstddef>
#include <cstdint>

#include "pcs/pcs_profile.hpp"

namespace stacksim::fw {

// Versions the reference firmware reports (Pylon HV 0x7310, Sofar 0x35F,
// Growatt 0x320): hardware 'A' 1.0, software 1.0.
inline constexpr std::uint8_t kPcsHardwareVersion = 1;  // 'A'
inline constexpr std::uint8_t kPcsSoftwareMajor = 1;
inline constexpr std::uint8_t kPcsSoftwareMinor = 0;

struct ManufacturerText {
  const char* name;          // up to 8 characters (the 0x35E frames)
  const char* long_name;     // up to 16 characters (Pylon HV 0x7330/0x7340)
  const char* abbreviation;  // 2 characters (Growatt)
};

// The name for `chosen`, or for `profile_default` when pcs.manufacturer is
// "profile".
inline ManufacturerText manufacturer_text(PcsManufacturer chosen, PcsManufacturer profile_default) {
  const PcsManufacturer m = chosen == PcsManufacturer::kProfile ? profile_default : chosen;
  switch (m) {
    case PcsManufacturer::kPylon: return {"PYLON", "PYLONTECH", "PY"};
    case PcsManufacturer::kAmass: return {"AMASS", "AMASS", "AM"};
    case PcsManufacturer::kSofar: return {"SOFAR", "SOFAR", "SF"};
    case PcsManufacturer::kGrowatt: return {"GROWATT", "GROWATT", "GW"};
    case PcsManufacturer::kStacksim:
    case PcsManufacturer::kProfile: break;
  }
  return {"STACKSIM", "STACKSIM", "SS"};
}

// "<PRODUCT>-<address>-M<module>" in upper case, e.g. "GTX3000-0-M01"
// (module from 1), into out[0..size) terminated.
inline void serial_number(char* out, std::size_t size, const char* product, std::uint8_t address,
                          std::uint16_t module) {
  std::size_t n = 0;
  const auto put = [&](char c) {
    if (n + 1 < size) out[n++] = c;
  };
  for (const char* p = product; p != nullptr && *p != '\0'; ++p) {
    put(*p >= 'a' && *p <= 'z' ? static_cast<char>(*p - 'a' + 'A') : *p);
  }
  put('-');
  if (address >= 10) put(static_cast<char>('0' + address / 10));
  put(static_cast<char>('0' + address % 10));
  put('-');
  put('M');
  put(static_cast<char>('0' + (module / 10) % 10));
  put(static_cast<char>('0' + module % 10));
  if (size > 0) out[n] = '\0';
}

}  // namespace stacksim::fw
