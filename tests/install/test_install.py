#!/usr/bin/env python3
"""`cmake --install` lays out binaries, plugins, desktop file, icon and AppStream metadata, and
the installed workbench finds its plugins. Usage: test_install.py <build-dir> <scratch-dir>"""
import os
import pathlib
import shutil
import subprocess
import sys

build, scratch = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
prefix = scratch / "prefix"
shutil.rmtree(scratch, ignore_errors=True)
checks, failures = 0, []


def check(name, cond, detail=""):
    global checks
    checks += 1
    if not cond:
        failures.append(f"{name}: {detail}")


r = subprocess.run(["cmake", "--install", str(build), "--prefix", str(prefix)],
                   capture_output=True, text=True)
check("cmake --install", r.returncode == 0, r.stderr)
expect = [
    "bin/workbench", "bin/workbench-cli",
    "share/applications/org.internals_workbench.Workbench.desktop",
    "share/metainfo/org.internals_workbench.Workbench.metainfo.xml",
    "share/icons/hicolor/scalable/apps/org.internals_workbench.Workbench.svg",
] + [f"share/internals-workbench/lessons/{m}.lesson"
     for m in ("crypto", "list", "messaging", "nova", "threads")]
for rel in expect:
    check(f"installed {rel}", (prefix / rel).is_file())
plugins = sorted((prefix / "lib/internals-workbench/plugins").glob("*.so"))
built = sorted((build / "bin/plugins").glob("*.so"))
check("every built plugin is installed", [p.name for p in plugins] == [p.name for p in built],
      f"{[p.name for p in plugins]} vs {[p.name for p in built]}")

r = subprocess.run(["desktop-file-validate",
                    str(prefix / "share/applications/org.internals_workbench.Workbench.desktop")],
                   capture_output=True, text=True)
check("desktop-file-validate", r.returncode == 0, r.stdout + r.stderr)
r = subprocess.run(["appstreamcli", "validate", "--no-net", "--pedantic",
                    str(prefix / "share/metainfo/org.internals_workbench.Workbench.metainfo.xml")],
                   capture_output=True, text=True)
check("appstreamcli validate", r.returncode == 0, r.stdout + r.stderr)

env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
env.pop("WB_PLUGIN_PATH", None)
installed = subprocess.run([str(prefix / "bin/workbench"), "--list-modules"], env=env,
                           capture_output=True, text=True)
in_tree = subprocess.run([str(build / "bin/workbench"), "--list-modules"], env=env,
                         capture_output=True, text=True)
check("installed workbench runs", installed.returncode == 0, installed.stderr)
check("installed workbench finds the same modules", installed.stdout == in_tree.stdout,
      f"{installed.stdout!r} vs {in_tree.stdout!r}")
# The installed examples check clean against the installed modules.
for lesson in sorted((prefix / "share/internals-workbench/lessons").glob("*.lesson")):
    r = subprocess.run([str(prefix / "bin/workbench"), "--lesson", str(lesson), "--check"],
                       env=env, capture_output=True, text=True)
    check(f"installed {lesson.name} checks clean", r.returncode == 0, r.stderr)
r = subprocess.run([str(prefix / "bin/workbench-cli"), "--version"], capture_output=True, text=True)
check("installed workbench-cli runs", r.returncode == 0, r.stderr)

shutil.rmtree(scratch, ignore_errors=True)
for f in failures:
    print("FAIL", f)
print(f"{checks - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
