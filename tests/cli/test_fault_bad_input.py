#!/usr/bin/env python3
"""Fault class "bad input files and bytes": an oversized password file, a directory where a
file is expected, a byte-order mark or binary garbage in a text input are one plain sentence
and exit 2; bytes from the user's input never reach the terminal raw (they are shown as
\\xNN), and --json output is valid UTF-8 whatever bytes went in.

usage: test_fault_bad_input.py WORKBENCH-CLI
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from faultlib import Suite, one_sentence, run  # noqa: E402

cli = sys.argv[1]
s = Suite("fault/bad-input")
tmp = tempfile.mkdtemp(prefix="wb-input-")
plain = os.path.join(tmp, "plain")
with open(plain, "wb") as f:
    f.write(b"hello")


def refused(label, argv, *needles, stdin=None, code=2):
    r = run([cli, *argv], stdin=stdin)
    err = r.stderr.decode("utf-8", "replace")
    s.check(f"{label}: exit {code}", r.returncode == code, f"exit {r.returncode}: {err!r}")
    s.check(f"{label}: one plain sentence", one_sentence(r.stderr), repr(r.stderr))
    for n in needles:
        s.check(f"{label}: says {n!r}", n in err, repr(err))
    return r


def password_file(name, content=None, size=None):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        if content is not None:
            f.write(content)
        if size is not None:
            f.truncate(size)
    return path


def encrypt_with(pw, stdin=None):
    return ["crypto", "encrypt-file", plain, os.path.join(tmp, "out"), "--password-file", pw,
            "--iterations", "1000"]


# Password files.
refused("1 GiB password file", encrypt_with(password_file("huge", size=1 << 30)),
        "password file is 1.0 GiB; expected a short passphrase")
refused("5000-byte password file", encrypt_with(password_file("long", b"x" * 5000)),
        "password file is 4.9 KiB")
refused("over 4 KiB through a pipe", encrypt_with("/dev/stdin"),
        "password file is over 4.0 KiB", stdin=b"y" * 10000)
refused("password file is a directory", encrypt_with(tmp), "is a directory")
refused("password file with a BOM", encrypt_with(password_file("bom", b"\xef\xbb\xbfpw\n")),
        "byte-order mark")
refused("password file with a NUL", encrypt_with(password_file("nul", b"pass\x00word\n")),
        "binary data (byte \\x00 at offset 4)")
refused("password file with invalid UTF-8",
        encrypt_with(password_file("latin1", b"caf\xe9\n")),
        "binary data (byte \\xe9 at offset 3)")
refused("missing password file", encrypt_with(os.path.join(tmp, "nosuch")),
        "cannot open the password file", code=3)
r = run([cli, *encrypt_with("/dev/stdin")], stdin=b"from a pipe\n")
s.check("a short passphrase through a pipe works", r.returncode == 0, repr(r.stderr))
os.unlink(os.path.join(tmp, "out"))
r = run([cli, *encrypt_with(password_file("utf8", "pässwörd\n".encode()))])
s.check("a UTF-8 passphrase works", r.returncode == 0, repr(r.stderr))

# Other files where a file is expected.
refused("checksum of a directory", ["crypto", "checksum", tmp], "is a directory", code=3)
refused("encrypt-file input is a directory",
        ["crypto", "encrypt-file", tmp, os.path.join(tmp, "o2"), "--password-file",
         password_file("ok", b"pw\n")], "not a regular file", code=3)
refused("threads script is a directory",
        ["threads", "run", "playground", "--script", tmp], "is a directory")
refused("threads script with a BOM",
        ["threads", "run", "playground", "--script",
         password_file("bom.script", b"\xef\xbb\xbflock A\nT1: acquire A; release A\n")],
        "byte-order mark")
refused("threads script of binary garbage",
        ["threads", "run", "playground", "--script",
         password_file("garbage.script", bytes(range(256)))], "binary data")
refused("list sort of binary garbage", ["list", "sort"], "is not a 64-bit integer",
        stdin=b"1 2 \x1b[2J\xff\xfe 3")

# User bytes are never echoed raw: escape sequences and invalid UTF-8 become \xNN.
evil = "\x1b[31mRED\x07"
for label, argv in [("unknown hash", ["crypto", "hash", evil, "--text", "a"]),
                    ("unknown option", ["crypto", "hash", "md5", "--" + evil]),
                    ("unknown module", [evil, "x"]),
                    ("unknown list op", ["list", "ops", "append \x1b]0;title\x07"]),
                    ("unknown scenario", ["threads", "run", evil]),
                    ("unknown nova command", ["nova", evil])]:
    r = run([cli, *argv])
    s.check(f"{label}: exit 2", r.returncode == 2, f"exit {r.returncode}")
    s.check(f"{label}: no raw ESC/BEL on stderr",
            b"\x1b" not in r.stderr and b"\x07" not in r.stderr, repr(r.stderr))
    s.check(f"{label}: shown as \\x1b", b"\\x1b" in r.stderr, repr(r.stderr))
r = subprocess.run([cli.encode(), b"crypto", b"hash", b"\xff\xfe", b"--text", b"a"],
                   capture_output=True)
s.check("invalid UTF-8 argument: shown as \\xff\\xfe", b"\\xff\\xfe" in r.stderr and
        b"\xff" not in r.stderr, repr(r.stderr))
r = subprocess.run([cli.encode(), b"crypto", b"hash", "é".encode(), b"--text", b"a"],
                   capture_output=True)
s.check("valid UTF-8 argument: shown as itself", "'é'".encode() in r.stderr, repr(r.stderr))
odd = os.path.join(tmp, "two\nlines")
with open(odd, "w") as f:
    f.write("x")
r = run([cli, "crypto", "checksum", odd])
s.check("checksum: a newline in a file name is escaped",
        r.returncode == 0 and r.stdout.count(b"\n") == 1 and b"two\\x0alines" in r.stdout,
        repr(r.stdout))

# --json output is valid UTF-8 whatever the input held.
script = b"lock A\nT1: acquire A; print caf\xe9 \xff\xfe ok \xc3\xa9; release A\n"
r = subprocess.run([cli.encode(), b"threads", b"run", b"playground", b"--script-text", script,
                    b"--json", b"--seed", b"1"], capture_output=True, timeout=120)
ok = s.check("playground with invalid UTF-8: exit 0", r.returncode == 0, repr(r.stderr))
if ok:
    try:
        doc = json.loads(r.stdout.decode("utf-8", "strict"))
        console = "\n".join(doc["console"])
        s.check("playground --json: bad bytes shown as \\xNN text", "caf\\xe9 \\xff\\xfe ok é"
                in console, repr(console))
    except (UnicodeDecodeError, ValueError) as e:
        s.check("playground --json is valid UTF-8 JSON", False, f"{e}: {r.stdout[:300]!r}")
r = subprocess.run([cli.encode(), b"list", b"ops", b"append 1"], capture_output=True)
s.check("list ops --json parses", r.returncode == 0 and
        json.loads(r.stdout.decode("utf-8", "strict").splitlines()[0])["op"] == "append 1",
        repr(r.stdout))

s.finish()
