#!/usr/bin/env python3
"""Fault classes "GUI command line" and "GUI image writes", on the real `workbench` binary
(offscreen): unknown or conflicting options exit 2 with one sentence naming the valid
choices; --screenshot and --tour write through the one writer, so a full disk, a file size
limit or a device as the target is a non-zero exit with the old PNG untouched.

The modules are the fixture plugins of tests/gui (so the test depends on no real module's
views); Qt's own platform chatter on stderr is not counted as our sentence.

usage: test_fault_gui_options.py WORKBENCH SCRATCH-DIR FIXTURE-PLUGIN-DIR
"""
import hashlib
import os
import re
import stat
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "cli"))
from faultlib import Suite, is_root, one_sentence  # noqa: E402

exe, scratch, plugins = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(scratch, exist_ok=True)
s = Suite("fault/gui-options")
runtime = os.path.join(scratch, "runtime")
os.makedirs(runtime, mode=0o700, exist_ok=True)
env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WB_PLUGIN_PATH=plugins,
           XDG_RUNTIME_DIR=os.environ.get("XDG_RUNTIME_DIR", runtime))
QT_CHATTER = (b"QStandardPaths:", b"This plugin does not support")


def ours(stderr):
    """stderr without Qt's platform warnings."""
    return b"".join(l for l in stderr.splitlines(keepends=True) if not l.startswith(QT_CHATTER))


def run(*args, timeout=180):
    return subprocess.run([exe, *args], capture_output=True, timeout=timeout, env=env)


def refused(label, args, *needles):
    r = run(*args)
    err = r.stderr.decode("utf-8", "replace")
    s.check(f"{label}: exit 2", r.returncode == 2, f"exit {r.returncode}: {err!r}")
    s.check(f"{label}: one sentence", one_sentence(ours(r.stderr)), repr(err))
    for n in needles:
        s.check(f"{label}: names {n!r}", n in err, repr(err))
    return err


r = run("--list-modules")
modules = [l.split("\t")[0] for l in r.stdout.decode().splitlines() if l.strip()]
s.check("--list-modules lists modules", len(modules) > 0, repr(r.stdout))
shot = os.path.join(scratch, "never.png")

# An unknown view names the module's views; each named view is then accepted.
module = "fixture-good" if "fixture-good" in modules else modules[0]
err = refused("unknown view", ["--module", module, "--view", "nosuch", "--screenshot", shot],
              "unknown view 'nosuch'", f"module '{module}'")
m = re.search(r"its views: (.*)\.$", err.strip())
views = m.group(1).split(", ") if m else []
s.check("unknown view lists view ids", len(views) > 0, repr(err))
s.check("unknown view wrote nothing", not os.path.exists(shot))
if views:
    good = os.path.join(scratch, f"{module}-{views[-1]}.png")
    r = run("--module", module, "--view", views[-1], "--screenshot", good)
    s.check(f"a listed view ({views[-1]}) is accepted", r.returncode == 0 and
            open(good, "rb").read(8) == b"\x89PNG\r\n\x1a\n", repr(r.stderr))

with open("/dev/full", "wb") as full:
    r = subprocess.run([exe, "--list-modules"], stdout=full, stderr=subprocess.PIPE,
                       timeout=180, env=env)
s.check("--list-modules > /dev/full: exit 1", r.returncode == 1, repr(r.stderr))
s.check("--list-modules > /dev/full: says write error", b"write error" in r.stderr,
        repr(r.stderr))
r = run("--size", "1024x768x2", "--screenshot", shot)
s.check("--size 1024x768x2: exit 2", r.returncode == 2, repr(r.stderr))
s.check("--size 1024x768x2: names the form", b"WIDTHxHEIGHT" in r.stderr, repr(r.stderr))
r = run("--size", "1024x768", "--presentation", "--dark", "--screenshot", shot)
s.check("--size 1024x768 --presentation --dark: a 1024x768 PNG", r.returncode == 0 and
        open(shot, "rb").read(24)[16:24] == (1024).to_bytes(4, "big") + (768).to_bytes(4, "big"),
        repr(r.stderr))
if os.path.exists(shot):
    os.remove(shot)

refused("--view without --module", ["--view", "growth", "--screenshot", shot],
        "--view needs --module")
err = refused("--module \"\"", ["--module", "", "--screenshot", shot], "--module needs a module id")
s.check("--module \"\" lists the modules", all(m in err for m in modules), repr(err))
refused("--screenshot with --tour", ["--screenshot", shot, "--tour", scratch],
        "--screenshot and --tour cannot be combined")
refused("unknown option", ["--nosuch"], "nosuch")
refused("repeated --module", ["--module", module, "--module", module, "--screenshot", shot],
        "--module is given more than once")
refused("extra argument", ["--screenshot", shot, "extra"], "unexpected argument 'extra'")
s.check("no screenshot from any refusal", not os.path.exists(shot))


def old_png_survives(label, folder, ulimit_blocks=None):
    old = os.path.join(folder, "old.png")
    with open(old, "wb") as f:
        f.write(b"an old screenshot that must survive")
    digest = hashlib.sha256(open(old, "rb").read()).hexdigest()
    argv = [exe, "--module", module, "--screenshot", old]
    if ulimit_blocks is not None:
        argv = ["bash", "-c", f"ulimit -f {ulimit_blocks}; exec \"$@\"", "bash", *argv]
    r = subprocess.run(argv, capture_output=True, timeout=180, env=env)
    err = r.stderr.decode("utf-8", "replace")
    s.check(f"{label}: non-zero exit", r.returncode > 0, f"exit {r.returncode}: {err!r}")
    s.check(f"{label}: says it cannot write", "cannot write the screenshot" in err, repr(err))
    s.check(f"{label}: old PNG untouched",
            hashlib.sha256(open(old, "rb").read()).hexdigest() == digest, "")
    s.check(f"{label}: no temporary left",
            [n for n in os.listdir(folder) if ".tmp-" in n] == [], os.listdir(folder))


if is_root():
    mnt = os.path.join(scratch, "small")
    os.makedirs(mnt, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs",
                              mnt]).returncode == 0
    try:
        if s.check("mount a 16 KiB tmpfs", mounted):
            old_png_survives("--screenshot on a full tmpfs", mnt)
            r = run("--tour", os.path.join(mnt, "tour"))
            s.check("--tour on a full tmpfs: non-zero exit", r.returncode > 0,
                    repr(r.stderr))
            tour = os.path.join(mnt, "tour")
            listing = os.listdir(tour) if os.path.isdir(tour) else []
            leftovers = [n for n in listing if ".tmp-" in n]
            s.check("--tour on a full tmpfs: no temporary left", leftovers == [], leftovers)
            cut = []
            for n in os.listdir(tour) if os.path.isdir(tour) else []:
                data = open(os.path.join(tour, n), "rb").read()
                if not data.endswith(b"IEND\xaeB`\x82"):
                    cut.append(n)
            s.check("--tour on a full tmpfs: every PNG left is complete", cut == [], cut)
    finally:
        if mounted:
            subprocess.run(["umount", mnt])
old_png_survives("--screenshot under ulimit -f 4", scratch, 4)

before = os.stat("/dev/null")
r = run("--module", module, "--screenshot", "/dev/null")
s.check("--screenshot /dev/null: non-zero exit", r.returncode > 0, repr(r.stderr))
s.check("--screenshot /dev/null: says character device", b"character device" in r.stderr,
        repr(r.stderr))
s.check("/dev/null is still a character device",
        stat.S_ISCHR(os.stat("/dev/null").st_mode) and os.stat("/dev/null").st_ino == before.st_ino)

s.finish()
