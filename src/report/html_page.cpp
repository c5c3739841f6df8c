#include "report/html_page.hpp"

#include <optional>
#include <string_view>
#include <vector>

#include "report/axis.hpp"
#include "report/decimate.hpp"
#include "report/page_assets.hpp"
#include "report/page_charts.hpp"
#include "report/text_format.hpp"

namespace stacksim::report {
namespace {

// Appends <tag>escaped text</tag>; `attributes` is written as given.
void element(std::string& out, std::string_view tag, std::string_view text, std::string_view attributes = "") {
  out += '<';
  out += tag;
  out += attributes;
  out += '>';
  append_escaped(out, text);
  out += "</";
  out += tag;
  out += '>';
}

void fact(std::string& out, std::string_view name, const std::string& value, bool mono = false) {
  if (value.empty()) return;
  out += "<tr>";
  element(out, "th", name);
  element(out, "td", value, mono ? " class=\"mono\"" : "");
  out += "</tr>\n";
}

std::string system_text(const RunSummary& s) {
  std::string text = s.system_name;
  std::vector<std::string> parts;
  if (!s.product.empty()) parts.push_back(s.product);
  if (s.units) {
    std::string units = std::to_string(*s.units) + (*s.units == 1 ? " unit" : " units");
    // A low-voltage pack is one module: saying so adds nothing.
    if (s.modules_per_unit && *s.modules_per_unit > 1) {
      units += " of " + std::to_string(*s.modules_per_unit) + " modules";
    }
    parts.push_back(units);
  }
  if (!s.cell.empty()) parts.push_back(s.cell);
  for (std::size_t i = 0; i < parts.size(); ++i) text += (i == 0 ? " (" : ", ") + parts[i];
  if (!parts.empty()) text += ")";
  return text;
}

std::string duration_text(const RunData& run) {
  if (!run.summary.simulated.empty()) return run.summary.simulated;
  const auto& t = run.signals.time_s;
  return t.empty() ? "0s" : format_time_s(t.back() - t.front());
}

std::string title_of(const RunData& run) {
  return run.summary.scenario_name.empty() ? std::string("stacksim run") : run.summary.scenario_name;
}

void header(std::string& out, const RunData& run) {
  const RunSummary& s = run.summary;
  out += "<header>\n";
  element(out, "h1", title_of(run));
  out += '\n';
  if (s.verdict) {
    element(out, "span", *s.verdict, " class=\"verdict " + html_escape(*s.verdict) + "\"");
  } else {
    element(out, "span", "no verdict (the scenario has no expectations)", " class=\"verdict none\"");
  }
  out += "\n<table class=\"facts\">\n";
  fact(out, "scenario file", s.scenario_file);
  fact(out, "scenario SHA-256", s.scenario_sha256, true);
  fact(out, "system", system_text(s));
  fact(out, "seed", s.seed);
  fact(out, "simulated", duration_text(run));
  fact(out, "result", s.result);
  fact(out, "PCS protocol", s.inverter_protocol);
  fact(out, "records", std::to_string(run.signals.time_s.size()) + " instants in signals.csv");
  out += "</table>\n</header>\n";
}

void chart(std::string& out, const ChartSection& c) {
  out += "<section>\n";
  element(out, "h2", c.heading);
  out += "\n<figure>\n";
  out += c.svg;
  if (c.readout) {
    element(out, "p", "", " class=\"readout\" id=\"" + html_escape(c.id) + "-readout\"");
    out += '\n';
  }
  if (!c.caption.empty()) {
    element(out, "figcaption", c.caption);
    out += '\n';
  }
  out += "</figure>\n</section>\n";
}

// "1h2m (+3s)": an instant and how long after the fault's injection it came.
std::string after_fault(const std::optional<double>& t_s, double at_s, const char* otherwise) {
  if (!t_s) return otherwise;
  return format_time_s(*t_s) + " (+" + format_time_s(*t_s - at_s) + ")";
}

void faults_table(std::string& out, const std::vector<FaultEvent>& faults) {
  if (faults.empty()) return;
  out += "<section>\n<h2>Faults</h2>\n<table>\n<tr><th>fault</th><th>kind</th><th>target</th>"
         "<th>injected</th><th>cleared</th><th>detected</th><th>reacted</th></tr>\n";
  for (const FaultEvent& f : faults) {
    out += "<tr>";
    element(out, "td", f.name);
    element(out, "td", f.kind);
    element(out, "td", f.target);
    element(out, "td", format_time_s(f.at_s));
    element(out, "td", f.until_s ? format_time_s(*f.until_s) : "never");
    std::string detected = after_fault(f.detected_s, f.at_s, "not detected");
    if (f.detected_s && !f.detected_by.empty()) detected += " by " + f.detected_by;
    element(out, "td", detected);
    element(out, "td", after_fault(f.reacted_s, f.at_s, "no reaction"));
    out += "</tr>\n";
  }
  out += "</table>\n</section>\n";
}

void expectations_table(std::string& out, const std::vector<Expectation>& expectations) {
  if (expectations.empty()) return;
  std::size_t met = 0;
  for (const Expectation& e : expectations) met += e.met ? 1 : 0;
  out += "<section>\n<h2>Expectations</h2>\n";
  element(out, "p", std::to_string(met) + " of " + std::to_string(expectations.size()) + " met.");
  out += "\n<table>\n<tr><th>expectation</th><th>rule</th><th>result</th><th>at</th><th>detail</th></tr>\n";
  for (const Expectation& e : expectations) {
    const char* result = e.met ? "met" : "missed";
    out += "<tr>";
    element(out, "td", e.name);
    // A scenario without a name for the expectation gets its rule as the name: once is enough.
    element(out, "td", e.rule == e.name ? "" : e.rule);
    element(out, "td", result, std::string(" class=\"") + result + "\"");
    element(out, "td", e.at_s ? format_time_s(*e.at_s) : "");
    element(out, "td", e.detail);
    out += "</tr>\n";
  }
  out += "</table>\n</section>\n";
}

void notes(std::string& out, const RunData& run) {
  std::vector<std::string> items;
  const std::size_t rows = run.signals.time_s.size();
  if (rows > kMaxPointsPerSeries) {
    items.push_back("Lines are decimated: of the " + std::to_string(rows) + " instants, each line keeps the " +
                    "lowest and highest value of each of " + std::to_string(kMaxPointsPerSeries / 2) +
                    " equal runs of instants, so spikes stay visible (docs/report.md).");
  }
  if (run.signals.unreadable_values > 0) {
    items.push_back(std::to_string(run.signals.unreadable_values) +
                    " cells of signals.csv held text where a number belongs and are drawn as gaps; the first: " +
                    run.signals.first_unreadable);
  }
  if (items.empty()) return;
  out += "<section>\n<h2>Notes</h2>\n<ul>\n";
  for (const std::string& item : items) {
    element(out, "li", item);
    out += '\n';
  }
  out += "</ul>\n</section>\n";
}

}  // namespace

std::string render_html(const RunData& run) {
  const auto& t = run.signals.time_s;
  const TimeAxis axis = t.empty() ? time_axis(0.0, 1.0) : time_axis(t.front(), t.back());
  const std::vector<Marker> markers = fault_markers(run.summary.faults);

  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  element(out, "title", "stacksim report: " + title_of(run));
  out += "\n<style>";
  out += page_style();
  out += "</style>\n</head>\n<body>\n";
  header(out, run);
  out += "<main>\n";
  // What decided the verdict first, then the faults the charts mark, then the charts.
  expectations_table(out, run.summary.expectations);
  faults_table(out, run.summary.faults);
  for (const ChartSection& c : render_charts(run, axis, markers)) chart(out, c);
  notes(out, run);
  out += "</main>\n<footer>";
  append_escaped(out, "Written by stacksim " + run.summary.stacksim_version +
                          " from signals.csv and summary.json. Hover over a chart for its values.");
  out += "</footer>\n<script>";
  out += page_script();
  out += "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace stacksim::report
