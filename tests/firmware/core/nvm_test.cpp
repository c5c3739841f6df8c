// The NVM record through a HAL whose storage is a byte array, as the board's.
#include <array>
#include <cstdint>
#include <cstring>

#include <gtest/gtest.h>

#include "core/nvm.hpp"

namespace stacksim::fw {
namespace {

struct FakeFlash {
  std::array<std::uint8_t, SSIM_NVM_BYTES> bytes{};
  // Bytes of a write that reach the flash before power is lost; -1: all.
  int write_budget = -1;
  int writes = 0;
  FakeFlash() { bytes.fill(0xFF); }
};

int flash_read(void* ctx, std::uint32_t offset, void* data, std::size_t len) {
  auto* f = static_cast<FakeFlash*>(ctx);
  if (offset + len > f->bytes.size()) return SSIM_E_RANGE;
  std::memcpy(data, f->bytes.data() + offset, len);
  return SSIM_OK;
}

int flash_write(void* ctx, std::uint32_t offset, const void* data, std::size_t len) {
  auto* f = static_cast<FakeFlash*>(ctx);
  if (offset + len > f->bytes.size()) return SSIM_E_RANGE;
  ++f->writes;
  std::size_t n = len;
  if (f->write_budget >= 0 && static_cast<std::size_t>(f->write_budget) < len) {
    n = static_cast<std::size_t>(f->write_budget);
  }
  std::memcpy(f->bytes.data() + offset, data, n);
  return SSIM_OK;
}

ssim_hal hal_for(FakeFlash& flash) {
  ssim_hal hal{};
  hal.abi_version = SSIM_HAL_ABI_VERSION;
  hal.ctx = &flash;
  hal.nvm_read = flash_read;
  hal.nvm_write = flash_write;
  return hal;
}

NvmRecord sample(std::uint16_t soc_bp) {
  NvmRecord r;
  r.soc_bp = soc_bp;
  r.capacity_mAh = 48765;
  r.soh_permille = 975;
  r.cycles = 1234;
  r.discharged_mAh = 4321;
  r.last_full_charge_rtc_s = 1709294400;
  r.below_since_rtc_s = -1;
  r.calibrated = 1;
  return r;
}

void expect_same(const NvmRecord& a, const NvmRecord& b) {
  EXPECT_EQ(a.soc_bp, b.soc_bp);
  EXPECT_EQ(a.capacity_mAh, b.capacity_mAh);
  EXPECT_EQ(a.soh_permille, b.soh_permille);
  EXPECT_EQ(a.cycles, b.cycles);
  EXPECT_EQ(a.discharged_mAh, b.discharged_mAh);
  EXPECT_EQ(a.last_full_charge_rtc_s, b.last_full_charge_rtc_s);
  EXPECT_EQ(a.below_since_rtc_s, b.below_since_rtc_s);
  EXPECT_EQ(a.calibrated, b.calibrated);
}

TEST(Nvm, ErasedFlashHoldsNoRecord) {
  FakeFlash flash;
  const ssim_hal hal = hal_for(flash);
  NvmStore store(&hal);
  NvmRecord r;
  EXPECT_FALSE(store.load(r));
  EXPECT_EQ(store.newest_slot(), -1);
}

TEST(Nvm, RoundTripThroughAPowerCycle) {
  FakeFlash flash;
  const ssim_hal hal = hal_for(flash);
  {
    NvmStore store(&hal);
    NvmRecord ignored;
    store.load(ignored);
    ASSERT_TRUE(store.save(sample(5000)));
  }
  NvmStore after(&hal);  // a new instance: power came back
  NvmRecord r;
  ASSERT_TRUE(after.load(r));
  expect_same(r, sample(5000));
  EXPECT_EQ(after.sequence(), 1u);
}

TEST(Nvm, SavesAlternateBetweenTheTwoCopies) {
  FakeFlash flash;
  const ssim_hal hal = hal_for(flash);
  NvmStore store(&hal);
  NvmRecord r;
  store.load(r);
  for (std::uint16_t i = 1; i <= 5; ++i) {
    ASSERT_TRUE(store.save(sample(static_cast<std::uint16_t>(1000 * i))));
    EXPECT_EQ(store.newest_slot(), (i - 1) % 2);
  }
  NvmStore after(&hal);
  ASSERT_TRUE(after.load(r));
  EXPECT_EQ(r.soc_bp, 5000);
  EXPECT_EQ(after.sequence(), 5u);
}

TEST(Nvm, TornWriteKeepsTheOlderRecord) {
  FakeFlash flash;
  const ssim_hal hal = hal_for(flash);
  NvmStore store(&hal);
  NvmRecord r;
  store.load(r);
  ASSERT_TRUE(store.save(sample(4000)));  // slot 0, seq 1
  ASSERT_TRUE(store.save(sample(6000)));  // slot 1, seq 2
  flash.write_budget = 20;                // power fails 20 bytes into the next write
  store.save(sample(8000));               // over slot 0, the older copy
  NvmStore after(&hal);
  ASSERT_TRUE(after.load(r));
  EXPECT_EQ(r.soc_bp, 6000);  // the newest complete record
  EXPECT_EQ(after.newest_slot(), 1);
}

TEST(Nvm, CorruptedNewerCopyFallsBackToTheOlder) {
  FakeFlash flash;
  const ssim_hal hal = hal_for(flash);
  NvmStore store(&hal);
  NvmRecord r;
  store.load(r);
  ASSERT_TRUE(store.save(sample(4000)));  // slot 0, seq 1
  ASSERT_TRUE(store.save(sample(6000)));  // slot 1, seq 2
  flash.bytes[kNvmSlotBytes + 12] ^= 0x01;  // one bit of the newer copy's SOC
  NvmStore after(&hal);
  ASSERT_TRUE(after.load(r));
  expect_same(r, sample(4000));
  // The next save goes over the broken copy, not over the good one.
  ASSERT_TRUE(after.save(sample(7000)));
  EXPECT_EQ(after.newest_slot(), 1);
  NvmStore again(&hal);
  ASSERT_TRUE(again.load(r));
  EXPECT_EQ(r.soc_bp, 7000);
}

TEST(Nvm, SequenceNumbersWrap) {
  std::array<std::uint8_t, kNvmRecordBytes> a{}, b{};
  encode_nvm_record(sample(1), 0xFFFFFFFFu, a.data());
  encode_nvm_record(sample(2), 0u, b.data());
  FakeFlash flash;
  std::memcpy(flash.bytes.data(), a.data(), a.size());
  std::memcpy(flash.bytes.data() + kNvmSlotBytes, b.data(), b.size());
  const ssim_hal hal = hal_for(flash);
  NvmStore store(&hal);
  NvmRecord r;
  ASSERT_TRUE(store.load(r));
  EXPECT_EQ(r.soc_bp, 2);  // 0 follows 0xFFFFFFFF
}

TEST(Nvm, DecodeRejectsWrongMagicVersionAndCrc) {
  std::array<std::uint8_t, kNvmRecordBytes> buf{};
  encode_nvm_record(sample(1234), 7, buf.data());
  NvmRecord r;
  std::uint32_t seq = 0;
  ASSERT_TRUE(decode_nvm_record(buf.data(), r, seq));
  EXPECT_EQ(seq, 7u);
  auto bad = buf;
  bad[0] ^= 0xFF;
  EXPECT_FALSE(decode_nvm_record(bad.data(), r, seq));
  bad = buf;
  bad[4] = 2;  // another layout version
  EXPECT_FALSE(decode_nvm_record(bad.data(), r, seq));
  bad = buf;
  bad[kNvmRecordBytes - 1] ^= 0x80;
  EXPECT_FALSE(decode_nvm_record(bad.data(), r, seq));
}

}  // namespace
}  // namespace stacksim::fw
