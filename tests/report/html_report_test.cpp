// The whole report (src/report/html_report.cpp, html_page.cpp): written from
// a hand-written run, escaped, self-contained, deterministic, well formed,
// and never left behind half-written or from bad input.
#include "report/html_report.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "run_fixture.hpp"

namespace stacksim::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// Every element closed in order (HTML's void elements excepted), every
// attribute quote paired; the text of <script> and <style> is not markup.
// Returns "" or the first problem.
std::string check_balanced(const std::string& html) {
  const std::vector<std::string> kVoid = {"meta", "br", "hr", "img", "input", "link"};
  std::vector<std::string> open;
  std::size_t at = 0;
  while ((at = html.find('<', at)) != std::string::npos) {
    const std::size_t end = html.find('>', at);
    if (end == std::string::npos) return "unclosed tag at " + std::to_string(at);
    const std::string tag = html.substr(at + 1, end - at - 1);
    at = end + 1;
    if (tag.starts_with("!")) continue;
    if (std::count(tag.begin(), tag.end(), '"') % 2 != 0) return "odd quotes in <" + tag + ">";
    const bool closing = tag.starts_with("/");
    const std::string name = tag.substr(closing ? 1 : 0, tag.find_first_of(" />", closing ? 1 : 0) - (closing ? 1 : 0));
    if (closing) {
      if (open.empty() || open.back() != name) return "</" + name + "> closes <" + (open.empty() ? "" : open.back()) + ">";
      open.pop_back();
    } else if (!tag.ends_with("/") && std::find(kVoid.begin(), kVoid.end(), name) == kVoid.end()) {
      open.push_back(name);
      if (name == "script" || name == "style") {
        at = html.find("</" + name + ">", at);
        if (at == std::string::npos) return "unclosed <" + name + ">";
      }
    }
  }
  return open.empty() ? "" : "<" + open.back() + "> never closed";
}

class HtmlReport : public fixture::RunDirTest {
 protected:
  std::string write_and_read(std::string_view summary = fixture::kSummaryJson) {
    write_run(fixture::kSignalsCsv, summary);
    std::string error;
    EXPECT_TRUE(write_html_report(dir_, error)) << error;
    return fixture::read_text(dir_ / "report.html");
  }
};

TEST_F(HtmlReport, WritesOneCompleteFileAndNoPartial) {
  const std::string html = write_and_read();
  EXPECT_FALSE(fs::exists(dir_ / "report.html.partial"));
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>"));
  EXPECT_TRUE(html.ends_with("</html>\n"));
  EXPECT_THAT(html, HasSubstr("<h1>fixture-run</h1>"));
  EXPECT_THAT(html, HasSubstr("gtx3000-h4 (gtx3000, 1 unit of 4 modules, lfp-prismatic-50ah)"));
  EXPECT_THAT(html, HasSubstr("class=\"verdict failed\">failed</span>"));
  for (const char* id : {"chart-voltage", "chart-current", "chart-soc", "chart-cells", "chart-temps", "chart-timeline"}) {
    EXPECT_THAT(html, HasSubstr(std::string("id=\"") + id + "\"")) << id;
  }
}

TEST_F(HtmlReport, FaultsAreMarkedOnEveryChartAndTabled) {
  const std::string html = write_and_read();
  EXPECT_EQ(count(html, "<g class=\"marker\">"), 6u);  // five line charts and the timeline
  EXPECT_THAT(html, HasSubstr("<td>cell3-open</td><td>cell_voltage_sensor open_wire</td><td>unit 1 module 2 cell 3</td>"
                              "<td>15s</td><td>never</td><td>21s500ms (+6s500ms) by unit 1 alarm cell_under_voltage</td>"
                              "<td>no reaction</td>"));
}

TEST_F(HtmlReport, ExpectationsAreColouredMetAndMissed) {
  const std::string html = write_and_read();
  EXPECT_THAT(html, HasSubstr("<p>1 of 2 met.</p>"));
  EXPECT_THAT(html, HasSubstr("<td>protect within 20s</td><td>state is protect within 20s after cell3-open</td>"
                              "<td class=\"met\">met</td><td>30s</td>"));
  // The rule is not repeated where it is the name.
  EXPECT_THAT(html, HasSubstr("<td>no fault bit</td><td></td><td class=\"missed\">missed</td><td></td>"));
}

TEST_F(HtmlReport, AlarmBitsAreNamedInTooltips) {
  const std::string html = write_and_read();
  EXPECT_THAT(html, HasSubstr("<title>string1 alarms, 30s to 40s: cell_under_voltage, pack_under_voltage</title>"));
  EXPECT_THAT(html, HasSubstr("<title>string1 faults, 40s to 40s: current_sensor</title>"));
  EXPECT_THAT(html, HasSubstr("<title>string1 protect, 30s to 40s</title>"));
}

TEST_F(HtmlReport, WorksWithoutFaultsExpectationsOrVerdict) {
  std::string summary(fixture::kSummaryJson);
  summary.erase(summary.find(",\n  \"faults\""), summary.find("\n}") - summary.find(",\n  \"faults\""));
  const std::string html = write_and_read(summary);
  EXPECT_THAT(html, HasSubstr("class=\"verdict none\""));
  EXPECT_THAT(html, Not(HasSubstr("<h2>Faults</h2>")));
  EXPECT_THAT(html, Not(HasSubstr("<h2>Expectations</h2>")));
  EXPECT_EQ(count(html, "class=\"marker\""), 0u);
}

TEST_F(HtmlReport, TextFromTheFilesIsEscaped) {
  std::string summary(fixture::kSummaryJson);
  summary.replace(summary.find("fixture-run"), 11, "<script>alert('x')</script>");
  const std::string html = write_and_read(summary);
  EXPECT_THAT(html, HasSubstr("<h1>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</h1>"));
  EXPECT_EQ(count(html, "<script"), 1u);  // the page's own, at the end
  EXPECT_EQ(check_balanced(html), "");
}

TEST_F(HtmlReport, IdenticalInputGivesIdenticalBytes) {
  const std::string first = write_and_read();
  const std::string second = write_and_read();
  EXPECT_EQ(first, second);
}

TEST_F(HtmlReport, NeedsNothingFromTheNetwork) {
  const std::string html = write_and_read();
  const std::string svg_namespace = "http://www.w3.org/2000/svg";
  std::size_t references = 0;
  for (const std::string scheme : {"http://", "https://"}) {
    for (auto at = html.find(scheme); at != std::string::npos; at = html.find(scheme, at + 1)) {
      EXPECT_EQ(html.compare(at, svg_namespace.size(), svg_namespace), 0) << html.substr(at, 60);
      ++references;
    }
  }
  EXPECT_EQ(references, count(html, "<svg "));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
}

TEST_F(HtmlReport, TagsAreBalanced) {
  EXPECT_EQ(check_balanced(write_and_read()), "");
}

TEST_F(HtmlReport, AMalformedRowNamesFileAndLineAndWritesNoReport) {
  const std::string cases[] = {fixture::with_line(fixture::kSignalsCsv, 5, "30.000,2,208.0000"),
                               fixture::with_time(fixture::kSignalsCsv, 5, "thirty")};
  for (const std::string& csv : cases) {
    // A report of an earlier run in the same directory must not survive either.
    fixture::write_text(dir_ / "report.html", "stale");
    write_run(csv);
    std::string error;
    EXPECT_FALSE(write_html_report(dir_, error));
    EXPECT_THAT(error, HasSubstr((dir_ / "signals.csv").string() + ":5: "));
    EXPECT_FALSE(fs::exists(dir_ / "report.html"));
    EXPECT_FALSE(fs::exists(dir_ / "report.html.partial"));
  }
}

TEST_F(HtmlReport, AMissingFileIsNamed) {
  fixture::write_text(dir_ / "summary.json", fixture::kSummaryJson);
  std::string error;
  EXPECT_FALSE(write_html_report(dir_, error));
  EXPECT_THAT(error, HasSubstr("signals.csv"));
}

TEST(RenderHtml, LongRunsStaySmall) {
  // A day at one record a second: every line decimated to kMaxPointsPerSeries.
  RunData run;
  constexpr int kRows = 86400;
  for (int i = 0; i < kRows; ++i) {
    run.signals.time_s.push_back(i);
    run.signals.voltage_V.push_back(200.0 + (i % 600) / 10.0);
    run.signals.soc_pct.push_back(i * 100.0 / kRows);
  }
  const std::string html = render_html(run);
  EXPECT_LT(html.size(), 200'000u);
  EXPECT_THAT(html, HasSubstr("Lines are decimated"));
  EXPECT_EQ(check_balanced(html), "");
}

}  // namespace
}  // namespace stacksim::report
