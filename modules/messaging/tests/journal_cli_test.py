#!/usr/bin/env python3
"""The embedded broker's journal through `workbench-cli messaging`, on damaged and unreadable
journals. The journals are written here, by an encoder of the documented format
(core/include/messaging/core/journal.h: version 2 is magic D3 4A 57 02, u32 length, CRC-32
of the length's bytes and the payload, payload; version 1 is u32 length, CRC-32 of the
payload, payload; zlib.crc32 is the same IEEE CRC-32), not by the code under test.

- `list-queues|list-exchanges --broker embedded --data DIR` only reads: after every run the
  journal is byte-identical with the same mtime, and DIR holds nothing new.
- A flipped byte early, in the middle and late, in a payload, a length or a magic; a
  truncated tail; garbage appended or in between: the listing shows every record that
  verifies (asserted queue depths and record counts), reports "recovered N records, skipped
  M bytes at offset(s) ..." with the exact offsets, and exits 3.
- `demo --data DIR` (a broker that writes) keeps the damaged original byte for byte under
  messaging.journal.damaged-<UTC time>, says so, and leaves a journal that reads whole.
- A journal that cannot be read (a directory in its place; a FIFO; mode 000 for an
  unprivileged user, run through setpriv since root reads anything) is an error naming it,
  exit 3, and it is left as it is. --data naming a file, a missing folder, an unwritable one.

Usage: journal_cli_test.py WORKBENCH_CLI
"""
import json
import os
import pathlib
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests" / "cli"))
from faultlib import Suite  # noqa: E402

CLI = sys.argv[1]
suite = Suite("messaging/journal")

MAGIC = b"\xd3\x4a\x57\x02"
OP_DECLARE_EXCHANGE, OP_DECLARE_QUEUE, OP_BIND, OP_ENQUEUE = 1, 3, 5, 7


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    suite.check(what, cond)


def s(text):
    b = text.encode() if isinstance(text, str) else text
    return struct.pack("<I", len(b)) + b


def payloads():
    """19 records: the exchange `integers`, queues odds/evens/keep, two bindings, ten
    persistent messages on keep and three on odds."""
    out = [bytes([OP_DECLARE_EXCHANGE]) + s("integers") + bytes([0, 0, 0])]
    for q in ("odds", "evens", "keep"):
        out.append(bytes([OP_DECLARE_QUEUE]) + s(q) + bytes([0]))
    for q, key in (("odds", "odd"), ("evens", "even")):
        out.append(bytes([OP_BIND]) + s("integers") + s(q) + s(key) + struct.pack("<I", 0))
    msg_id = 0
    for q, n in (("keep", 10), ("odds", 3)):
        for i in range(n):
            msg_id += 1
            body = "%s-%d" % (q, i)
            out.append(bytes([OP_ENQUEUE]) + struct.pack("<Q", msg_id) + s(q) + s("") + s(q) +
                       s(body) + s("text/plain") + bytes([2]) + struct.pack("<I", 0) +
                       s("id-%d" % msg_id) + struct.pack("<Q", 0) + s("") + s(""))
    return out


def v2(records):
    out, offsets = b"", []
    for p in records:
        offsets.append(len(out))
        length = struct.pack("<I", len(p))
        out += MAGIC + length + struct.pack("<I", zlib.crc32(length + p)) + p
    return out, offsets


def v1(records):
    out, offsets = b"", []
    for p in records:
        offsets.append(len(out))
        out += struct.pack("<II", len(p), zlib.crc32(p)) + p
    return out, offsets


RECORDS = payloads()
INTACT, OFFSETS = v2(RECORDS)
SIZES = [b - a for a, b in zip(OFFSETS, OFFSETS[1:] + [len(INTACT)])]
FULL = {"odds": 3, "evens": 0, "keep": 10}


def run(*args, timeout=60, user=None):
    cmd = [CLI, "messaging", *args]
    if user:
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def depths(stdout):
    try:
        return {q["name"]: q["messages_ready"] for q in json.loads(stdout)}
    except ValueError:
        return None


def snapshot(folder):
    """Every entry of the folder with its bytes and mtime (ns)."""
    out = {}
    for name in sorted(os.listdir(folder)):
        p = os.path.join(folder, name)
        st = os.lstat(p)
        data = open(p, "rb").read() if stat.S_ISREG(st.st_mode) else None
        out[name] = (stat.S_IFMT(st.st_mode), data, st.st_mtime_ns)
    return out


def flip(data, at, mask=0x40):
    b = bytearray(data)
    b[at] ^= mask
    return bytes(b)


def summary(records, ranges):
    skipped = sum(n for _, n in ranges)
    where = ", ".join("%d (%d bytes)" % r for r in ranges)
    return "recovered %d records, skipped %d bytes at offset%s %s" % (
        records, skipped, "s" if len(ranges) > 1 else "", where)


def listing_case(name, journal, want_depths, want_summary, exchanges=None):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "messaging.journal")
        with open(path, "wb") as f:
            f.write(journal)
        os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
        before = snapshot(d)
        r = run("list-queues", "--broker", "embedded", "--data", d, "--json")
        got = depths(r.stdout)
        check(got == want_depths, "%s: list-queues shows %s (got %s)" % (name, want_depths, got))
        if want_summary:
            check(r.returncode == 3 and want_summary in r.stderr and path in r.stderr,
                  "%s: exit 3 naming the journal and '%s' (exit %d: %s)"
                  % (name, want_summary, r.returncode, r.stderr.strip()))
        else:
            check(r.returncode == 0 and r.stderr == "",
                  "%s: read whole, exit 0 (exit %d: %s)" % (name, r.returncode, r.stderr.strip()))
        if exchanges is not None:
            r = run("list-exchanges", "--broker", "embedded", "--data", d)
            check(("\nintegers\tdirect\n" in r.stdout) == exchanges,
                  "%s: list-exchanges %s `integers`" % (name, "shows" if exchanges else
                                                         "does not show"))
        check(snapshot(d) == before,
              "%s: the listing changed nothing (bytes, mtime, no new files)" % name)


def main():
    # --- listings: read-only, every verifiable record, exact report -----------------------
    listing_case("intact version 2", INTACT, FULL, None, exchanges=True)
    listing_case("intact version 1", v1(RECORDS)[0], FULL, None, exchanges=True)

    # Early: the exchange's record (its payload); the queues, messages and report survive.
    listing_case("flipped byte early (record 0 payload)", flip(INTACT, OFFSETS[0] + 14), FULL,
                 summary(18, [(OFFSETS[0], SIZES[0])]), exchanges=False)
    listing_case("flipped byte early (record 1 magic)", flip(INTACT, OFFSETS[1]),
                 {"evens": 0, "keep": 10},
                 summary(18, [(OFFSETS[1], SIZES[1])]))
    # Middle: keep's fifth message, in its payload and then in its length field.
    mid = 6 + 4
    listing_case("flipped byte in the middle (payload)", flip(INTACT, OFFSETS[mid] + 30),
                 dict(FULL, keep=9), summary(18, [(OFFSETS[mid], SIZES[mid])]))
    listing_case("flipped byte in the middle (length field)", flip(INTACT, OFFSETS[mid] + 6),
                 dict(FULL, keep=9), summary(18, [(OFFSETS[mid], SIZES[mid])]))
    # Late: the last record.
    listing_case("flipped byte late", flip(INTACT, len(INTACT) - 2), dict(FULL, odds=2),
                 summary(18, [(OFFSETS[-1], SIZES[-1])]))
    listing_case("two flipped bytes", flip(flip(INTACT, OFFSETS[8] + 9), OFFSETS[15] + 20),
                 dict(FULL, keep=8), summary(17, [(OFFSETS[8], SIZES[8]),
                                                  (OFFSETS[15], SIZES[15])]))
    listing_case("truncated tail", INTACT[:-5], dict(FULL, odds=2),
                 summary(18, [(OFFSETS[-1], SIZES[-1] - 5)]))
    garbage = bytes((i * 37 + 11) & 0xFF for i in range(64))
    listing_case("garbage appended", INTACT + garbage, FULL,
                 summary(19, [(len(INTACT), 64)]))
    listing_case("garbage between records",
                 INTACT[:OFFSETS[12]] + garbage[:9] + INTACT[OFFSETS[12]:], FULL,
                 summary(19, [(OFFSETS[12], 9)]))
    old, old_offsets = v1(RECORDS)
    listing_case("version 1, flipped length in the middle", flip(old, old_offsets[mid] + 1, 1),
                 dict(FULL, keep=9),
                 summary(18, [(old_offsets[mid], old_offsets[mid + 1] - old_offsets[mid])]))

    # --- a broker that writes keeps the damaged original aside ------------------------------
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "messaging.journal")
        damaged = flip(INTACT, OFFSETS[mid] + 30)
        with open(path, "wb") as f:
            f.write(damaged)
        r = run("demo", "--broker", "embedded", "--data", d, "--count", "20", "--seed", "4")
        aside = [n for n in os.listdir(d) if n.startswith("messaging.journal.damaged-")]
        check(r.returncode == 0, "demo --data on a damaged journal runs (exit %d: %s)"
              % (r.returncode, r.stderr.strip()))
        check(summary(18, [(OFFSETS[mid], SIZES[mid])]) in r.stderr and len(aside) == 1 and
              aside[0] in r.stderr,
              "it reports the recovery and where the original is kept (%s)" % r.stderr.strip())
        check(len(aside) == 1 and open(os.path.join(d, aside[0]), "rb").read() == damaged,
              "the original is kept byte for byte")
        check("# purged the queues odds and evens first: 3 and 0 messages" in r.stdout,
              "demo says it purged odds and evens, counting the 3 recovered on odds (%s)"
              % r.stdout.splitlines()[:1])
        r = run("list-queues", "--broker", "embedded", "--data", d, "--json")
        check(r.returncode == 0 and depths(r.stdout) == {"odds": 0, "evens": 0, "keep": 9},
              "the rewritten journal reads whole: keep 9, odds and evens drained (%s %s)"
              % (r.stdout.strip(), r.stderr.strip()))

    # --- unreadable journals: an error naming them, left alone ------------------------------
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "messaging.journal")
        os.mkdir(path)
        for args in (("list-queues", "--broker", "embedded", "--data", d),
                     ("demo", "--broker", "embedded", "--data", d, "--count", "3")):
            r = run(*args)
            check(r.returncode == 3 and path in r.stderr and "directory" in r.stderr,
                  "%s: a directory in the journal's place is an error naming it (exit %d: %s)"
                  % (args[0], r.returncode, r.stderr.strip()))
        check(os.listdir(d) == ["messaging.journal"] and os.path.isdir(path),
              "and it is left as it is")
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "messaging.journal")
        os.mkfifo(path)
        r = run("list-queues", "--broker", "embedded", "--data", d, timeout=20)
        check(r.returncode == 3 and path in r.stderr and "regular file" in r.stderr,
              "a FIFO in the journal's place: an error, no hang (%s)" % r.stderr.strip())
    if os.geteuid() == 0 and shutil.which("setpriv") and os.access(CLI, os.X_OK):
        # Root reads a mode-000 file regardless; an unprivileged user (nobody) cannot.
        probe = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                CLI, "--help"], capture_output=True)
        if probe.returncode == 0:
            with tempfile.TemporaryDirectory() as d:
                os.chmod(d, 0o755)
                path = os.path.join(d, "messaging.journal")
                with open(path, "wb") as f:
                    f.write(INTACT)
                os.chmod(path, 0)
                before = snapshot(d)
                r = run("list-queues", "--broker", "embedded", "--data", d, user=True)
                check(r.returncode == 3 and path in r.stderr and "Permission denied" in r.stderr,
                      "mode 000, as nobody: an error naming the journal (exit %d: %s)"
                      % (r.returncode, r.stderr.strip()))
                check(snapshot(d) == before, "mode 000: left as it is")
                # An unwritable folder is listed (a listing writes nothing), with a note.
                os.chmod(path, 0o644)
                os.chmod(d, 0o555)
                r = run("list-queues", "--broker", "embedded", "--data", d, "--json", user=True)
                check(r.returncode == 0 and depths(r.stdout) == FULL and
                      "not writable" in r.stderr,
                      "an unwritable folder: listed, with a note (exit %d: %s)"
                      % (r.returncode, r.stderr.strip()))
                os.chmod(d, 0o700)
        else:
            print("note: nobody cannot run %s here; the mode-000 case is not run" % CLI)
    else:
        print("note: not root or no setpriv; the mode-000 case is not run")

    # --- --data that is no folder ------------------------------------------------------------
    with tempfile.TemporaryDirectory() as d:
        afile = os.path.join(d, "file")
        open(afile, "w").close()
        r = run("list-queues", "--broker", "embedded", "--data", afile)
        check(r.returncode == 2 and "not a folder" in r.stderr,
              "--data naming a file: exit 2 (%s)" % r.stderr.strip())
        missing = os.path.join(d, "missing", "deeper")
        r = run("list-exchanges", "--broker", "embedded", "--data", missing)
        check(r.returncode == 3 and "no such folder" in r.stderr and
              not os.path.exists(os.path.join(d, "missing")),
              "--data naming a missing folder: exit 3, nothing created (%s)" % r.stderr.strip())
        r = run("demo", "--broker", "embedded", "--data", afile, "--count", "3")
        check(r.returncode == 2 and "not a folder" in r.stderr,
              "demo --data naming a file: exit 2 (%s)" % r.stderr.strip())
        check(open(afile).read() == "", "and the file is untouched")

    suite.finish()


if __name__ == "__main__":
    sys.exit(main())
