"""Runs a page in headless Chromium with a script of the test's added.

run(chromium, page, script, png, window): the script (a <script> element)
is added at the end of a copy of the page's body; it must leave its findings
as JSON text in an element with id "gograde-result". Chromium prints the page
after the script ran (--dump-dom); returns the findings, parsed. The page as
it is (without the script) is saved as a screenshot to `png`.
"""
import html
import json
import os
import re
import subprocess
import tempfile


def run(chromium, page, script, png, window):
    text = open(page, encoding="utf-8").read()
    assert "</body>" in text, f"no </body> in {page}"
    with tempfile.TemporaryDirectory() as tmp:
        scripted = os.path.join(tmp, "scripted.html")
        with open(scripted, "w", encoding="utf-8") as f:
            f.write(text.replace("</body>", script + "</body>"))
        common = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                  f"--user-data-dir={os.path.join(tmp, 'profile')}", f"--window-size={window}"]
        dom = subprocess.run(common + ["--dump-dom", "file://" + scripted], check=True, timeout=120,
                             capture_output=True, text=True).stdout
        subprocess.run(common + [f"--screenshot={os.path.abspath(png)}", "file://" + os.path.abspath(page)],
                       check=True, timeout=120, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    m = re.search(r'<div id="gograde-result">(.*?)</div>', dom, re.S)
    assert m, "the script left no result: did the page load?"
    return json.loads(html.unescape(m.group(1)))
