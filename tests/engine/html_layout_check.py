#!/usr/bin/env python3
"""Lays out an HTML scorecard in headless Chromium and checks its geometry.

usage: html_layout_check.py CHROMIUM REPORT.html OUT.png

Chromium runs a script added to a copy of the page, which measures what the
browser drew (getBBox of every text of every SVG timeline, in the SVG's own
coordinates) and writes the measurements into the page; --dump-dom prints
the page after the script ran. Checks:
  - no two texts of a timeline overlap (event labels, lane names, axis);
  - every text lies inside its SVG;
  - the evidence of a dump of many fibers blocked in one place shows one
    paragraph and the count of the others, not every fiber.
Also saves a screenshot of the page (OUT.png) for a person to look at.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chromium_page  # noqa: E402

MEASURE = """
<script>
(function () {
  const out = {svgs: []};
  document.querySelectorAll('svg.timeline').forEach(function (svg) {
    const vb = svg.viewBox.baseVal;
    const texts = [];
    svg.querySelectorAll('text').forEach(function (t) {
      const b = t.getBBox();
      texts.push({text: t.textContent, x: b.x, y: b.y, w: b.width, h: b.height});
    });
    out.svgs.push({width: vb.width, height: vb.height, texts: texts});
  });
  const pres = [];
  document.querySelectorAll('pre').forEach(function (p) { pres.push(p.textContent); });
  out.pres = pres;
  const r = document.createElement('div');
  r.id = 'gograde-result';
  r.textContent = JSON.stringify(out);
  document.body.appendChild(r);
})();
</script>
"""


def overlaps(a, b, slack=0.5):
    return (a["x"] + slack < b["x"] + b["w"] and b["x"] + slack < a["x"] + a["w"] and
            a["y"] + slack < b["y"] + b["h"] and b["y"] + slack < a["y"] + a["h"])


def main():
    chromium, report, png = sys.argv[1:4]
    data = chromium_page.run(chromium, report, MEASURE, png, "1000,2400")
    failures = []
    if not data["svgs"]:
        failures.append("no timeline drawn")
    for n, svg in enumerate(data["svgs"]):
        texts = svg["texts"]
        print(f"timeline {n + 1}: {len(texts)} text(s) in {svg['width']:.0f}x{svg['height']:.0f}")
        for i, a in enumerate(texts):
            if a["x"] < -0.5 or a["y"] < -0.5 or a["x"] + a["w"] > svg["width"] + 0.5 or \
                    a["y"] + a["h"] > svg["height"] + 0.5:
                failures.append(f"timeline {n + 1}: {a['text']!r} outside the picture: {a}")
            for b in texts[i + 1:]:
                if overlaps(a, b):
                    failures.append(f"timeline {n + 1}: {a['text']!r} overlaps {b['text']!r}")
    dumps = [p for p in data["pres"] if "goroutine" in p]
    for p in dumps:
        blocked_here = len(re.findall(r"^goroutine \d+ .*\[chan send\]:\n    at pool\.hpp:22", p, re.M))
        if "pool.hpp:22" in p and (blocked_here != 1 or "more fiber(s) in the same place" not in p):
            failures.append(f"the dump of fibers blocked at pool.hpp:22 shows {blocked_here} of them, "
                            "expected one and the count of the others")
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures[:20]))
        return 1
    print(f"ok: {sum(len(s['texts']) for s in data['svgs'])} timeline texts, none overlapping; "
          f"{len(dumps)} dump(s) collapsed; screenshot {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
