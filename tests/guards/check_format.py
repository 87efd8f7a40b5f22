#!/usr/bin/env python3
"""Fails when a C++ file of the project differs from what clang-format makes of it with the
committed .clang-format, naming each file and the first lines that differ.
Usage: check_format.py <source-root> [clang-format]"""
import pathlib
import shutil
import subprocess
import sys

root = pathlib.Path(sys.argv[1])
tool = sys.argv[2] if len(sys.argv) > 2 else "clang-format"
if not shutil.which(tool):
    sys.exit(f"{tool} is not installed (scripts/install-deps.sh installs it): the format "
             "cannot be checked")
if not (root / ".clang-format").is_file():
    sys.exit(f"no .clang-format in {root}")

folders = ["app", "libs", "modules", "tests"]
files = sorted(p for d in folders for p in (root / d).rglob("*")
               if p.suffix in {".cpp", ".h", ".hpp"} and p.is_file())
if not files:
    sys.exit("no C++ files found: the guard would check nothing")
bad = []
for f in files:
    text = f.read_text(errors="replace")
    formatted = subprocess.run([tool, f"--style=file:{root / '.clang-format'}",
                                f"--assume-filename={f}"], input=text, capture_output=True,
                               text=True)
    if formatted.returncode != 0:
        bad.append(f"{f.relative_to(root)}: clang-format failed: {formatted.stderr.strip()}")
        continue
    if formatted.stdout != text:
        old, new = text.splitlines(), formatted.stdout.splitlines()
        line = next((i + 1 for i, (a, b) in enumerate(zip(old, new)) if a != b),
                    min(len(old), len(new)) + 1)
        bad.append(f"{f.relative_to(root)}:{line}: differs from clang-format")
for b in bad:
    print(b)
print(f"checked {len(files)} C++ files against .clang-format"
      + (f"; {len(bad)} differ: run clang-format -i on them" if bad else ""))
sys.exit(1 if bad else 0)
