#!/usr/bin/env python3
"""Fails when any file under libs/core, modules/*/core, modules/*/cli or app/cli (the
command line runs where no display and no Qt are) includes a Qt header or names Qt in its
build file. Usage: check_core_qt_free.py <source-root>"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
include_qt = re.compile(r'^\s*#\s*include\s*[<"](Q[A-Za-z]|qt[a-z]*/|qcustomplot)', re.M)
link_qt = re.compile(r'Qt6?::|QCustomPlot|find_package\s*\(\s*Qt', re.I)
core_dirs = ([root / "libs" / "core", root / "app" / "cli"] +
             sorted((root / "modules").glob("*/core")) + sorted((root / "modules").glob("*/cli")))
bad = []
checked = 0
for d in core_dirs:
    for f in d.rglob("*"):
        if f.suffix in {".h", ".hpp", ".cpp", ".cc", ".inl", ".in"}:
            checked += 1
            m = include_qt.search(f.read_text(errors="replace"))
            if m:
                bad.append(f"{f.relative_to(root)}: includes {m.group(0).strip()}")
        elif f.name == "CMakeLists.txt" and link_qt.search(f.read_text()):
            bad.append(f"{f.relative_to(root)}: links Qt")
if checked == 0:
    sys.exit("no core sources found: the guard would check nothing")
for b in bad:
    print(b)
print(f"checked {checked} core and cli files in {len(core_dirs)} folders")
sys.exit(1 if bad else 0)
