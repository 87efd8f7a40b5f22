#!/usr/bin/env python3
"""Fault class "CLI options": every module's commands share wb::cli::Options, which refuses a
repeated option, an option the command does not take and a missing or extra positional
argument with exit 2 and one sentence naming the problem; help marks defaults as optional.

usage: test_fault_usage.py WORKBENCH-CLI
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from faultlib import Suite, one_sentence, run  # noqa: E402

cli = sys.argv[1]
s = Suite("fault/usage")
tmp = tempfile.mkdtemp(prefix="wb-usage-")
pw = os.path.join(tmp, "pw")
with open(pw, "w") as f:
    f.write("secret\n")
plain = os.path.join(tmp, "plain")
with open(plain, "wb") as f:
    f.write(b"hello")


def refused(label, args, *needles, stdin=None):
    r = run([cli, *args], stdin=stdin)
    err = r.stderr.decode("utf-8", "replace")
    ok = s.check(f"{label}: exit 2", r.returncode == 2, f"exit {r.returncode}, stderr {err!r}")
    s.check(f"{label}: one sentence", one_sentence(r.stderr), repr(err))
    for n in needles:
        s.check(f"{label}: names {n!r}", n in err, repr(err))
    s.check(f"{label}: nothing on stdout", r.stdout == b"", repr(r.stdout[:200]))
    return ok


def accepted(label, args, stdin=None):
    r = run([cli, *args], stdin=stdin)
    s.check(f"{label}: exit 0", r.returncode == 0,
            f"exit {r.returncode}: {r.stderr.decode('utf-8', 'replace')!r}")
    return r


# An extra positional argument, wherever a command takes none (or a fixed number).
refused("modules extra", ["modules", "extra"], "unexpected argument 'extra'")
refused("--version extra", ["--version", "x"], "unexpected argument 'x'")
refused("crypto --help extra", ["crypto", "--help", "x"], "unexpected argument 'x'")
refused("threads list extra", ["threads", "list", "x"], "unexpected argument 'x'")
refused("crypto hash two algs", ["crypto", "hash", "md5", "sha1", "--text", "a"],
        "unexpected argument 'sha1'")
refused("crypto encrypt-file three files",
        ["crypto", "encrypt-file", plain, os.path.join(tmp, "o"), "third",
         "--password-file", pw], "unexpected argument 'third'", "IN OUT")
refused("crypto decrypt-file one file", ["crypto", "decrypt-file", plain, "--password-file", pw],
        "IN OUT", "got 1 argument")
refused("crypto rsa genkey positional",
        ["crypto", "rsa", "genkey", "--bits", "512", "--out", os.path.join(tmp, "k"), "extra"],
        "unexpected argument 'extra'")
refused("list growth positional", ["list", "growth", "--appends", "3", "x"],
        "unexpected argument 'x'")
refused("list sort positional", ["list", "sort", "x"], "unexpected argument 'x'", stdin=b"1")
refused("threads run two scenarios", ["threads", "run", "a", "b"], "unexpected argument 'b'")
refused("nova simulate positional",
        ["nova", "simulate", "--requests", "1", "--hosts", "1", "--scheduler", "chance", "x"],
        "unexpected argument 'x'")
refused("nova component two roles", ["nova", "component", "api", "compute",
                                      "--broker", "amqp://u:p@127.0.0.1:1/"],
        "unexpected argument 'compute'")
refused("messaging list-queues positional",
        ["messaging", "list-queues", "--broker", "embedded", "x"], "unexpected argument 'x'")

# An option the command does not use.
refused("decrypt-file --iterations",
        ["crypto", "decrypt-file", plain, os.path.join(tmp, "o"), "--password-file", pw,
         "--iterations", "5000"], "unknown option --iterations", "--password-file")
refused("hash --key", ["crypto", "hash", "md5", "--text", "a", "--key", "00"],
        "unknown option --key")
refused("rsa verify --force", ["crypto", "rsa", "verify", "--key", "k", "--in", "i", "--sig",
                               "s", "--force"], "unknown option --force")
refused("list growth --json", ["list", "growth", "--appends", "3", "--json"],
        "unknown option --json")
refused("threads run --count", ["threads", "run", "deadlock", "--count", "3"],
        "unknown option --count")
refused("nova libvirt-xml --seed", ["nova", "libvirt-xml", "--instance", "1", "--ip",
                                    "10.0.0.3", "--mac", "02:16:3e:00:00:01", "--seed", "1"],
        "unknown option --seed")
refused("messaging demo --queue", ["messaging", "demo", "--broker", "embedded", "--count", "2",
                                   "--queue", "q"], "unknown option --queue")
refused("a switch given a value", ["crypto", "trace", "md5", "--text", "a", "--json=yes"],
        "--json", "takes no value")

# A repeated option, the same value or not: refused, never "the last one wins".
refused("repeated --text", ["crypto", "hash", "md5", "--text", "a", "--text", "b"],
        "--text is given more than once")
refused("repeated --text=", ["crypto", "hash", "md5", "--text=a", "--text=a"],
        "--text is given more than once")
refused("repeated flag", ["crypto", "encrypt-file", plain, os.path.join(tmp, "o"),
                          "--password-file", pw, "--force", "--force"],
        "--force is given more than once")
refused("repeated --appends", ["list", "growth", "--appends", "3", "--appends", "4"],
        "--appends is given more than once")
refused("repeated --seed", ["threads", "run", "deadlock", "--seed", "1", "--seed", "1"],
        "--seed is given more than once")
refused("repeated --hosts", ["nova", "simulate", "--requests", "1", "--hosts", "1", "--hosts",
                             "2", "--scheduler", "chance"], "--hosts is given more than once")
refused("repeated nova.sh variable", ["nova", "novash", "run", "USE_MYSQL=1", "USE_MYSQL=0"],
        "USE_MYSQL is given more than once")
refused("repeated --broker", ["messaging", "list-queues", "--broker", "embedded", "--broker",
                              "embedded"], "--broker is given more than once")

# What remains valid still works: `--` ends options, an option value may look like an option.
r = accepted("-- then a dash-dash file name", ["crypto", "checksum", "--", plain])
s.check("checksum after --", b"hello" not in r.stdout and plain.encode() in r.stdout,
        repr(r.stdout))
r = accepted("value starting with --", ["crypto", "hash", "md5", "--text", "--x"])
import hashlib  # noqa: E402
s.check("md5 of '--x' matches hashlib", r.stdout.decode().strip() ==
        hashlib.md5(b"--x").hexdigest(), repr(r.stdout))

# Help marks what has a default as optional ([...]).
for module, needle in [("list", "[--policy cpython27|cpython311]"),
                       ("crypto", "checksum [--alg ALG]"),
                       ("crypto", "[--iterations N]"),
                       ("messaging", "[--exchange integers]"),
                       ("messaging", "[--seed S]")]:
    r = accepted(f"{module} --help", [module, "--help"])
    s.check(f"{module} help shows {needle}", needle.encode() in r.stdout, "")
r = accepted("crypto --help", ["crypto", "--help"])
s.check("decrypt-file help offers no --iterations",
        all(b"--iterations" not in l for l in r.stdout.splitlines() if b"decrypt-file" in l),
        repr(r.stdout))

s.finish()
