#!/usr/bin/env python3
"""Renders an HTML report in headless Chromium and checks the PNG it makes.

usage: html_render_check.py CHROMIUM REPORT.html OUT.png

Checks, by decoding the PNG (standard library only): the page rendered at
the requested size; the verdict badges are drawn in their colours (red for
the failing verdicts, green for the passed item); the racing line of the
source excerpt is highlighted; the SVG timeline drew its event markers, in
the lower part of the page where the timeline section is.
"""
import os
import struct
import subprocess
import sys
import tempfile
import zlib

WIDTH, HEIGHT = 1000, 1600


def decode_png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, "unexpected PNG format"
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def count(rows, bpp, rgb, tol=6):
    hits, ys = 0, []
    for y, row in enumerate(rows):
        for x in range(0, len(row), bpp):
            if all(abs(row[x + k] - rgb[k]) <= tol for k in range(3)):
                hits += 1
                ys.append(y)
    return hits, ys


def main():
    chromium, report, out = sys.argv[1:4]
    with tempfile.TemporaryDirectory() as profile:
        # Every compositor stage (raster of the whole page included) before
        # the frame the screenshot takes: on a busy machine the screenshot
        # otherwise came out before the lower part of the page (the
        # timeline) was drawn.
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        "--run-all-compositor-stages-before-draw",
                        f"--user-data-dir={profile}", f"--window-size={WIDTH},{HEIGHT}",
                        f"--screenshot={out}", "file://" + os.path.abspath(report)],
                       check=True, timeout=120, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    width, height, bpp, rows = decode_png(out)
    assert (width, height) == (WIDTH, HEIGHT), f"rendered {width}x{height}"
    failures = []
    checks = {
        "red verdict badges (data_race, deadlock)": ((198, 40, 40), 2000),
        "green badge and score bar (passed)": ((46, 125, 50), 1500),
        "highlighted racing line": ((255, 235, 238), 3000),
        "timeline event markers": ((21, 101, 192), 200),
    }
    found = {}
    for name, (rgb, least) in checks.items():
        n, ys = count(rows, bpp, rgb)
        found[name] = ys
        print(f"{name}: {n} px")
        if n < least:
            failures.append(f"{name}: {n} px, expected at least {least}")
    ys = found["timeline event markers"]
    if ys and min(ys) < height * 0.6:
        failures.append(f"timeline markers at y={min(ys)}: expected in the page's lower part")
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("ok: the report rendered with its badges, excerpt and timeline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
