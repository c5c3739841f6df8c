#include "pcs/pylon_rs485.hpp"

namespace stacksim::fw::pylon485 {
namespace {

constexpr std::size_t kHeaderChars = 12;  // VER ADR CID1 CID2 LENGTH
constexpr std::size_t kChksumChars = 4;
constexpr char kHex[] = "0123456789ABCDEF";

int nibble(std::uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;  // lenient: a few hosts send lower case
  return -1;
}

// `digits` hex characters as a number; -1 if one is not hex.
std::int32_t hex(const std::uint8_t* s, int digits) {
  std::int32_t v = 0;
  for (int i = 0; i < digits; ++i) {
    const int n = nibble(s[i]);
    if (n < 0) return -1;
    v = v * 16 + n;
  }
  return v;
}

void put_hex(std::uint8_t* out, std::uint32_t v, int digits) {
  for (int i = digits - 1; i >= 0; --i) {
    out[i] = static_cast<std::uint8_t>(kHex[v & 0xF]);
    v >>= 4;
  }
}

}  // namespace

std::uint8_t lchksum(std::uint16_t lenid) {
  const unsigned sum = (lenid & 0xFu) + ((lenid >> 4) & 0xFu) + ((lenid >> 8) & 0xFu);
  return static_cast<std::uint8_t>((~sum + 1u) & 0xFu);
}

std::uint16_t chksum(const std::uint8_t* chars, std::size_t n) {
  unsigned sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += chars[i];
  return static_cast<std::uint16_t>((~sum + 1u) & 0xFFFFu);
}

Parse parse(const std::uint8_t* data, std::size_t len, Frame& out, bool& header) {
  header = false;
  std::size_t soi = 0;
  while (soi < len && data[soi] != kSoi) ++soi;
  std::size_t eoi = soi + 1;
  while (eoi < len && data[eoi] != kEoi) ++eoi;
  if (soi >= len || eoi >= len) return Parse::kNotAFrame;
  const std::uint8_t* body = data + soi + 1;
  const std::size_t n = eoi - soi - 1;
  if (n < kHeaderChars + kChksumChars) return Parse::kNotAFrame;
  const std::int32_t ver = hex(body, 2), adr = hex(body + 2, 2), cid1 = hex(body + 4, 2), cid2 = hex(body + 6, 2);
  if (ver < 0 || adr < 0 || cid1 < 0 || cid2 < 0) return Parse::kNotAFrame;
  out.ver = static_cast<std::uint8_t>(ver);
  out.adr = static_cast<std::uint8_t>(adr);
  out.cid1 = static_cast<std::uint8_t>(cid1);
  out.cid2 = static_cast<std::uint8_t>(cid2);
  out.info_len = 0;
  header = true;
  const std::int32_t sum = hex(body + n - kChksumChars, 4);
  if (sum < 0 || static_cast<std::uint16_t>(sum) != chksum(body, n - kChksumChars)) return Parse::kChksum;
  const std::int32_t length = hex(body + 8, 4);
  if (length < 0) return Parse::kFormat;
  const auto lenid = static_cast<std::uint16_t>(length & 0x0FFF);
  if ((length >> 12) != lchksum(lenid)) return Parse::kLchksum;
  const std::size_t info_chars = n - kHeaderChars - kChksumChars;
  if (lenid != info_chars || lenid % 2 != 0 || lenid / 2 > kMaxInfoBytes) return Parse::kFormat;
  for (std::size_t i = 0; i < info_chars / 2; ++i) {
    const std::int32_t b = hex(body + kHeaderChars + 2 * i, 2);
    if (b < 0) return Parse::kFormat;
    out.info[i] = static_cast<std::uint8_t>(b);
  }
  out.info_len = static_cast<std::uint16_t>(info_chars / 2);
  return Parse::kOk;
}

std::size_t encode(const Frame& f, std::uint8_t* out, std::size_t cap) {
  if (f.info_len > kMaxInfoBytes) return 0;
  const std::size_t lenid = 2u * f.info_len;
  const std::size_t total = 1 + kHeaderChars + lenid + kChksumChars + 1;
  if (out == nullptr || total > cap) return 0;
  std::uint8_t* body = out + 1;
  out[0] = kSoi;
  put_hex(body, f.ver, 2);
  put_hex(body + 2, f.adr, 2);
  put_hex(body + 4, f.cid1, 2);
  put_hex(body + 6, f.cid2, 2);
  put_hex(body + 8, static_cast<std::uint32_t>(lchksum(static_cast<std::uint16_t>(lenid)) << 12 | lenid), 4);
  for (std::size_t i = 0; i < f.info_len; ++i) put_hex(body + kHeaderChars + 2 * i, f.info[i], 2);
  const std::size_t summed = kHeaderChars + lenid;
  put_hex(body + summed, chksum(body, summed), 4);
  out[total - 1] = kEoi;
  return total;
}

void InfoWriter::u8(std::uint8_t v) {
  if (f_.info_len >= kMaxInfoBytes) {
    overflow_ = true;
    return;
  }
  f_.info[f_.info_len++] = v;
}

void InfoWriter::u16(std::uint16_t v) {
  u8(static_cast<std::uint8_t>(v >> 8));
  u8(static_cast<std::uint8_t>(v));
}

void InfoWriter::u24(std::uint32_t v) {
  u8(static_cast<std::uint8_t>(v >> 16));
  u16(static_cast<std::uint16_t>(v));
}

void InfoWriter::text(const char* s, std::size_t len, char pad) {
  std::size_t i = 0;
  for (; i < len && s != nullptr && s[i] != '\0'; ++i) u8(static_cast<std::uint8_t>(s[i]));
  for (; i < len; ++i) u8(static_cast<std::uint8_t>(pad));
}

}  // namespace stacksim::fw::pylon485
