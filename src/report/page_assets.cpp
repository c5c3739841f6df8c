#include "report/page_assets.hpp"

namespace stacksim::report {

std::string_view page_style() {
  return R"css(
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; margin: 0 auto;
       max-width: 1040px; padding: 16px 20px 40px; line-height: 1.4; }
h1 { font-size: 1.5em; margin: 0.2em 0; }
h2 { font-size: 1.15em; margin: 1.6em 0 0.3em; border-bottom: 1px solid #ddd; }
figure { margin: 0.4em 0 0.8em; }
figcaption { font-size: 0.85em; color: #555; }
svg.chart { width: 100%; height: auto; display: block; }
.readout { font: 0.85em ui-monospace, "DejaVu Sans Mono", monospace; min-height: 1.3em; margin: 0;
           white-space: pre-wrap; color: #333; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
table.facts th { width: 11em; }
.mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; word-break: break-all; }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 4px; font-weight: bold; }
.passed, .met { background: #d9f2dd; color: #1b5e20; }
.failed, .missed { background: #fbdcdc; color: #8b0000; }
.none { background: #eee; color: #555; }
footer { margin-top: 2em; font-size: 0.8em; color: #777; }
)css";
}

std::string_view page_script() {
  return R"js(
"use strict";
(function () {
  // "1h2m3s500ms", as the rest of the page writes instants.
  function formatTime(t) {
    var ms = Math.round(t * 1000), out = "";
    var units = [[86400000, "d"], [3600000, "h"], [60000, "m"], [1000, "s"], [1, "ms"]];
    if (ms === 0) return "0s";
    if (ms < 0) { out = "-"; ms = -ms; }
    units.forEach(function (u) {
      var n = Math.floor(ms / u[0]);
      if (n > 0) { out += n + u[1]; ms -= n * u[0]; }
    });
    return out;
  }
  function points(line) {
    if (!line.parsed) {
      line.parsed = line.getAttribute("points").split(" ").map(function (p) {
        var c = p.split(",");
        return [parseFloat(c[0]), parseFloat(c[1])];
      });
    }
    return line.parsed;
  }
  // The vertex nearest to x (points are in time order).
  function nearest(pts, x) {
    var lo = 0, hi = pts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (pts[mid][0] < x) lo = mid + 1; else hi = mid;
    }
    if (lo > 0 && x - pts[lo - 1][0] < pts[lo][0] - x) lo--;
    return pts[lo];
  }
  document.querySelectorAll("svg.chart[data-t0]").forEach(function (svg) {
    var d = svg.dataset, readout = document.getElementById(svg.id + "-readout");
    var cursor = svg.querySelector(".cursor");
    var x0 = +d.x0, x1 = +d.x1, y0 = +d.y0, y1 = +d.y1, v0 = +d.v0, v1 = +d.v1, t0 = +d.t0, t1 = +d.t1;
    function hide() { cursor.setAttribute("visibility", "hidden"); readout.textContent = ""; }
    svg.addEventListener("mouseleave", hide);
    svg.addEventListener("mousemove", function (ev) {
      var box = svg.getBoundingClientRect(), x = (ev.clientX - box.left) * svg.viewBox.baseVal.width / box.width;
      if (x < x0 || x > x1) { hide(); return; }
      cursor.setAttribute("x1", x);
      cursor.setAttribute("x2", x);
      cursor.setAttribute("visibility", "visible");
      var found = {};
      svg.querySelectorAll("polyline[data-label]").forEach(function (line) {
        var pts = points(line);
        // Outside this stretch of the line (a gap in the data): nothing to read.
        if (x < pts[0][0] - 2 || x > pts[pts.length - 1][0] + 2) return;
        var p = nearest(pts, x), label = line.dataset.label, dist = Math.abs(p[0] - x);
        if (!(label in found) || dist < found[label].dist) found[label] = { dist: dist, y: p[1] };
      });
      var parts = ["t = " + formatTime(t0 + (x - x0) / (x1 - x0) * (t1 - t0))];
      Object.keys(found).forEach(function (label) {
        var v = v0 + (found[label].y - y0) / (y1 - y0) * (v1 - v0);
        parts.push(label + " " + v.toFixed(+d.decimals) + " " + d.unit);
      });
      readout.textContent = parts.join("   ");
    });
  });
})();
)js";
}

}  // namespace stacksim::report
