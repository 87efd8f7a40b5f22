#!/usr/bin/env python3
"""The CLI's own contract: version, module listing, unknown module, help."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from faultlib import Suite, run_text  # noqa: E402

cli = sys.argv[1]
suite = Suite("cli")
check = suite.check


def run(*args):
    return run_text([cli, *args])


r = run("--version")
check("version", r.returncode == 0 and r.stdout.startswith("workbench-cli "), r.stdout)
r = run("modules")
check("modules exit", r.returncode == 0, r.stderr)
r = run("no-such-module", "x")
check("unknown module exit", r.returncode == 2, str(r.returncode))
check("unknown module message", "unknown module 'no-such-module'" in r.stderr, r.stderr)
r = run()
check("no args is a usage error", r.returncode == 2 and "Usage" in r.stderr, r.stderr)
r = run("--help")
check("help", r.returncode == 0 and "Usage" in r.stdout, r.stdout)

suite.finish()
