// The battery side of the Pylontech RS485 protocol (protocols.md 5.2-5.4,
// [PYRS33]): the answer to one request, from the numbers the CAN profiles
// send (pcs_report.hpp). Answered: 0x4F protocol version, 0x51 manufacturer,
// 0x42 analog values, 0x44 alarm info, 0x47 system parameters, 0x92
// charge/discharge management and the system-level 0x60-0x63 [PACE-35],
// [BE-PYRS], [AIREP-PYRS]. docs/pcs-protocols.md lists every field.
#pragma once

#include <cstdint>

#include "pcs/pcs_limits.hpp"
#include "pcs/pcs_profile.hpp"
#include "pcs/pcs_report.hpp"
#include "pcs/pylon_rs485.hpp"

namespace stacksim::fw {

// The protocol version the battery answers with and expects in VER (B-E
// answers "20"; the 5.1 example asks with 0x20) [BE-PYRS], [PYRS33].
inline constexpr std::uint8_t kPylon485Version = 0x20;

struct Pylon485Source {
  std::uint8_t address = 2;            // pcs485.address: the master battery is 2 [PYRS33]
  const PcsReport* system = nullptr;   // what the PCS is told: the system's report
  const PcsReport* pack = nullptr;     // this pack's own report (0x42 / 0x44 for its address)
  const PcsCellSource* cells = nullptr;  // this pack's cells and sensors; may be null
  const PcsLimits* limits = nullptr;
  const char* product = "";
  PcsManufacturer manufacturer = PcsManufacturer::kProfile;
};

enum class Pylon485Outcome : std::uint8_t {
  kUnreadable,  // not a frame (no SOI ... EOI, a header that is not hex): no answer
  kSilent,      // another battery's: no answer
  kAnswered,    // answered with RTN 00
  kRefused,     // answered with an error RTN
};

// The answer to the burst `data[0..len)` in `out` (unless kUnreadable or kSilent).
Pylon485Outcome pylon485_answer(const std::uint8_t* data, std::size_t len, const Pylon485Source& src,
                                pylon485::Frame& out);

}  // namespace stacksim::fw
