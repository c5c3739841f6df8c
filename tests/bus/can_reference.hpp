// An independent, deliberately naive model of the CAN bit stream for the
// tests: bits as a string of '0'/'1', the CRC by polynomial long division, the
// stuffing by rewriting the string. It shares no code with src/bus.
#pragma once

#include <cstdint>
#include <string>

#include "bus/can_frame.hpp"

namespace stacksim::bus::test {

inline std::string binary(std::uint32_t value, int width) {
  std::string s;
  for (int i = width - 1; i >= 0; --i) s += ((value >> i) & 1u) ? '1' : '0';
  return s;
}

// x^15 + x^14 + x^10 + x^8 + x^7 + x^4 + x^3 + 1, i.e. 0x4599 with its x^15 term.
inline std::string crc15_by_division(const std::string& message) {
  const std::string generator = "1100010110011001";
  std::string work = message + std::string(15, '0');
  for (std::size_t i = 0; i < message.size(); ++i) {
    if (work[i] != '1') continue;
    for (std::size_t j = 0; j < generator.size(); ++j) work[i + j] = work[i + j] == generator[j] ? '0' : '1';
  }
  return work.substr(work.size() - 15);
}

struct ReferenceBits {
  std::string arbitration;  // SOF .. RTR
  std::string all;          // SOF .. last CRC bit
};

inline ReferenceBits reference_bits(const CanFrame& f) {
  // Built by single-character appends: assigning or concatenating string
  // literals here trips a false -Wrestrict in GCC 12 at -O3.
  ReferenceBits r;
  r.arbitration.push_back('0');  // SOF
  if (f.extended) {
    r.arbitration += binary(f.id >> 18, 11);
    r.arbitration.push_back('1');  // SRR
    r.arbitration.push_back('1');  // IDE
    r.arbitration += binary(f.id & 0x3FFFFu, 18);
  } else {
    r.arbitration += binary(f.id, 11);
  }
  r.arbitration += f.rtr ? '1' : '0';
  std::string s = r.arbitration;
  s.push_back('0');  // IDE or r1
  s.push_back('0');  // r0
  s += binary(f.dlc, 4);
  const int bytes = f.rtr ? 0 : (f.dlc > 8 ? 8 : f.dlc);
  for (int i = 0; i < bytes; ++i) s += binary(f.data[static_cast<std::size_t>(i)], 8);
  r.all = s;
  r.all += crc15_by_division(s);
  return r;
}

// The stream as transmitted: after five equal bits the opposite bit is
// inserted, and that inserted bit begins the next run.
inline std::string stuff(const std::string& bits) {
  std::string out;
  for (const char b : bits) {
    out += b;
    const std::size_t n = out.size();
    if (n >= 5 && out.compare(n - 5, 5, std::string(5, b)) == 0) out += (b == '1' ? '0' : '1');
  }
  return out;
}

// SOF .. EOF + intermission: after the CRC come delimiter, ACK slot, ACK
// delimiter, 7 EOF and 3 intermission bits = 13, none of them stuffed.
inline int reference_frame_bits(const CanFrame& f) {
  return static_cast<int>(stuff(reference_bits(f).all).size()) + 13;
}

inline std::string node_name(std::size_t i) {
  std::string s = "n";
  s += std::to_string(i);
  return s;
}

inline CanFrame make_frame(std::uint32_t id, std::uint8_t dlc, std::uint8_t fill = 0, bool extended = false) {
  CanFrame f;
  f.id = id;
  f.extended = extended;
  f.dlc = dlc;
  f.data.fill(fill);
  return f;
}

}  // namespace stacksim::bus::test
