// One line chart (src/report/svg_line_chart.cpp): the polyline's pixels are a
// linear map of time and value onto the plot, computed here from the layout
// constants alone; gaps split the line; markers sit at their instants.
#include "report/svg_line_chart.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace stacksim::report {
namespace {

using ::testing::HasSubstr;

// The vertices of every <polyline> in `svg`, in document order.
std::vector<std::vector<std::pair<double, double>>> polylines(const std::string& svg) {
  std::vector<std::vector<std::pair<double, double>>> out;
  const std::regex polyline("<polyline[^>]* points=\"([^\"]*)\"");
  const std::regex vertex("(-?[0-9.]+),(-?[0-9.]+)");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), polyline); it != std::sregex_iterator(); ++it) {
    const std::string points = (*it)[1];
    auto& line = out.emplace_back();
    for (auto v = std::sregex_iterator(points.begin(), points.end(), vertex); v != std::sregex_iterator(); ++v) {
      line.emplace_back(std::stod((*v)[1]), std::stod((*v)[2]));
    }
  }
  return out;
}

// Where the plot is: its edges in the SVG's px.
constexpr double kLeft = kPlotLeft_px;
constexpr double kWidth = kPlotRight_px - kPlotLeft_px;
constexpr double kTop = kPlotTop_px;
constexpr double kHeight = kLinePlotHeight_px;

TEST(LineChart, PolylineMapsTimeAndValueLinearlyOntoThePlot) {
  const std::vector<double> t = {0.0, 25.0, 50.0, 100.0};
  const std::vector<double> soc = {0.0, 25.0, 80.0, 100.0};
  LineChart chart{"c", "SOC (%)", "%", std::pair{0.0, 100.0}, {{"soc", soc, "#000000", false}}};
  const std::string svg = render_line_chart(chart, t, time_axis(0.0, 100.0), {});
  const auto lines = polylines(svg);
  ASSERT_EQ(lines.size(), 1u);
  ASSERT_EQ(lines[0].size(), 4u);
  for (std::size_t i = 0; i < t.size(); ++i) {
    // x: 0 s at the left edge, 100 s at the right; y: 100 % at the top, 0 % at the bottom.
    EXPECT_NEAR(lines[0][i].first, kLeft + kWidth * t[i] / 100.0, 0.051) << i;
    EXPECT_NEAR(lines[0][i].second, kTop + kHeight * (100.0 - soc[i]) / 100.0, 0.051) << i;
  }
}

TEST(LineChart, ValueAxisIsWidenedToNiceTicksBeforeMapping) {
  // 3.21..3.57 V gives an axis of 3.2..3.6 V: 3.4 V is half way up.
  const std::vector<double> t = {10.0, 20.0, 30.0};
  const std::vector<double> v = {3.21, 3.4, 3.57};
  LineChart chart{"c", "cell voltage (V)", "V", std::nullopt, {{"max", v, "#d62728", false}}};
  const auto lines = polylines(render_line_chart(chart, t, time_axis(10.0, 30.0), {}));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NEAR(lines[0][1].first, kLeft + kWidth / 2.0, 0.051);
  EXPECT_NEAR(lines[0][1].second, kTop + kHeight / 2.0, 0.051);
  EXPECT_NEAR(lines[0][0].second, kTop + kHeight * (3.6 - 3.21) / 0.4, 0.051);
}

TEST(LineChart, AGapSplitsTheLineAndDashedLinesAreDashed) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> t = {0, 1, 2, 3, 4};
  const std::vector<double> v = {1, 2, nan, 4, 5};
  LineChart chart{"c", "x", "", std::nullopt, {{"estimate", v, "#1f77b4", true}}};
  const std::string svg = render_line_chart(chart, t, time_axis(0.0, 4.0), {});
  EXPECT_EQ(polylines(svg).size(), 2u);
  EXPECT_THAT(svg, HasSubstr("data-label=\"estimate\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" "
                             "stroke-linejoin=\"round\" stroke-dasharray=\"6 3\""));
}

TEST(LineChart, MarkersStandAtTheirInstantWithTheirTooltip) {
  const std::vector<double> t = {0.0, 100.0};
  const std::vector<double> v = {1.0, 2.0};
  LineChart chart{"c", "x", "", std::nullopt, {{"v", v, "#000000", false}}};
  const Marker m{25.0, 50.0, "open wire", "fault open wire <b>"};
  const std::string svg = render_line_chart(chart, t, time_axis(0.0, 100.0), std::span(&m, 1));
  char x[32];
  std::snprintf(x, sizeof x, "x1=\"%.1f\"", kLeft + kWidth * 0.25);
  EXPECT_THAT(svg, HasSubstr(std::string("<line ") + x));
  EXPECT_THAT(svg, HasSubstr("<title>fault open wire &lt;b&gt;</title>"));
  EXPECT_THAT(svg, HasSubstr(">open wire</text>"));
}

TEST(LineChart, ANearlyFlatLineIsNotBlownUpToFullHeight) {
  // 10 mK of drift on an axis of at least 2 degrees: both points near the middle.
  const std::vector<double> t = {0.0, 1.0};
  const std::vector<double> v = {24.98, 24.99};
  LineChart chart{"c", "temperature (C)", "C", std::nullopt, {{"max", v, "#d62728", false}}, 2.0};
  const auto lines = polylines(render_line_chart(chart, t, time_axis(0.0, 1.0), {}));
  ASSERT_EQ(lines.size(), 1u);
  for (const auto& [x, y] : lines[0]) {
    EXPECT_GT(y, kTop + kHeight / 3.0);
    EXPECT_LT(y, kTop + kHeight * 2.0 / 3.0);
  }
}

TEST(LineChart, NoDataIsSaid) {
  const std::vector<double> t = {0.0, 1.0};
  LineChart chart{"c", "x", "", std::nullopt, {}};
  EXPECT_THAT(render_line_chart(chart, t, time_axis(0.0, 1.0), {}), HasSubstr(">no data</text>"));
}

}  // namespace
}  // namespace stacksim::report
