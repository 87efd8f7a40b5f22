#!/usr/bin/env python3
"""The classroom kit's files on the real `workbench` binary (offscreen):

- every shipped example lesson script passes `--lesson FILE --check` against the real
  modules;
- twenty broken lesson scripts are each refused with exit 2 and a `FILE:LINE:` sentence (or
  `FILE:` for a file that is not a script at all), never a crash;
- a recording written here in Python from docs/recording-format.md alone is read by the
  workbench (so the document is the format), and thirty damaged or truncated copies of it are
  each refused by `--open` with exit 2 and one sentence, never a crash.

usage: test_lessons_and_recordings.py WORKBENCH SCRATCH-DIR FIXTURE-PLUGIN-DIR REAL-PLUGIN-DIR
"""
import os
import struct
import subprocess
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "cli"))
from faultlib import Suite  # noqa: E402

exe, scratch, fixtures, real = sys.argv[1:5]
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
os.makedirs(scratch, exist_ok=True)
runtime = os.path.join(scratch, "runtime")
os.makedirs(runtime, mode=0o700, exist_ok=True)
s = Suite("classroom kit files")
QT_CHATTER = (b"QStandardPaths:", b"This plugin does not support")


def run(args, plugins):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WB_PLUGIN_PATH=plugins,
               XDG_RUNTIME_DIR=os.environ.get("XDG_RUNTIME_DIR", runtime),
               WB_SETTINGS_DIR=os.path.join(scratch, "settings"))
    return subprocess.run([exe, *args], capture_output=True, timeout=180, env=env)


def ours(stderr):
    return b"".join(l for l in stderr.splitlines(keepends=True)
                    if not l.startswith(QT_CHATTER)).decode("utf-8", "replace")


def crashed(p):
    return p.returncode < 0 or p.returncode > 3


# --- lesson scripts --------------------------------------------------------------------------

examples = os.path.join(root, "resources", "lessons")
for name in sorted(os.listdir(examples)):
    path = os.path.join(examples, name)
    p = run(["--lesson", path, "--check"], real)
    s.check(f"example {name} passes --check", p.returncode == 0 and b"no problems" in p.stdout,
            f"exit {p.returncode}: {ours(p.stderr)}")

broken = {
    "no-slides": ("lesson: nothing here\n", None),
    "not-key-value": ("slide: a\n  module: list\njust words\n", 3),
    "unknown-key": ("slide: a\n  module: list\n  colour: red\n", 3),
    "key-before-slide": ("module: list\nslide: a\n", 1),
    "empty-value": ("slide: a\n  module:\n", 2),
    "twice-in-a-slide": ("slide: a\n  module: list\n  module: crypto\n", 3),
    "lesson-after-slide": ("slide: a\n  module: list\nlesson: late\n", 3),
    "bad-steps": ("slide: a\n  module: list\n  steps: ten\n", 3),
    "backwards-steps": ("slide: a\n  module: list\n  steps: 9-3\n", 3),
    "no-module": ("slide: a\n  note: hello\n", 1),
    "module-and-recording": ("slide: a\n  module: list\n  recording: x.wbrec\n", 1),
    "view-with-recording": ("slide: a\n  recording: x.wbrec\n  view: slots\n", 1),
    "unknown-module": ("slide: a\n  module: chemistry\n", 1),
    "unknown-view": ("\n\nslide: a\n  module: list\n  view: heap\n", 3),
    "missing-recording": ("slide: a\n  recording: nowhere.wbrec\n", 1),
    "recording-is-text": ("slide: a\n  recording: notes.wbrec\n", 1),
    "second-slide-bad": ("slide: a\n  module: list\nslide: b\n  module: lists\n", 3),
}
for i, (name, (text, line)) in enumerate(sorted(broken.items())):
    path = os.path.join(scratch, f"broken-{i}.lesson")
    with open(path, "w") as f:
        f.write(text)
    broken[name] = (path, line)
with open(os.path.join(scratch, "notes.wbrec"), "w") as f:
    f.write("these are notes, not a recording\n")
binary = os.path.join(scratch, "binary.lesson")
with open(binary, "wb") as f:
    f.write(b"slide: a\x00\x01\x02\n")
latin1 = os.path.join(scratch, "latin1.lesson")
with open(latin1, "wb") as f:
    f.write(b"slide: caf\xe9\n  module: list\n")
folder = os.path.join(scratch, "a-folder.lesson")
os.makedirs(folder, exist_ok=True)
broken.update({"binary": (binary, None), "not-utf8": (latin1, None), "folder": (folder, None)})
s.check("twenty broken scripts", len(broken) == 20, str(len(broken)))
for name, (path, line) in sorted(broken.items()):
    p = run(["--lesson", path, "--check"], real)
    err = ours(p.stderr)
    where = f"{path}:{line}:" if line else f"{path}"
    s.check(f"broken script {name}: exit 2", p.returncode == 2 and not crashed(p),
            f"exit {p.returncode}")
    s.check(f"broken script {name}: says where", where in err, err)
# Presenting (not only checking) refuses the same way, before any slide shows.
p = run(["--lesson", broken["unknown-key"][0], "--screenshot",
         os.path.join(scratch, "never.png")], real)
s.check("presenting a broken script exits 2", p.returncode == 2, f"exit {p.returncode}")
s.check("presenting a broken script writes nothing",
        not os.path.exists(os.path.join(scratch, "never.png")))


# --- recordings ------------------------------------------------------------------------------

def varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def zigzag(n):
    return varint((n << 1) ^ (n >> 63))


def text(t):
    b = t.encode()
    return varint(len(b)) + b


def recording(module, view, events, cursor):
    """A recording as docs/recording-format.md describes it; events are (kind, label, fields)
    with integer fields."""
    names = []

    def name(n):
        if n not in names:
            names.append(n)
        return varint(names.index(n))

    body_events = b""
    for i, (kind, label, fields) in enumerate(events):
        body_events += zigzag(1000 if i else 0) + zigzag(0) + name(kind) + text(label)
        body_events += name("fixture.cpp") + varint(10 + i) + name("make")
        body_events += varint(len(fields))
        for key, value in fields:
            body_events += name(key) + bytes([2]) + zigzag(value)
    body = text(view) + varint(1) + text("note") + text("from python") + varint(cursor)
    body += varint(len(names)) + b"".join(text(n) for n in names) + body_events
    header = b"\x89WBREC\r\n" + struct.pack("<H", 1)
    for t in (module, "1.0"):
        header += struct.pack("<H", len(t)) + t.encode()
    header += struct.pack("<QQ", len(events), len(body))
    header += struct.pack("<I", zlib.crc32(header))
    return header + zlib.compress(body)


events = [("tick", f"count to {i}", [("value", i)]) for i in range(1, 21)]
good = recording("fixture-good", "counter", events, 5)
good_path = os.path.join(scratch, "good.wbrec")
with open(good_path, "wb") as f:
    f.write(good)
# The fixture's counter view keeps no recordings: reaching that refusal means the file was
# read whole, header, body and all 20 events.
p = run(["--open", good_path, "--screenshot", os.path.join(scratch, "good.png")], fixtures)
s.check("a recording written from the document is read",
        p.returncode == 2 and "does not show recordings" in ours(p.stderr),
        f"exit {p.returncode}: {ours(p.stderr)}")
p = run(["--open", good_path.replace("good", "absent")], fixtures)
s.check("a missing recording: exit 2", p.returncode == 2, f"exit {p.returncode}")

damaged = []
for cut in (0, 1, 7, 8, 9, 11, 17, 25, 40, len(good) // 2, len(good) - 5, len(good) - 1):
    damaged.append((f"cut to {cut} bytes", good[:cut]))
for at in (0, 3, 8, 10, 16, 30, 36, 41, 50, len(good) // 2, len(good) - 3):
    b = bytearray(good)
    b[at] ^= 0x5A
    damaged.append((f"byte {at} changed", bytes(b)))
damaged.append(("a newer format", good[:8] + struct.pack("<H", 9) + good[10:]))
damaged.append(("garbage after the end", good + b"\x00extra"))
damaged.append(("a text file", b"recording: not really\n"))
damaged.append(("empty", b""))
# Header and checksum right, body lying about its events.
short = recording("fixture-good", "counter", events, 5)
count_at = 8 + 2 + 2 + len("fixture-good") + 2 + 3
lie = bytearray(short[:count_at]) + struct.pack("<Q", 21) + short[count_at + 8:count_at + 16]
lie += struct.pack("<I", zlib.crc32(bytes(lie))) + short[count_at + 20:]
damaged.append(("one event more than the body has", bytes(lie)))
# A body that inflates but whose names point past the table.
bad_body = b"\x07counter\x00\x00\x00" + b"\x00\x00\x05" + b"\x00" * 8
hdr = b"\x89WBREC\r\n" + struct.pack("<H", 1) + struct.pack("<H", 12) + b"fixture-good"
hdr += struct.pack("<H", 0) + struct.pack("<QQ", 1, len(bad_body))
hdr += struct.pack("<I", zlib.crc32(hdr))
damaged.append(("a name index past the table", hdr + zlib.compress(bad_body)))
damaged.append(("a zip bomb's announcement", hdr[:-12] + struct.pack("<Q", 1 << 40)
                + struct.pack("<I", zlib.crc32(hdr[:-12] + struct.pack("<Q", 1 << 40)))))
s.check("thirty damaged recordings", len(damaged) == 30, str(len(damaged)))
for i, (what, data) in enumerate(damaged):
    path = os.path.join(scratch, f"damaged-{i}.wbrec")
    with open(path, "wb") as f:
        f.write(data)
    p = run(["--open", path, "--screenshot", os.path.join(scratch, f"damaged-{i}.png")],
            fixtures)
    err = ours(p.stderr)
    s.check(f"damaged recording ({what}): exit 2", p.returncode == 2 and not crashed(p),
            f"exit {p.returncode}: {err}")
    s.check(f"damaged recording ({what}): one sentence naming it",
            len(err.strip().splitlines()) == 1 and "cannot open" in err, err)
    s.check(f"damaged recording ({what}): no screenshot",
            not os.path.exists(os.path.join(scratch, f"damaged-{i}.png")))

for args, words in (
        (["--open", good_path, "--module", "fixture-good"], "--open shows"),
        (["--step", "3"], "--step goes with --open"),
        (["--open", good_path, "--step", "x"], "--step takes"),
        (["--check"], "--check and --slide go with --lesson"),
        (["--lesson", good_path, "--slide", "0"], "--slide takes"),
        (["--module", "fixture-good", "--export-steps", "0-3"], "needs --out"),
        (["--module", "fixture-good", "--export-steps", "0-3", "--out", "x.png"], ".gif or a .pdf"),
        (["--every", "2"], "go with --export-steps")):
    p = run(args, fixtures)
    s.check(f"usage {' '.join(args)}", p.returncode == 2 and words in ours(p.stderr),
            f"exit {p.returncode}: {ours(p.stderr)}")

s.finish()
