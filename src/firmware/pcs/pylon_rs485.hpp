// The Pylontech RS485 ASCII frame ("YD/T 1363.3"-style, protocols.md 5.1,
// [PYRS33]): SOI '~', then VER ADR CID1 CID2 LENGTH INFO CHKSUM as hex ASCII
// (two characters a byte, high nibble first; integers high byte first), then
// EOI CR. LENGTH = LCHKSUM (4 bits) + LENID (12 bits, the ASCII characters of
// INFO); LCHKSUM is the two's complement mod 16 of the sum of LENID's three
// nibbles; CHKSUM the two's complement mod 65536 of the sum of every
// character between SOI and CHKSUM.
//
// A pure codec: no state, no allocation, no HAL.
#pragma once

#include <cstddef>
#include <cstdint>

namespace stacksim::fw::pylon485 {

inline constexpr std::uint8_t kSoi = '~';
inline constexpr std::uint8_t kEoi = '\r';
inline constexpr std::uint8_t kCid1Battery = 0x46;  // lithium iron phosphate battery data
// Room for the largest INFO the battery sends or takes: 0x42 of a 16-cell
// pack is 50 bytes, 0x60 of a 4-pack system 101.
inline constexpr std::size_t kMaxInfoBytes = 160;
// SOI, 12 header characters, INFO, 4 checksum characters, EOI.
inline constexpr std::size_t kMaxFrameChars = 1 + 12 + 2 * kMaxInfoBytes + 4 + 1;

// Return codes (CID2 of an answer) [PYRS33].
inline constexpr std::uint8_t kRtnOk = 0x00;
inline constexpr std::uint8_t kRtnVersion = 0x01;
inline constexpr std::uint8_t kRtnChksum = 0x02;
inline constexpr std::uint8_t kRtnLchksum = 0x03;
inline constexpr std::uint8_t kRtnCid2 = 0x04;
inline constexpr std::uint8_t kRtnFormat = 0x05;
inline constexpr std::uint8_t kRtnData = 0x06;
inline constexpr std::uint8_t kRtnAddress = 0x90;

struct Frame {
  std::uint8_t ver = 0, adr = 0, cid1 = 0, cid2 = 0;
  std::uint16_t info_len = 0;  // bytes (LENID / 2)
  std::uint8_t info[kMaxInfoBytes] = {};
};

enum class Parse : std::uint8_t {
  kOk,
  kNotAFrame,  // no SOI ... EOI, or too short to hold a header: nobody can answer it
  kChksum,     // CHKSUM wrong (RTN 02)
  kLchksum,    // LCHKSUM wrong (RTN 03)
  kFormat,     // LENID disagrees with the frame, odd, too long, or a character is not hex (RTN 05)
};

// Two's complement mod 16 of the sum of LENID's nibbles.
std::uint8_t lchksum(std::uint16_t lenid);
// Two's complement mod 65536 of the sum of the characters.
std::uint16_t chksum(const std::uint8_t* chars, std::size_t n);

// The first SOI...EOI of data[0..len). VER, ADR, CID1 and CID2 are in `out`
// whenever `header` says they could be read (also for a wrong checksum, so
// that the addressed battery can answer with the RTN); INFO only for kOk.
Parse parse(const std::uint8_t* data, std::size_t len, Frame& out, bool& header);

// The frame as it goes on the wire; its length, or 0 if `cap` is too small
// or info_len is above kMaxInfoBytes.
std::size_t encode(const Frame& f, std::uint8_t* out, std::size_t cap);

// Big-endian INFO writer; past the end it stops writing and remembers.
class InfoWriter {
 public:
  explicit InfoWriter(Frame& f) : f_(f) { f_.info_len = 0; }
  void u8(std::uint8_t v);
  void u16(std::uint16_t v);
  void u24(std::uint32_t v);
  void text(const char* s, std::size_t len, char pad);  // exactly len bytes
  bool overflow() const { return overflow_; }

 private:
  Frame& f_;
  bool overflow_ = false;
};

}  // namespace stacksim::fw::pylon485
