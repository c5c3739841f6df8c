#include "report/svg_frame.hpp"

#include <algorithm>
#include <initializer_list>
#include <utility>

#include "report/text_format.hpp"

namespace stacksim::report {
namespace {

constexpr const char* kMarkerColour = "#c0392b";
constexpr int kMarkerLabelLevels = 3;  // labels of nearby faults step down over this many lines
constexpr double kMarkerLabelStep_px = 11.0;

// "<tag name=\"value\" ...", coordinates written with kCoordinateDecimals.
void open_element(std::string& out, const char* tag,
                  std::initializer_list<std::pair<const char*, double>> coordinates_px) {
  out += '<';
  out += tag;
  for (const auto& [name, value] : coordinates_px) {
    out += ' ';
    out += name;
    out += "=\"";
    out += fixed(value, kCoordinateDecimals);
    out += '"';
  }
}

}  // namespace

LinearMap time_to_x(const TimeAxis& axis) {
  return {axis.t0_s, axis.t1_s, kPlotLeft_px, kPlotRight_px};
}

void open_line(std::string& out, double x1_px, double y1_px, double x2_px, double y2_px) {
  open_element(out, "line", {{"x1", x1_px}, {"y1", y1_px}, {"x2", x2_px}, {"y2", y2_px}});
}

void open_rect(std::string& out, double x_px, double y_px, double width_px, double height_px) {
  open_element(out, "rect", {{"x", x_px}, {"y", y_px}, {"width", width_px}, {"height", height_px}});
}

void open_text(std::string& out, double x_px, double y_px) {
  open_element(out, "text", {{"x", x_px}, {"y", y_px}});
}

void append_time_grid(std::string& out, const TimeAxis& axis, double top_px, double bottom_px) {
  const LinearMap x = time_to_x(axis);
  out += "<g stroke=\"#e3e3e3\" stroke-width=\"1\">";
  for (const double t : axis.ticks_s) {
    open_line(out, x(t), top_px, x(t), bottom_px);
    out += "/>";
  }
  out += "</g>\n<g font-size=\"11\" fill=\"#444\" text-anchor=\"middle\">";
  for (const double t : axis.ticks_s) {
    open_text(out, x(t), bottom_px + 14.0);
    out += '>';
    out += fixed(t / axis.unit_s, axis.decimals);
    out += "</text>";
  }
  out += "</g>\n";
  open_text(out, kPlotRight_px, bottom_px + 29.0);
  out += " font-size=\"11\" fill=\"#444\" text-anchor=\"end\">time (" + axis.unit_name + ")</text>\n";
}

void append_markers(std::string& out, std::span<const Marker> markers, const TimeAxis& axis,
                    double top_px, double bottom_px) {
  const LinearMap x = time_to_x(axis);
  for (std::size_t i = 0; i < markers.size(); ++i) {
    const Marker& m = markers[i];
    if (m.at_s < axis.t0_s || m.at_s > axis.t1_s) continue;
    const double x0 = x(m.at_s);
    const double x1 = x(std::clamp(m.until_s.value_or(axis.t1_s), m.at_s, axis.t1_s));
    out += "<g class=\"marker\"><title>";
    append_escaped(out, m.title);
    out += "</title>";
    open_rect(out, x0, top_px, x1 - x0, bottom_px - top_px);
    out += " fill=\"";
    out += kMarkerColour;
    out += "\" fill-opacity=\"0.07\"/>";
    open_line(out, x0, top_px, x0, bottom_px);
    out += " stroke=\"";
    out += kMarkerColour;
    out += "\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>";
    open_text(out, x0 + 3.0,
              top_px + 10.0 + kMarkerLabelStep_px * static_cast<double>(i % kMarkerLabelLevels));
    // A white halo keeps the label readable over lines and bands.
    out += " font-size=\"10\" paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"3\" fill=\"";
    out += kMarkerColour;
    out += "\">";
    append_escaped(out, m.label);
    out += "</text></g>\n";
  }
}

void append_svg_open(std::string& out, const std::string& id, double height_px,
                     const std::string& aria_label, const std::string& extra_attributes) {
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" font-family=\"system-ui, sans-serif\" class=\"chart\" id=\"";
  append_escaped(out, id);
  out += "\" viewBox=\"0 0 ";
  out += fixed(kSvgWidth_px, 0);
  out += ' ';
  out += fixed(height_px, 0);
  out += "\" role=\"img\" aria-label=\"";
  append_escaped(out, aria_label);
  out += '"';
  out += extra_attributes;
  out += ">\n";
}

}  // namespace stacksim::report
