#!/usr/bin/env python3
"""Uses a batch index in headless Chromium: sorts every column of every table.

usage: html_batch_check.py CHROMIUM INDEX.html OUT.png

A script added to a copy of the page clicks each heading of each sortable
table twice and records the column's keys after each click (a cell's
data-sort number, else its text); --dump-dom prints the page after it ran.
Checks: the first click sorts the table by that column ascending, the second
descending; every row stays in its table; no cell's text spills out of its
cell. Also saves a screenshot (OUT.png) for a person to look at.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chromium_page  # noqa: E402

USE = """
<script>
(function () {
  const out = [];
  document.querySelectorAll('table.sortable').forEach(function (table, t) {
    const heads = table.tHead.rows[0].cells;
    const rows = table.tBodies[0].rows.length;
    for (let i = 0; i < heads.length; ++i) {
      const seen = [];
      for (let k = 0; k < 2; ++k) {
        heads[i].click();
        seen.push([...table.tBodies[0].rows].map(function (r) {
          const td = r.cells[i];
          return td.dataset.sort !== undefined ? Number(td.dataset.sort) : td.textContent;
        }));
      }
      out.push({table: t, column: heads[i].textContent, rows: rows,
                after: table.tBodies[0].rows.length, asc: seen[0], desc: seen[1]});
    }
  });
  const spill = [];
  document.querySelectorAll('table.sortable td, table.sortable th').forEach(function (c) {
    if (c.scrollWidth > c.clientWidth + 1) spill.push(c.textContent.slice(0, 40));
  });
  const r = document.createElement('div');
  r.id = 'gograde-result';
  r.textContent = JSON.stringify({columns: out, spill: spill});
  document.body.appendChild(r);
})();
</script>
"""


def ordered(keys, descending):
    for a, b in zip(keys, keys[1:]):
        if (a < b) if descending else (a > b):
            return False
    return True


def main():
    chromium, index, png = sys.argv[1:4]
    data = chromium_page.run(chromium, index, USE, png, "1000,900")
    failures = []
    tables = {c["table"] for c in data["columns"]}
    if len(tables) < 2:
        failures.append(f"expected at least two sortable tables, found {len(tables)}")
    for c in data["columns"]:
        where = f"table {c['table'] + 1}, column {c['column']!r}"
        if c["after"] != c["rows"]:
            failures.append(f"{where}: {c['rows']} rows became {c['after']}")
        if not ordered(c["asc"], False):
            failures.append(f"{where}: first click did not sort ascending: {c['asc']}")
        if not ordered(c["desc"], True):
            failures.append(f"{where}: second click did not sort descending: {c['desc']}")
    for s in data["spill"]:
        failures.append(f"text spills out of its cell: {s!r}")
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures[:20]))
        return 1
    print(f"ok: {len(data['columns'])} columns in {len(tables)} tables sort both ways; screenshot {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
