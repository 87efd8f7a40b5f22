#!/usr/bin/env python3
"""Fails if any executable or plugin under the given folder links a Qt 5 library."""
import pathlib
import subprocess
import sys

root = pathlib.Path(sys.argv[1])
files = [p for p in root.rglob("*") if p.is_file() and (p.suffix == ".so" or p.stat().st_mode & 0o111)]
bad, checked = [], 0
for f in files:
    out = subprocess.run(["ldd", str(f)], capture_output=True, text=True).stdout
    if "=>" not in out:
        continue
    checked += 1
    qt5 = [l.split()[0] for l in out.splitlines() if "libQt5" in l or "QCustomPlot.so" in l]
    if qt5:
        bad.append(f"{f}: {', '.join(qt5)}")
    elif "libQt6" not in out and f.name.startswith("libworkbench-"):
        bad.append(f"{f}: a plugin that does not link Qt 6 at all")
if checked == 0:
    sys.exit(f"no binaries found under {root}: nothing was checked")
print("\n".join(bad) or f"{checked} binaries checked, none links Qt 5")
sys.exit(1 if bad else 0)
