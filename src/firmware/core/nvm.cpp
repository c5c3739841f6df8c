#include "core/nvm.hpp"

#include "core/crc.hpp"

namespace stacksim::fw {
namespace {

class Writer {
 public:
  explicit Writer(std::uint8_t* out) : out_(out) {}
  void u8(std::uint8_t v) { out_[pos_++] = v; }
  void u16(std::uint16_t v) {
    for (int i = 0; i < 2; ++i) u8(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) u8(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void i64(std::int64_t v) {
    const auto u = static_cast<std::uint64_t>(v);
    for (int i = 0; i < 8; ++i) u8(static_cast<std::uint8_t>(u >> (8 * i)));
  }
  std::size_t pos() const { return pos_; }

 private:
  std::uint8_t* out_;
  std::size_t pos_ = 0;
};

class Reader {
 public:
  explicit Reader(const std::uint8_t* in) : in_(in) {}
  std::uint8_t u8() { return in_[pos_++]; }
  std::uint16_t u16() {
    std::uint16_t v = 0;
    for (int i = 0; i < 2; ++i) v = static_cast<std::uint16_t>(v | (u8() << (8 * i)));
    return v;
  }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(u8()) << (8 * i);
    return v;
  }
  std::int64_t i64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(u8()) << (8 * i);
    return static_cast<std::int64_t>(v);
  }

 private:
  const std::uint8_t* in_;
  std::size_t pos_ = 0;
};

constexpr std::size_t kCrcOffset = kNvmRecordBytes - 2;

// Sequence numbers wrap; the newer is the one less than half the range ahead.
bool newer(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) > 0; }

}  // namespace

void encode_nvm_record(const NvmRecord& rec, std::uint32_t seq, std::uint8_t* out) {
  Writer w(out);
  w.u32(kNvmMagic);
  w.u16(kNvmVersion);
  w.u16(static_cast<std::uint16_t>(kNvmRecordBytes));
  w.u32(seq);
  w.u16(rec.soc_bp);
  w.u32(rec.capacity_mAh);
  w.u16(rec.soh_permille);
  w.u32(rec.cycles);
  w.u32(rec.discharged_mAh);
  w.i64(rec.last_full_charge_rtc_s);
  w.i64(rec.below_since_rtc_s);
  w.u8(rec.calibrated);
  w.u8(0);  // reserved
  while (w.pos() < kCrcOffset) w.u8(0);
  w.u16(crc16_modbus(out, kCrcOffset));
}

bool decode_nvm_record(const std::uint8_t* in, NvmRecord& rec, std::uint32_t& seq) {
  Reader r(in);
  if (r.u32() != kNvmMagic || r.u16() != kNvmVersion || r.u16() != kNvmRecordBytes) return false;
  const auto stored_crc =
      static_cast<std::uint16_t>(in[kCrcOffset] | (in[kCrcOffset + 1] << 8));
  if (crc16_modbus(in, kCrcOffset) != stored_crc) return false;
  seq = r.u32();
  rec.soc_bp = r.u16();
  rec.capacity_mAh = r.u32();
  rec.soh_permille = r.u16();
  rec.cycles = r.u32();
  rec.discharged_mAh = r.u32();
  rec.last_full_charge_rtc_s = r.i64();
  rec.below_since_rtc_s = r.i64();
  rec.calibrated = r.u8();
  return true;
}

bool NvmStore::load(NvmRecord& out) {
  newest_slot_ = -1;
  for (int slot = 0; slot < 2; ++slot) {
    std::uint8_t buf[kNvmRecordBytes];
    const auto offset = static_cast<std::uint32_t>(static_cast<std::size_t>(slot) * kNvmSlotBytes);
    if (hal_->nvm_read(hal_->ctx, offset, buf, sizeof buf) != SSIM_OK) continue;
    NvmRecord rec;
    std::uint32_t seq = 0;
    if (!decode_nvm_record(buf, rec, seq)) continue;
    if (newest_slot_ < 0 || newer(seq, seq_)) {
      newest_slot_ = slot;
      seq_ = seq;
      out = rec;
    }
  }
  return newest_slot_ >= 0;
}

bool NvmStore::save(const NvmRecord& rec) {
  const int slot = newest_slot_ == 0 ? 1 : 0;
  const std::uint32_t seq = newest_slot_ < 0 ? 1u : seq_ + 1u;
  std::uint8_t buf[kNvmRecordBytes];
  encode_nvm_record(rec, seq, buf);
  const auto offset = static_cast<std::uint32_t>(static_cast<std::size_t>(slot) * kNvmSlotBytes);
  if (hal_->nvm_write(hal_->ctx, offset, buf, sizeof buf) != SSIM_OK) return false;
  newest_slot_ = slot;
  seq_ = seq;
  return true;
}

}  // namespace stacksim::fw
