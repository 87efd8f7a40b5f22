#!/usr/bin/env python3
"""The workbench binary's command line: --version, --list-modules, unknown module, and the
screenshots (--screenshot, --tour) are real PNG files of the window's size."""
import os
import pathlib
import struct
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "cli"))
from faultlib import Suite, run_text  # noqa: E402

exe, out = sys.argv[1], pathlib.Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
suite = Suite("workbench/command line")
check = suite.check


def run(*args):
    return run_text([exe, *args], timeout=120)


def png_size(path):
    data = path.read_bytes()[:24]
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", data[16:24])


r = run("--version")
check("version", r.returncode == 0 and "0." in r.stdout, r.stdout + r.stderr)

r = run("--list-modules")
check("list-modules exit", r.returncode == 0, r.stderr)
ids = [line.split("\t")[0] for line in r.stdout.splitlines() if line.strip()]
check("list-modules format", all("\t" in l for l in r.stdout.splitlines() if l), r.stdout)

r = run("--module", "no-such-topic", "--screenshot", str(out / "x.png"))
check("unknown module exit 2", r.returncode == 2, str(r.returncode))
check("unknown module message", "unknown module 'no-such-topic'" in r.stderr, r.stderr)
check("unknown module wrote nothing", not (out / "x.png").exists())

r = run("--check-layout", "--screenshot", str(out / "y.png"))
check("check-layout with a screenshot exit 2", r.returncode == 2, str(r.returncode))
check("check-layout with a screenshot message", "--check-layout renders nothing" in r.stderr,
      r.stderr)
check("check-layout with a screenshot wrote nothing", not (out / "y.png").exists())
if ids:
    r = run("--check-layout", "--module", ids[0], "--size", "1280x720", "--presentation")
    check("check-layout prints a count", "layout problem" in r.stdout.splitlines()[-1]
          if r.stdout else False, r.stdout + r.stderr)
    check("check-layout exit follows its count", r.returncode == (
        0 if " 0 layout problems" in r.stdout else 1), f"{r.returncode}: {r.stdout[-300:]}")

shot = out / "shell.png"
shot.unlink(missing_ok=True)
r = run("--screenshot", str(shot))
check("screenshot exit", r.returncode == 0, r.stderr)
size = png_size(shot) if shot.exists() else None
check("screenshot is a PNG of the window", size is not None and size[0] >= 1000 and size[1] >= 600,
      str(size))
check("screenshot has content", shot.exists() and shot.stat().st_size > 20000,
      str(shot.stat().st_size if shot.exists() else 0))

for mid in ids:
    p = out / f"module-{mid}.png"
    r = run("--module", mid, "--screenshot", str(p))
    check(f"screenshot of {mid}", r.returncode == 0 and png_size(p) is not None, r.stderr)

tour = out / "tour"
r = run("--tour", str(tour))
check("tour exit", r.returncode == 0, r.stderr)
pngs = sorted(tour.glob("*.png")) if tour.exists() else []
check("tour has home", (tour / "home.png").exists(), str(pngs))
check("tour covers every module", all(any(p.name.startswith(m + "-") for p in pngs) for m in ids),
      f"{ids} vs {[p.name for p in pngs]}")
check("tour prints where", str(tour.resolve()) in r.stdout, r.stdout)

r = run("--screenshot", "/nonexistent-folder/x.png")
check("unwritable screenshot fails", r.returncode != 0 and "cannot write" in r.stderr, r.stderr)

suite.finish()
