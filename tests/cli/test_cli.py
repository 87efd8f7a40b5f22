#!/usr/bin/env python3
"""The CLI's own contract: version, module listing, unknown module, help."""
import subprocess
import sys

cli = sys.argv[1]
failures = []
checks = 0


def run(*args):
    return subprocess.run([cli, *args], capture_output=True, text=True, timeout=60)


def check(name, cond, detail=""):
    global checks
    checks += 1
    if not cond:
        failures.append(f"{name}: {detail}")


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

for f in failures:
    print("FAIL", f)
print(f"{checks - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
