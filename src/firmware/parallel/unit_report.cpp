#include "parallel/unit_report.hpp"

namespace stacksim::fw::plink {

namespace {

// One cursor for both directions, so that the layout is written once.
class Writer {
 public:
  explicit Writer(std::uint8_t* p) : p_(p) {}
  void u8(std::uint8_t v) { *p_++ = v; }
  void u16(std::uint16_t v) {
    u8(static_cast<std::uint8_t>(v));
    u8(static_cast<std::uint8_t>(v >> 8));
  }
  void u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v));
    u16(static_cast<std::uint16_t>(v >> 16));
  }
  void i16(std::int16_t v) { u16(static_cast<std::uint16_t>(v)); }
  void i32(std::int32_t v) { u32(static_cast<std::uint32_t>(v)); }

 private:
  std::uint8_t* p_;
};

class Reader {
 public:
  explicit Reader(const std::uint8_t* p) : p_(p) {}
  std::uint8_t u8() { return *p_++; }
  std::uint16_t u16() {
    const std::uint16_t lo = u8();
    return static_cast<std::uint16_t>(lo | (u8() << 8));
  }
  std::uint32_t u32() {
    const std::uint32_t lo = u16();
    return lo | (static_cast<std::uint32_t>(u16()) << 16);
  }
  std::int16_t i16() { return static_cast<std::int16_t>(u16()); }
  std::int32_t i32() { return static_cast<std::int32_t>(u32()); }

 private:
  const std::uint8_t* p_;
};

}  // namespace

// Fields never straddle an 8-byte boundary: on CAN each 8-byte segment is
// one frame, described on its own in models/dbc/gtx3000-link.dbc.
void pack_unit_report(const PcsReport& r, std::uint8_t* out) {
  Writer w(out);
  w.i32(r.charge_voltage_mV);  // 0
  w.i32(r.discharge_voltage_mV);
  w.i32(r.charge_limit_mA);  // 1
  w.i32(r.discharge_limit_mA);
  w.i32(r.pack_mV);  // 2
  w.i32(r.current_mA);
  w.u16(r.soc_permille);  // 3
  w.u16(r.soh_permille);
  w.i16(r.temp_avg_dC);
  w.i16(r.temp_min_dC);
  w.i16(r.temp_max_dC);  // 4
  w.u16(r.temp_min_index);
  w.u16(r.temp_max_index);
  w.i16(r.board_temp_dC);
  w.u16(r.cell_min_mV);  // 5
  w.u16(r.cell_max_mV);
  w.u16(r.cell_min_index);
  w.u16(r.cell_max_index);
  w.i32(r.module_min_mV);  // 6
  w.i32(r.module_max_mV);
  w.u16(r.module_min_index);  // 7
  w.u16(r.module_max_index);
  w.u16(r.units);
  w.u16(r.series_cells);
  w.u16(r.modules_in_series);  // 8
  w.u16(r.cell_count);
  w.u16(r.temp_count);
  w.u16(r.module_count);
  w.u32(r.capacity_mAh);  // 9
  w.u32(r.full_mAh);
  w.u32(r.remaining_mAh);  // 10
  w.u32(r.cycles);
  w.u8(static_cast<std::uint8_t>(r.state));  // 11
  w.u8(static_cast<std::uint8_t>((r.active ? 1 : 0) | (r.path_closed ? 2 : 0) | (r.balancing ? 4 : 0)));
  w.u8(r.requests);
  w.u8(r.faulty_unit);
  w.u16(r.tiers[0]);
  w.u16(r.tiers[1]);
  w.u16(r.tiers[2]);  // 12
  w.u16(0);  // reserved
  w.u32(r.faults);
}

bool unpack_unit_report(const std::uint8_t* in, PcsReport& r) {
  Reader d(in);
  PcsReport u;
  u.charge_voltage_mV = d.i32();
  u.discharge_voltage_mV = d.i32();
  u.charge_limit_mA = d.i32();
  u.discharge_limit_mA = d.i32();
  u.pack_mV = d.i32();
  u.current_mA = d.i32();
  u.soc_permille = d.u16();
  u.soh_permille = d.u16();
  u.temp_avg_dC = d.i16();
  u.temp_min_dC = d.i16();
  u.temp_max_dC = d.i16();
  u.temp_min_index = d.u16();
  u.temp_max_index = d.u16();
  u.board_temp_dC = d.i16();
  u.cell_min_mV = d.u16();
  u.cell_max_mV = d.u16();
  u.cell_min_index = d.u16();
  u.cell_max_index = d.u16();
  u.module_min_mV = d.i32();
  u.module_max_mV = d.i32();
  u.module_min_index = d.u16();
  u.module_max_index = d.u16();
  u.units = d.u16();
  u.series_cells = d.u16();
  u.modules_in_series = d.u16();
  u.cell_count = d.u16();
  u.temp_count = d.u16();
  u.module_count = d.u16();
  u.capacity_mAh = d.u32();
  u.full_mAh = d.u32();
  u.remaining_mAh = d.u32();
  u.cycles = d.u32();
  const std::uint8_t state = d.u8();
  const std::uint8_t bits = d.u8();
  u.requests = d.u8();
  u.faulty_unit = d.u8();
  for (PcsFlags& t : u.tiers) t = d.u16();
  d.u16();  // reserved
  u.faults = d.u32();
  // A unit is one string or pack; a state outside the enumeration or limits
  // below zero are not a report any unit sends.
  if (state > SSIM_STATE_STARTING || u.units != 1 || u.charge_limit_mA < 0 ||
      u.discharge_limit_mA < 0 || u.soc_permille > 1000) {
    return false;
  }
  u.state = static_cast<ssim_bms_state>(state);
  u.active = (bits & 1) != 0;
  u.path_closed = (bits & 2) != 0;
  u.balancing = (bits & 4) != 0;
  r = u;
  return true;
}

}  // namespace stacksim::fw::plink
