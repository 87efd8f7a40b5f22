#!/usr/bin/env python3
"""Fault class "outputs": a command that writes a file never replaces something that is not a
regular file (a device, a named pipe, a directory: refused with exit 2, the thing untouched,
even as root with --force), and a write that fails (full filesystem, file size limit) exits
non-zero with the old file byte for byte as it was and no temporary left behind.

The full filesystem is a 64 KiB tmpfs this test mounts (and always unmounts) when it runs as
root; the file size limit is `ulimit -f` in a subshell.

usage: test_fault_output_targets.py WORKBENCH-CLI
"""
import hashlib
import os
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from faultlib import Suite, is_root, one_sentence, run  # noqa: E402

cli = sys.argv[1]
s = Suite("fault/output-targets")
tmp = tempfile.mkdtemp(prefix="wb-targets-")
pw = os.path.join(tmp, "pw")
with open(pw, "w") as f:
    f.write("correct horse\n")
plain = os.path.join(tmp, "plain")
with open(plain, "wb") as f:
    f.write(os.urandom(200_000))
sealed = os.path.join(tmp, "sealed")
r = run([cli, "crypto", "encrypt-file", plain, sealed, "--password-file", pw,
         "--iterations", "1000"])
s.check("setup: encrypt-file", r.returncode == 0, repr(r.stderr))
key = os.path.join(tmp, "key.pem")
r = run([cli, "crypto", "rsa", "genkey", "--bits", "512", "--out", key])
s.check("setup: rsa genkey", r.returncode == 0, repr(r.stderr))


def temporaries(folder):
    return [n for n in os.listdir(folder) if ".tmp-" in n]


fifo = os.path.join(tmp, "fifo")
os.mkfifo(fifo)
folder = os.path.join(tmp, "folder")
os.mkdir(folder)

# Each writing command, at each kind of non-regular target.
writers = {
    "encrypt-file": lambda out: ["crypto", "encrypt-file", plain, out, "--password-file", pw,
                                 "--iterations", "1000", "--force"],
    "decrypt-file": lambda out: ["crypto", "decrypt-file", sealed, out, "--password-file", pw,
                                 "--force"],
    "rsa genkey": lambda out: ["crypto", "rsa", "genkey", "--bits", "512", "--out", out,
                               "--force"],
    "rsa pubkey": lambda out: ["crypto", "rsa", "pubkey", "--key", key, "--out", out, "--force"],
    "rsa sign": lambda out: ["crypto", "rsa", "sign", "--key", key, "--in", plain, "--out", out,
                             "--force"],
}
targets = {"/dev/null": "a character device", fifo: "a named pipe",
           folder: "a directory"}
for name, argv in writers.items():
    for target, kind in targets.items():
        before = os.stat(target)
        r = run([cli, *argv(target)], timeout=60)
        err = r.stderr.decode("utf-8", "replace")
        label = f"{name} -> {target}"
        s.check(f"{label}: exit 2", r.returncode == 2, f"exit {r.returncode}: {err!r}")
        s.check(f"{label}: says it is {kind}", kind in err, repr(err))
        s.check(f"{label}: one sentence", one_sentence(r.stderr), repr(err))
        after = os.stat(target)
        s.check(f"{label}: untouched", stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode)
                and after.st_ino == before.st_ino and after.st_mode == before.st_mode,
                f"{oct(before.st_mode)} -> {oct(after.st_mode)}")
s.check("no temporaries beside the fifo", temporaries(tmp) == [], temporaries(tmp))
s.check("/dev/null is still a character device", stat.S_ISCHR(os.stat("/dev/null").st_mode))


def old_file_survives(label, folder, argv_for, ulimit_blocks=None):
    """Writes over an existing file in `folder` where the write cannot complete."""
    old = os.path.join(folder, "out")
    with open(old, "wb") as f:
        f.write(b"the old content, which must survive\n")
    digest = hashlib.sha256(open(old, "rb").read()).hexdigest()
    argv = [cli, *argv_for(old)]
    if ulimit_blocks is None:
        r = run(argv, timeout=120)
    else:
        quoted = " ".join("'" + a.replace("'", "'\\''") + "'" for a in argv)
        r = run(["bash", "-c", f"ulimit -f {ulimit_blocks}; exec {quoted}"], timeout=120)
    err = r.stderr.decode("utf-8", "replace")
    s.check(f"{label}: non-zero exit", r.returncode not in (0, None) and r.returncode > 0,
            f"exit {r.returncode}: {err!r}")
    s.check(f"{label}: one sentence", one_sentence(r.stderr), repr(err))
    s.check(f"{label}: old file untouched",
            hashlib.sha256(open(old, "rb").read()).hexdigest() == digest, "")
    s.check(f"{label}: no temporary left", temporaries(folder) == [], temporaries(folder))
    return r


# A full filesystem: a 64 KiB tmpfs holding a 200 KB encryption cannot finish.
if is_root():
    mnt = os.path.join(tmp, "small")
    os.mkdir(mnt)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs",
                              mnt]).returncode == 0
    try:
        if s.check("mount a 64 KiB tmpfs", mounted):
            r = old_file_survives("encrypt-file on a full tmpfs", mnt, writers["encrypt-file"])
            s.check("full tmpfs: exit 3 and ENOSPC", r.returncode == 3 and
                    b"No space left on device" in r.stderr, repr(r.stderr))
            old_file_survives("decrypt-file on a full tmpfs", mnt, writers["decrypt-file"])
            # Fill it up entirely: even a small key no longer fits.
            fd = os.open(os.path.join(mnt, "filler"), os.O_WRONLY | os.O_CREAT, 0o600)
            try:
                while os.write(fd, b"x" * 4096) > 0:
                    pass
            except OSError:
                pass
            os.close(fd)
            old_file_survives("rsa genkey on a full tmpfs", mnt, writers["rsa genkey"])
    finally:
        if mounted:
            subprocess.run(["umount", mnt])
else:
    print("not root: the tmpfs case is covered by the ulimit -f cases only")

# A file size limit: 64 blocks of 1 KiB; the write fails with EFBIG (SIGXFSZ is ignored).
r = old_file_survives("encrypt-file under ulimit -f 64", tmp, writers["encrypt-file"], 64)
s.check("ulimit -f: exit 3, File too large", r.returncode == 3 and b"File too large" in r.stderr,
        repr(r.stderr))
old_file_survives("decrypt-file under ulimit -f 64", tmp, writers["decrypt-file"], 64)

s.finish()
