#include "ibus/ibus.hpp"

#include "core/crc.hpp"

namespace stacksim::fw::ibus {
namespace {

void put_u16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v & 0xFF);
  p[1] = static_cast<std::uint8_t>(v >> 8);
}

std::uint16_t get_u16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}

}  // namespace

std::size_t encode(const Frame& frame, std::uint8_t* out) {
  out[0] = kStart;
  out[1] = frame.address;
  out[2] = static_cast<std::uint8_t>(frame.function);
  out[3] = frame.length;
  for (std::size_t i = 0; i < frame.length; ++i) out[4 + i] = frame.payload[i];
  const std::size_t body = 3u + frame.length;
  put_u16(out + 1 + body, crc16_modbus(out + 1, body));
  return body + 3;
}

bool decode(const std::uint8_t* data, std::size_t len, Frame& frame) {
  if (len < kOverhead || data[0] != kStart) return false;
  const std::size_t length = data[3];
  if (length > kMaxPayload || len != length + kOverhead) return false;
  if (crc16_modbus(data + 1, 3 + length) != get_u16(data + 4 + length)) return false;
  frame.address = data[1];
  frame.function = static_cast<Function>(data[2]);
  frame.length = static_cast<std::uint8_t>(length);
  for (std::size_t i = 0; i < length; ++i) frame.payload[i] = data[4 + i];
  return true;
}

Frame make_report(std::uint8_t address, const Report& r) {
  Frame f;
  f.address = address;
  f.function = Function::kReport;
  std::uint8_t* p = f.payload.data();
  std::size_t n = 0;
  p[n++] = r.flags;
  p[n++] = r.cells;
  for (std::size_t c = 0; c < r.cells; ++c, n += 2) put_u16(p + n, r.cell_mV[c]);
  p[n++] = r.temps;
  for (std::size_t t = 0; t < r.temps; ++t, n += 2) {
    put_u16(p + n, static_cast<std::uint16_t>(r.temp_dC[t]));
  }
  put_u16(p + n, static_cast<std::uint16_t>(r.board_temp_dC));
  n += 2;
  put_u16(p + n, r.balancing_mask);
  n += 2;
  f.length = static_cast<std::uint8_t>(n);
  return f;
}

bool parse_report(const Frame& f, Report& r) {
  if (f.function != Function::kReport || f.length < 2) return false;
  const std::uint8_t* p = f.payload.data();
  std::size_t n = 0;
  r.flags = p[n++];
  r.cells = p[n++];
  if (r.cells > kMaxCells || f.length < n + 2u * r.cells + 1) return false;
  for (std::size_t c = 0; c < r.cells; ++c, n += 2) r.cell_mV[c] = get_u16(p + n);
  r.temps = p[n++];
  if (r.temps > kMaxTemps || f.length != n + 2u * r.temps + 4) return false;
  for (std::size_t t = 0; t < r.temps; ++t, n += 2) {
    r.temp_dC[t] = static_cast<std::int16_t>(get_u16(p + n));
  }
  r.board_temp_dC = static_cast<std::int16_t>(get_u16(p + n));
  r.balancing_mask = get_u16(p + n + 2);
  return true;
}

}  // namespace stacksim::fw::ibus
