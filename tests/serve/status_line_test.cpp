#include "serve/status_line.hpp"

#include <gtest/gtest.h>

namespace stacksim::serve {
namespace {

ssim_debug_status charging_gtx5000() {
  ssim_debug_status st{};
  st.state = SSIM_STATE_CHARGE;
  st.soc_permille = 875;        // 87.5 %
  st.pack_voltage_mV = 53'600;  // 16 cells at 3.35 V
  st.current_mA = 50'000;       // the GTX5000 manual's charge current
  st.alarms = 0x10;
  return st;
}

TEST(StatusLine, ShowsTheMasterFramesAndLateness) {
  StatusFigures f;
  f.sim_ns = 3'723'400'000'000;  // 1 h 2 min 3.4 s
  f.master = charging_gtx5000();
  f.frames_in = 12;
  f.frames_out = 345;
  f.late_p99_ns = 214'000;
  EXPECT_EQ(format_status_line(f),
            "\r    3723.4 s  SOC  87.5 %    53.6 V     50.0 A  charge         alarms 00000010"
            "  frames in 12 out 345  late p99 0.21 ms ");
}

TEST(StatusLine, BurstsAppearOnlyWithAnRs485Line) {
  StatusFigures f;
  f.sim_ns = 1'000'000'000;
  EXPECT_EQ(format_status_line(f).find("bursts"), std::string::npos);
  EXPECT_EQ(format_status_line(f).find("SOC"), std::string::npos);  // no report from the master yet
  f.bursts_in = 7;
  f.bursts_out = 6;
  EXPECT_NE(format_status_line(f).find("  bursts in 7 out 6  late p99 0.00 ms "), std::string::npos);
}

TEST(StatusLine, HugeCountsAreNotCut) {
  StatusFigures f;
  f.frames_in = UINT64_MAX;
  f.frames_out = UINT64_MAX;
  f.bursts_in = UINT64_MAX;
  f.bursts_out = UINT64_MAX;
  const std::string line = format_status_line(f);
  EXPECT_NE(line.find("frames in 18446744073709551615 out 18446744073709551615"), std::string::npos);
  EXPECT_NE(line.find("bursts in 18446744073709551615 out 18446744073709551615"), std::string::npos);
}

}  // namespace
}  // namespace stacksim::serve
