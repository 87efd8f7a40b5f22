#!/usr/bin/env python3
"""Fault class "interrupted file encryption": SIGINT, SIGTERM or SIGHUP in the middle of
encrypt-file or decrypt-file removes the hidden `.OUT.tmp-PID-XXXXXX` file (for decrypt:
partial plaintext) and the process still dies of that signal; after SIGKILL the temporary
stays, and the next run writing into that folder removes it, and only it (not a live
process's, not a name of another pattern).

usage: test_fault_signals.py WORKBENCH-CLI
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from faultlib import Suite, run  # noqa: E402

cli = sys.argv[1]
s = Suite("fault/signals")
tmp = tempfile.mkdtemp(prefix="wb-signals-")
pw = os.path.join(tmp, "pw")
with open(pw, "w") as f:
    f.write("correct horse\n")
# Large enough that encryption takes seconds; sparse, so it costs no disk to make.
big = os.path.join(tmp, "big")
with open(big, "wb") as f:
    f.truncate(96 << 20)
PATTERN = re.compile(r"^\..+\.tmp-(\d+)-[A-Za-z0-9]{6}$")


def temporaries(folder):
    return [n for n in os.listdir(folder) if ".tmp-" in n]


def start_and_wait_for_temporary(argv, folder, min_bytes=1 << 20, timeout=60):
    """Starts argv; returns (process, temporary name) once the temporary holds min_bytes."""
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and p.poll() is None:
        for name in temporaries(folder):
            try:
                if os.path.getsize(os.path.join(folder, name)) >= min_bytes:
                    return p, name
            except FileNotFoundError:
                pass
        time.sleep(0.01)
    return p, None


sealed = os.path.join(tmp, "big.sealed")
r = run([cli, "crypto", "encrypt-file", big, sealed, "--password-file", pw,
         "--iterations", "1000"], timeout=600)
s.check("setup: encrypt the big file", r.returncode == 0, repr(r.stderr))

for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    for command, source in (("encrypt-file", big), ("decrypt-file", sealed)):
        out = os.path.join(tmp, f"out-{command}-{sig.name}")
        label = f"{command} + {sig.name}"
        p, name = start_and_wait_for_temporary(
            [cli, "crypto", command, source, out, "--password-file", pw], tmp)
        if not s.check(f"{label}: a temporary appeared mid-run", name is not None,
                       f"exit {p.poll()}"):
            p.kill()
            p.wait()
            continue
        m = PATTERN.match(name)
        s.check(f"{label}: temporary named .OUT.tmp-PID-XXXXXX with the writer's pid",
                m is not None and int(m.group(1)) == p.pid and
                name.startswith("." + os.path.basename(out) + ".tmp-"), name)
        p.send_signal(sig)
        _, err = p.communicate(timeout=60)
        s.check(f"{label}: dies of {sig.name}", p.returncode == -sig,
                f"exit {p.returncode}: {err!r}")
        s.check(f"{label}: temporary removed", temporaries(tmp) == [], temporaries(tmp))
        s.check(f"{label}: no output", not os.path.exists(out), out)

# SIGKILL cannot be caught: the temporary stays until the next writer in the folder.
out = os.path.join(tmp, "killed")
p, name = start_and_wait_for_temporary(
    [cli, "crypto", "encrypt-file", big, out, "--password-file", pw], tmp)
if s.check("SIGKILL: a temporary appeared mid-run", name is not None):
    p.kill()
    p.wait()
    s.check("SIGKILL: the temporary is left behind", temporaries(tmp) == [name],
            temporaries(tmp))
    # Decoys the sweep must keep: a live pid's temporary, and names of other patterns.
    live = f".other.tmp-{os.getpid()}-abcdef"
    others = [live, ".other.tmp-abcdef", "other.tmp-1-abcdef", ".other.tmp-99x-abcdef"]
    for n in others:
        open(os.path.join(tmp, n), "w").close()
    small = os.path.join(tmp, "small")
    with open(small, "w") as f:
        f.write("small\n")
    r = run([cli, "crypto", "encrypt-file", small, os.path.join(tmp, "small.sealed"),
             "--password-file", pw, "--iterations", "1000"])
    s.check("next run in the folder: exit 0", r.returncode == 0, repr(r.stderr))
    s.check("next run removed the dead writer's temporary",
            not os.path.exists(os.path.join(tmp, name)), name)
    s.check("next run kept the live pid's and other names",
            all(os.path.exists(os.path.join(tmp, n)) for n in others),
            sorted(os.listdir(tmp)))

s.finish()
