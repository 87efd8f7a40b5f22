"""Shared helpers of every command-line test: tests/cli/*.py, the modules' CLI suites
(modules/*/tests/*cli*.py) and the GUI binary's (tests/gui/test_*.py).

Each suite runs the real binaries, counts its checks and exits 1 listing every failed one.
A suite outside tests/cli finds this module with:

    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[N] / "tests" / "cli"))
"""
import os
import subprocess
import sys


class Suite:
    def __init__(self, name):
        self.name = name
        self.checks = 0
        self.failures = []

    def check(self, label, cond, detail=""):
        self.checks += 1
        if not cond:
            self.failures.append(f"{label}: {detail}")
        return cond

    def finish(self):
        for f in self.failures:
            print("FAIL", f)
        print(f"{self.name}: {self.checks - len(self.failures)} passed, "
              f"{len(self.failures)} failed")
        sys.exit(1 if self.failures else 0)


def run(argv, stdin=None, timeout=120, env=None, **kw):
    """Runs argv with bytes captured; returns the CompletedProcess."""
    return subprocess.run(argv, input=stdin, capture_output=True, timeout=timeout,
                          env=env, **kw)


def run_text(argv, stdin="", timeout=60, **kw):
    """Runs argv with str stdin/stdout/stderr; returns the CompletedProcess."""
    return subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=timeout,
                          **kw)


def one_sentence(stderr: bytes) -> bool:
    """A refusal: exactly one non-empty line on stderr, printable UTF-8 without escapes."""
    try:
        text = stderr.decode("utf-8")
    except UnicodeDecodeError:
        return False
    lines = [l for l in text.split("\n") if l]
    return len(lines) == 1 and all(ord(c) >= 0x20 or c == "\t" for c in lines[0])


def is_root():
    return os.geteuid() == 0
