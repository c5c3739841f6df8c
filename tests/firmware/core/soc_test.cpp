// SOC, SOH, cycles and the PCS requests, in simulated time.
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "core/soc.hpp"
#include "param_builder.hpp"

namespace stacksim::fw {
namespace {

using test::ParamBuilder;

constexpr std::int64_t kMsPerHour = 3600000;
constexpr std::int64_t kDay_s = 86400;
// 2024-03-01 12:00:00 local, as seconds since 1970-01-01 00:00.
constexpr std::int64_t kNoon = 1709294400;

// models/firmware/gtx3000.json's numbers (50 Ah).
ParamBuilder gtx3000_like() {
  ParamBuilder b;
  b.set("capacity.nominal_mAh", 50000)
      .set("soc.rest_ms", 1800000)
      .set("soc.rest_mA", 500)
      .set("soc.ocv_slope_min_uV_per_permille", 200)
      .set("soc.ocv_hysteresis_mV", 17)
      .set("cell.full_charge_mV", 3510)
      .set("soc.full_margin_mV", 40)
      .set("soc.full_taper_mA", 2500)
      .set("soc.full_hold_ms", 30000)
      .set("soc.force_charge_permille", 80)
      .set("soc.force_charge_clear_permille", 100)
      .set("soc.recal_below_permille", 970)
      .set("soc.recal_days", 30)
      .set("soc.recal_window_start_min", 180)
      .set("soc.recal_window_end_min", 360)
      .set("soh.learn_start_max_permille", 300)
      .set("soh.learn_span_min_permille", 700)
      .set("soh.learn_accept_min_permille", 500)
      .set("soh.learn_accept_max_permille", 1100)
      .set("soh.learn_weight_permille", 500);
  b.table("ocv", "permille", {0, 5, 10, 20, 30, 50, 100, 200, 300, 500, 700, 900, 980, 990, 995, 1000}, "mV",
          {2500, 2800, 2950, 3050, 3100, 3150, 3200, 3238, 3270, 3298, 3322, 3339, 3355, 3375, 3415, 3550});
  return b;
}

NvmRecord record(std::uint16_t soc_bp) {
  NvmRecord r;
  r.soc_bp = soc_bp;
  r.capacity_mAh = 50000;
  r.soh_permille = 1000;
  r.calibrated = 1;
  return r;
}

class Soc : public ::testing::Test {
 protected:
  void SetUp() override {
    builder_ = gtx3000_like();
    const ParamSet p = builder_.params();
    ASSERT_TRUE(soc_.configure(p));
    ASSERT_EQ(p.missing_count(), 0u);
  }
  void start(const NvmRecord* r, std::int32_t cell_mV = 3298) {
    soc_.start(r, cell_mV, static_cast<std::uint32_t>(now_ms_), rtc_s_);
  }
  // One update `dt_ms` after the previous one.
  void step(std::int32_t current_mA, std::uint32_t dt_ms, std::int32_t cell_avg_mV = 3298,
            std::int32_t cell_max_mV = 3310) {
    now_ms_ += dt_ms;
    rtc_s_ = rtc_at_start_ + static_cast<std::int64_t>((now_ms_ - ms_at_start_) / 1000);
    SocInput in;
    in.current_mA = current_mA;
    in.current_valid = true;
    in.cell_avg_mV = cell_avg_mV;
    in.cell_max_mV = cell_max_mV;
    in.cells_valid = true;
    in.now_ms = static_cast<std::uint32_t>(now_ms_);  // the firmware's counter wraps
    in.rtc_s = rtc_s_;
    soc_.update(in);
  }
  void hold(std::int32_t current_mA, std::int64_t duration_ms, std::uint32_t dt_ms = 1000,
            std::int32_t cell_avg_mV = 3298, std::int32_t cell_max_mV = 3310) {
    for (std::int64_t t = 0; t < duration_ms; t += dt_ms) step(current_mA, dt_ms, cell_avg_mV, cell_max_mV);
  }
  void set_clock(std::int64_t rtc_s) {
    rtc_at_start_ = rtc_s;
    ms_at_start_ = now_ms_;
    rtc_s_ = rtc_s;
  }

  ParamBuilder builder_;
  SocEstimator soc_;
  std::uint64_t now_ms_ = 0;  // wide here so the tests may run for months
  std::uint64_t ms_at_start_ = 0;
  std::int64_t rtc_at_start_ = kNoon;
  std::int64_t rtc_s_ = kNoon;
};

TEST_F(Soc, CoulombCountingIsTheIntegralOfTheSampledCurrent) {
  const NvmRecord r = record(5000);
  start(&r);
  // Irregular sample intervals and currents, as the HAL delivers them.
  const std::vector<std::pair<std::int32_t, std::uint32_t>> samples = {
      {12000, 100}, {12037, 250}, {-30000, 10}, {-29963, 1000}, {25000, 333}, {-811, 47}, {4000, 100000}};
  std::int64_t expected = 50000LL * kMsPerHour * 5000 / 10000;
  for (int repeat = 0; repeat < 50; ++repeat) {
    for (const auto& [current_mA, dt_ms] : samples) {
      step(current_mA, dt_ms);
      expected += static_cast<std::int64_t>(current_mA) * dt_ms;
      ASSERT_EQ(soc_.charge_mAms(), expected);
    }
  }
  EXPECT_EQ(soc_.soc_permille(), expected * 1000 / (50000LL * kMsPerHour));
}

TEST_F(Soc, AShuntOffsetDriftsTheCountInTheFlatRegion) {
  const NvmRecord r = record(5000);
  start(&r);
  // +100 mA offset at rest for 10 h: 1000 mAh = 2 % of 50 Ah; the flat OCV
  // (3298 mV, 1 mV per 1 %) gives no correction to pull it back.
  hold(100, 10 * kMsPerHour, 1000, 3298);
  EXPECT_EQ(soc_.charge_mAms(), (25000LL + 1000LL) * kMsPerHour);
  EXPECT_EQ(soc_.soc_permille(), 520);
  EXPECT_EQ(soc_.ocv_corrections(), 0u);
}

TEST_F(Soc, OcvCorrectionAfterRestAtTheSteepLowEnd) {
  const NvmRecord r = record(2000);  // counted 20 %, truly nearly empty
  start(&r);
  hold(-10000, 10000, 1000, 3150);  // the last direction was discharge
  const std::int64_t before = soc_.charge_mAms();
  // Rested cells at 3100 mV after a discharge lie 17 mV below the mean OCV:
  // 3117 mV on the table's 30-50 permille segment (3100 -> 3150 mV):
  // 30 + 20 * 17 / 50 = 36.8 -> 37 permille.
  const std::int64_t expected = 50000LL * kMsPerHour * 37 / 1000;
  hold(0, 1800000, 1000, 3100);  // 1800 quiet samples span 1799 s: not yet
  EXPECT_EQ(soc_.charge_mAms(), before);
  step(0, 1000, 3100);
  EXPECT_EQ(soc_.charge_mAms(), expected);
  EXPECT_EQ(soc_.soc_permille(), 37);
  EXPECT_EQ(soc_.ocv_corrections(), 1u);
  hold(0, 3 * kMsPerHour, 1000, 3100);  // once per rest
  EXPECT_EQ(soc_.ocv_corrections(), 1u);
}

TEST_F(Soc, OcvCorrectionAfterChargeSubtractsTheHysteresis) {
  const NvmRecord r = record(9500);
  start(&r);
  hold(10000, 10000, 1000, 3400);  // charged last
  // 3432 mV rested after a charge: 3415 mV on the mean curve = 995 permille.
  hold(0, 1801000, 1000, 3432, 3440);
  EXPECT_EQ(soc_.soc_permille(), 995);
}

TEST_F(Soc, NoOcvCorrectionWhereTheCurveIsFlat) {
  const NvmRecord r = record(2000);
  start(&r);
  const std::int64_t before = soc_.charge_mAms();
  // 3298 mV (50 %) lies on the 300-500 permille segment, 1.4 mV per 1 %.
  hold(0, 2 * kMsPerHour, 1000, 3298);
  EXPECT_EQ(soc_.charge_mAms(), before);
  // 3372 mV rested after a charge is 3355 mV on the mean curve: 980 permille,
  // on the 900-980 segment that rises exactly 2 mV per 1 % (16 mV over 8 %),
  // which is not above the 2 mV threshold.
  hold(1000, 1000, 1000, 3360);
  hold(0, 2 * kMsPerHour, 1000, 3372);
  EXPECT_EQ(soc_.ocv_corrections(), 0u);
  // After a discharge, 3183 mV rested is 3200 mV on the mean curve: 100
  // permille, on the 50-100 segment at 10 mV per 1 %: corrected.
  hold(-1000, 1000, 1000, 3250);
  hold(0, 1801000, 1000, 3183);
  EXPECT_EQ(soc_.ocv_corrections(), 1u);
  EXPECT_EQ(soc_.soc_permille(), 100);
}

TEST_F(Soc, FullChargeRecalibratesTo100Percent) {
  const NvmRecord r = record(9000);
  start(&r);
  hold(20000, 60000, 1000, 3350, 3400);
  // CV taper: cell max 3480 >= 3510 - 40 and 2 A < 2.5 A for 30 s.
  step(2000, 1000, 3460, 3480);  // the condition starts here
  hold(2000, 29000, 1000, 3460, 3480);  // 29 s later: not yet
  EXPECT_EQ(soc_.full_charges(), 0u);
  EXPECT_LT(soc_.soc_permille(), 1000);
  step(2000, 1000, 3460, 3480);  // 30 s
  EXPECT_EQ(soc_.full_charges(), 1u);
  EXPECT_EQ(soc_.soc_permille(), 1000);
  EXPECT_EQ(soc_.last_full_charge_rtc_s(), rtc_s_);
  hold(2000, 120000, 1000, 3460, 3480);  // once per charge
  EXPECT_EQ(soc_.full_charges(), 1u);
}

TEST_F(Soc, NoFullChargeWhileCurrentIsAboveTheTaper) {
  const NvmRecord r = record(9000);
  start(&r);
  hold(2500, 600000, 1000, 3460, 3500);
  EXPECT_EQ(soc_.full_charges(), 0u);
  hold(2000, 600000, 1000, 3400, 3469);  // cell max 1 mV short
  EXPECT_EQ(soc_.full_charges(), 0u);
}

TEST_F(Soc, FirstPowerOnStartsFromOcvAndRequestsAFullCharge) {
  start(nullptr, 3298);
  EXPECT_EQ(soc_.soc_permille(), 500);
  EXPECT_FALSE(soc_.calibrated());
  EXPECT_EQ(soc_.requests() & SSIM_REQ_FULL_CHARGE, SSIM_REQ_FULL_CHARGE);  // at noon: any time
  hold(20000, 60000, 1000, 3350, 3400);
  EXPECT_EQ(soc_.requests() & SSIM_REQ_FULL_CHARGE, SSIM_REQ_FULL_CHARGE);
  hold(2000, 31000, 1000, 3460, 3480);
  EXPECT_TRUE(soc_.calibrated());
  EXPECT_EQ(soc_.requests() & SSIM_REQ_FULL_CHARGE, 0u);
  EXPECT_EQ(soc_.snapshot().calibrated, 1);
}

TEST_F(Soc, ThirtyDaysBelow97RequestsAFullChargeOnlyBetween3And6) {
  const NvmRecord r = record(6000);
  start(&r);
  EXPECT_EQ(soc_.below_since_rtc_s(), kNoon);  // the period starts at power-on
  // Every minute for 30 days less one minute: no request.
  hold(0, (30 * kDay_s - 60) * 1000, 60000);
  EXPECT_EQ(soc_.requests(), 0u);
  EXPECT_FALSE(soc_.full_charge_due());
  hold(0, 60000, 60000);  // 30 days: due, but 12:00 is outside the window
  EXPECT_TRUE(soc_.full_charge_due());
  EXPECT_EQ(soc_.requests(), 0u);
  // 15 h later it is 03:00: requested until 06:00.
  hold(0, 15 * kMsPerHour - 60000, 60000);
  EXPECT_EQ(minute_of_day(rtc_s_), 2 * 60 + 59);
  EXPECT_EQ(soc_.requests(), 0u);
  hold(0, 60000, 60000);
  EXPECT_EQ(minute_of_day(rtc_s_), 3 * 60);
  EXPECT_EQ(soc_.requests(), SSIM_REQ_FULL_CHARGE);
  hold(0, 3 * kMsPerHour - 60000, 60000);  // 05:59
  EXPECT_EQ(soc_.requests(), SSIM_REQ_FULL_CHARGE);
  hold(0, 60000, 60000);  // 06:00
  EXPECT_EQ(soc_.requests(), 0u);
  // The next night it comes back, and a completed full charge clears it.
  hold(0, 21 * kMsPerHour, 60000);
  EXPECT_EQ(soc_.requests(), SSIM_REQ_FULL_CHARGE);
  hold(2000, 31000, 1000, 3460, 3480);
  EXPECT_EQ(soc_.full_charges(), 1u);
  EXPECT_EQ(soc_.requests(), 0u);
  EXPECT_FALSE(soc_.full_charge_due());
}

TEST_F(Soc, SocAt97OrMoreRestartsTheMonth) {
  const NvmRecord r = record(9690);
  start(&r);
  hold(0, 20 * kDay_s * 1000, 60000);
  EXPECT_EQ(soc_.below_since_rtc_s(), kNoon);
  hold(600, 60000, 60000);  // +10 mAh: 96.9 % -> 96.92 %
  hold(30000, 60000, 60000);  // +500 mAh: above 97 %
  EXPECT_EQ(soc_.below_since_rtc_s(), -1);
  hold(-30000, 120000, 60000);
  EXPECT_EQ(soc_.below_since_rtc_s(), rtc_s_ - 60);  // a new period
}

TEST_F(Soc, TheMonthSurvivesAPowerCycle) {
  const NvmRecord r = record(6000);
  start(&r);
  hold(0, 20 * kDay_s * 1000, 60000);
  const NvmRecord saved = soc_.snapshot();
  EXPECT_EQ(saved.below_since_rtc_s, kNoon);
  SocEstimator again;
  const ParamSet p = builder_.params();
  ASSERT_TRUE(again.configure(p));
  again.start(&saved, 3298, 0, rtc_s_);
  EXPECT_EQ(again.below_since_rtc_s(), kNoon);
  EXPECT_EQ(again.soc_bp(), saved.soc_bp);
}

TEST_F(Soc, ForceChargeBelow8PercentUntil10) {
  const NvmRecord r = record(810);  // 8.1 %
  start(&r);
  // -5 A for 36 s is 50 mAh = 0.1 %: 8.0 % is not below 8 %.
  hold(-5000, 36000, 1000);
  EXPECT_EQ(soc_.soc_permille(), 80);
  EXPECT_EQ(soc_.requests() & SSIM_REQ_FORCE_CHARGE, 0u);
  hold(-5000, 1000, 1000);
  EXPECT_EQ(soc_.soc_permille(), 79);
  EXPECT_EQ(soc_.requests() & SSIM_REQ_FORCE_CHARGE, SSIM_REQ_FORCE_CHARGE);
  // Charging back at 5 A (1.389 mAh/s) from 3998.6 mAh: 720 s give 4998.6 mAh
  // (9.9 %, still requested), 721 s exactly 5000 mAh (10.0 %, cleared).
  hold(5000, 720000, 1000);
  EXPECT_EQ(soc_.soc_permille(), 99);
  EXPECT_EQ(soc_.requests() & SSIM_REQ_FORCE_CHARGE, SSIM_REQ_FORCE_CHARGE);
  hold(5000, 1000, 1000);
  EXPECT_EQ(soc_.soc_permille(), 100);
  EXPECT_EQ(soc_.requests() & SSIM_REQ_FORCE_CHARGE, 0u);
}

TEST_F(Soc, CyclesAreDischargedChargeOverCapacity) {
  const NvmRecord r = record(10000);
  start(&r);
  for (int i = 0; i < 2; ++i) {
    hold(-50000, kMsPerHour, 1000, 3250);  // 50 Ah out: one cycle
    hold(50000, kMsPerHour, 1000, 3300);
  }
  hold(-25000, kMsPerHour, 1000, 3250);  // half a cycle more
  EXPECT_EQ(soc_.cycles(), 2u);
  EXPECT_EQ(soc_.snapshot().discharged_mAh, 25000u);
}

TEST_F(Soc, CapacityIsLearntBetweenALowOcvCorrectionAndAFullCharge) {
  const NvmRecord r = record(1500);
  start(&r);
  hold(-10000, 10000, 1000, 3150);
  hold(0, 1801000, 1000, 3100);  // correction to 37 permille, learning starts
  ASSERT_EQ(soc_.soc_permille(), 37);
  ASSERT_TRUE(soc_.learning());
  // The cells really hold 45 Ah: 43.3 Ah charged at 20 A, then the taper.
  std::int64_t learnt_mAms = 0;
  for (int s = 0; s < 7794; ++s) {
    step(20000, 1000, 3300, 3350);
    learnt_mAms += 20000LL * 1000;
  }
  for (int s = 0; s < 31; ++s) {
    step(2000, 1000, 3460, 3480);
    learnt_mAms += 2000LL * 1000;
  }
  ASSERT_EQ(soc_.full_charges(), 1u);
  // Measured capacity = charge over the SOC span (1000 - 37 permille).
  const std::int64_t measured_mAh = learnt_mAms * 1000 / 963 / kMsPerHour;
  EXPECT_NEAR(static_cast<double>(measured_mAh), 45000.0, 100.0);
  const std::int64_t expected_mAh = 50000 + (measured_mAh - 50000) * 500 / 1000;
  EXPECT_EQ(soc_.capacity_mAh(), expected_mAh);
  EXPECT_EQ(soc_.soh_permille(), expected_mAh * 1000 / 50000);
  EXPECT_EQ(soc_.soc_permille(), 1000);
  EXPECT_FALSE(soc_.learning());
}

TEST_F(Soc, ImplausibleLearntCapacityIsRejected) {
  const NvmRecord r = record(1500);
  start(&r);
  hold(-10000, 10000, 1000, 3150);
  hold(0, 1801000, 1000, 3100);
  ASSERT_TRUE(soc_.learning());
  hold(2000, 31000, 1000, 3460, 3480);  // "full" after 17 mAh: a counting error
  EXPECT_EQ(soc_.full_charges(), 1u);
  EXPECT_EQ(soc_.capacity_mAh(), 50000u);
  EXPECT_EQ(soc_.soh_permille(), 1000);
}

TEST_F(Soc, SnapshotRoundTrip) {
  NvmRecord r = record(4321);
  r.capacity_mAh = 47000;
  r.soh_permille = 940;
  r.cycles = 123;
  r.discharged_mAh = 4567;
  r.last_full_charge_rtc_s = kNoon - 5 * kDay_s;
  r.below_since_rtc_s = kNoon - 4 * kDay_s;
  start(&r);
  const NvmRecord s = soc_.snapshot();
  EXPECT_EQ(s.soc_bp, 4321);
  EXPECT_EQ(s.capacity_mAh, 47000u);
  EXPECT_EQ(s.soh_permille, 940);
  EXPECT_EQ(s.cycles, 123u);
  EXPECT_EQ(s.discharged_mAh, 4567u);
  EXPECT_EQ(s.last_full_charge_rtc_s, kNoon - 5 * kDay_s);
  EXPECT_EQ(s.below_since_rtc_s, kNoon - 4 * kDay_s);
  EXPECT_EQ(s.calibrated, 1);
}

TEST(SocConfigure, RejectsAMissingTable) {
  ParamBuilder b = gtx3000_like();
  b.erase("ocv.3.mV");
  const ParamSet p = b.params();
  SocEstimator s;
  EXPECT_FALSE(s.configure(p));
  ASSERT_EQ(p.missing_count(), 1u);
  EXPECT_STREQ(p.missing(0), "ocv.3.mV");
}

TEST(MinuteOfDay, CountsLocalMinutes) {
  EXPECT_EQ(minute_of_day(kNoon), 720);
  EXPECT_EQ(minute_of_day(kNoon + 15 * 3600), 180);  // 03:00 next day
  EXPECT_EQ(minute_of_day(-60), 1439);
}

}  // namespace
}  // namespace stacksim::fw
