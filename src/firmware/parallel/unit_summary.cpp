#include "parallel/unit_summary.hpp"

namespace stacksim::fw::plink {

namespace {

void put32(std::uint8_t*& p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) *p++ = static_cast<std::uint8_t>(v >> (8 * i));
}
void put16(std::uint8_t*& p, std::uint16_t v) {
  *p++ = static_cast<std::uint8_t>(v);
  *p++ = static_cast<std::uint8_t>(v >> 8);
}
std::uint32_t get32(const std::uint8_t*& p) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(*p++) << (8 * i);
  return v;
}
std::uint16_t get16(const std::uint8_t*& p) {
  const std::uint16_t v = static_cast<std::uint16_t>(p[0] | (p[1] << 8));
  p += 2;
  return v;
}

}  // namespace

void pack_summary(const UnitSummary& s, std::uint8_t* out) {
  std::uint8_t* p = out;
  put32(p, s.charge_limit_mA);
  put32(p, s.discharge_limit_mA);
  put16(p, s.soc_permille);
  put16(p, s.soh_permille);
  put32(p, static_cast<std::uint32_t>(s.pack_mV));
  put32(p, static_cast<std::uint32_t>(s.current_mA));
  put16(p, s.cell_min_mV);
  put16(p, s.cell_max_mV);
  put16(p, static_cast<std::uint16_t>(s.temp_min_dC));
  put16(p, static_cast<std::uint16_t>(s.temp_max_dC));
  put32(p, s.warnings);
  put32(p, s.alarms);
  put32(p, s.protections);
  put16(p, static_cast<std::uint16_t>(s.faults));
  *p++ = s.state;
  *p++ = s.flags;
}

UnitSummary unpack_summary(const std::uint8_t* in) {
  const std::uint8_t* p = in;
  UnitSummary s;
  s.charge_limit_mA = get32(p);
  s.discharge_limit_mA = get32(p);
  s.soc_permille = get16(p);
  s.soh_permille = get16(p);
  s.pack_mV = static_cast<std::int32_t>(get32(p));
  s.current_mA = static_cast<std::int32_t>(get32(p));
  s.cell_min_mV = get16(p);
  s.cell_max_mV = get16(p);
  s.temp_min_dC = static_cast<std::int16_t>(get16(p));
  s.temp_max_dC = static_cast<std::int16_t>(get16(p));
  s.warnings = get32(p);
  s.alarms = get32(p);
  s.protections = get32(p);
  s.faults = get16(p);
  s.state = *p++;
  s.flags = *p++;
  return s;
}

}  // namespace stacksim::fw::plink
