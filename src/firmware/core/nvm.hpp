// The BMS's non-volatile record in the board's SSIM_NVM_BYTES: two copies,
// each with magic, layout version, sequence number and CRC-16/MODBUS. A save
// overwrites the older copy, so a power loss in the middle of a write leaves
// the newer of the two intact; load takes the valid copy with the higher
// sequence number. Fields are stored little-endian, one by one, so the layout
// does not depend on the compiler's struct padding.
//
// Flash wears: the caller decides how often to save (the reference firmware:
// on events such as a full charge, and periodically, not every tick).
#pragma once

#include <cstddef>
#include <cstdint>

#include "stacksim/hal.h"

namespace stacksim::fw {

struct NvmRecord {
  std::uint16_t soc_bp = 0;             // SOC in 0.01 % (0..10000)
  std::uint32_t capacity_mAh = 0;       // present (learned) capacity
  std::uint16_t soh_permille = 0;
  std::uint32_t cycles = 0;
  std::uint32_t discharged_mAh = 0;     // throughput toward the next whole cycle
  std::int64_t last_full_charge_rtc_s = -1;  // -1: never
  std::int64_t below_since_rtc_s = -1;  // start of the present period below the recalibration SOC; -1: not below
  std::uint8_t calibrated = 0;          // 1 once a full charge completed (first power-on needs one)
};

inline constexpr std::uint32_t kNvmMagic = 0x4D425353u;  // "SSBM" little-endian
inline constexpr std::uint16_t kNvmVersion = 1;
inline constexpr std::size_t kNvmSlotBytes = SSIM_NVM_BYTES / 2;
inline constexpr std::size_t kNvmRecordBytes = 48;  // header 12 + fields 34 + CRC 2
static_assert(kNvmRecordBytes <= kNvmSlotBytes, "two copies must fit the board's NVM");

// Serialises `rec` with sequence number `seq` into out[kNvmRecordBytes].
void encode_nvm_record(const NvmRecord& rec, std::uint32_t seq, std::uint8_t* out);
// False if magic, version, length or CRC do not match.
bool decode_nvm_record(const std::uint8_t* in, NvmRecord& rec, std::uint32_t& seq);

class NvmStore {
 public:
  explicit NvmStore(const ssim_hal* hal) : hal_(hal) {}

  // The newest valid copy; false if neither copy is valid (first power-on,
  // or both corrupted). Call once at create(), before save().
  bool load(NvmRecord& out);
  // Writes over the older (or invalid) copy with the next sequence number.
  bool save(const NvmRecord& rec);

  std::uint32_t sequence() const { return seq_; }
  int newest_slot() const { return newest_slot_; }  // -1: none yet

 private:
  const ssim_hal* hal_;
  std::uint32_t seq_ = 0;
  int newest_slot_ = -1;
};

}  // namespace stacksim::fw
