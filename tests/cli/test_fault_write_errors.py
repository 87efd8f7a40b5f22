#!/usr/bin/env python3
"""Fault class "failed writes to stdout/stderr": with stdout on /dev/full (every write fails
with ENOSPC) or a closed pipe, each printing command exits 1 and says "write error" on stderr,
instead of exit 0 with its output lost. A sample of each module's commands.

usage: test_fault_write_errors.py WORKBENCH-CLI
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from faultlib import Suite  # noqa: E402

cli = sys.argv[1]
s = Suite("fault/write-errors")
tmp = tempfile.mkdtemp(prefix="wb-full-")
data = os.path.join(tmp, "data")
with open(data, "wb") as f:
    f.write(b"0123456789" * 1000)

commands = [
    ["--help"],
    ["--version"],
    ["modules"],
    ["crypto", "--help"],
    ["crypto", "hash", "sha256", "--text", "abc"],
    ["crypto", "checksum", data],
    ["crypto", "encrypt", "des", "--key", "0123456789abcdef", "--text", "12345678"],
    ["crypto", "trace", "md5", "--text", "abc", "--json"],
    ["list", "growth", "--appends", "1000"],
    ["list", "ops", "append 1", "append 2", "pop"],
    ["threads", "list"],
    ["threads", "run", "deadlock", "--seed", "1"],
    ["nova", "novash", "run"],
    ["nova", "simulate", "--requests", "20", "--hosts", "3", "--scheduler", "chance", "--json"],
    ["nova", "libvirt-xml", "--instance", "1", "--ip", "10.0.0.3", "--mac",
     "02:16:3e:00:00:01"],
    ["messaging", "list-exchanges", "--broker", "embedded"],
    ["messaging", "demo", "--broker", "embedded", "--count", "10"],
]

for argv in commands:
    label = " ".join(argv[:3])
    # The command works when stdout can be written (so the failure below is the write's).
    ok = subprocess.run([cli, *argv], capture_output=True, timeout=120)
    if not s.check(f"{label}: exit 0 normally", ok.returncode == 0 and ok.stdout,
                   f"exit {ok.returncode}: {ok.stderr[:300]!r}"):
        continue
    with open("/dev/full", "wb") as full:
        r = subprocess.run([cli, *argv], stdout=full, stderr=subprocess.PIPE, timeout=120)
    err = r.stderr.decode("utf-8", "replace")
    s.check(f"{label} > /dev/full: exit 1", r.returncode == 1, f"exit {r.returncode}: {err!r}")
    s.check(f"{label} > /dev/full: says write error", "write error" in err and
            "No space left on device" in err, repr(err))

# A reader that went away (EPIPE) is a write error too, not a silent success or a SIGPIPE.
r = subprocess.run(["bash", "-c", f"'{cli}' list growth --appends 100000000 | true; "
                    "echo \"${PIPESTATUS[0]}\""], capture_output=True, timeout=120)
s.check("list growth | true: exit 1", r.stdout.strip() == b"1", repr(r.stdout + r.stderr))
s.check("list growth | true: says write error", b"write error" in r.stderr, repr(r.stderr))

# stderr on /dev/full: the message cannot be read, but the exit code still tells.
with open("/dev/full", "wb") as full:
    r = subprocess.run([cli, "crypto", "--help"], stdout=subprocess.PIPE, stderr=full,
                       timeout=60)
s.check("help with stderr on /dev/full still exits 0 (nothing written to stderr)",
        r.returncode == 0, str(r.returncode))
with open("/dev/full", "wb") as full:
    r = subprocess.run([cli, "crypto", "hash", "nosuch", "--text", "a"],
                       stdout=subprocess.PIPE, stderr=full, timeout=60)
s.check("usage error with stderr on /dev/full keeps exit 2", r.returncode == 2,
        str(r.returncode))

s.finish()
