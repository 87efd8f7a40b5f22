#!/usr/bin/env python3
"""Fails unless every lesson of the named modules ends with its sources: the last heading of
modules/<module>/ui/lessons/*.md is "Sources" (or "Sources for this scenario"), followed by
at least one bullet. Usage: check_lessons_cite_sources.py <source-root> <module>..."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
heading = re.compile(r"^#{1,6}\s+(.*?)\s*$")
bad = []
checked = 0
for module in sys.argv[2:]:
    lessons = sorted((root / "modules" / module / "ui" / "lessons").glob("*.md"))
    if not lessons:
        bad.append(f"modules/{module}: no lessons found")
    for f in lessons:
        checked += 1
        lines = f.read_text(encoding="utf-8").splitlines()
        last = max((i for i, l in enumerate(lines) if heading.match(l)), default=None)
        title = heading.match(lines[last]).group(1) if last is not None else ""
        bullets = [l for l in lines[last + 1:] if l.startswith("- ")] if last is not None else []
        if not title.startswith("Sources"):
            bad.append(f"{f.relative_to(root)}: the last heading is {title!r}, not Sources")
        elif not bullets:
            bad.append(f"{f.relative_to(root)}: its Sources section lists nothing")
for b in bad:
    print(b)
print(f"{checked} lessons checked, {len(bad)} without sources")
sys.exit(1 if bad else 0)
