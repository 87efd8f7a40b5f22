#!/usr/bin/env python3
"""workbench-cli messaging: the forms of issue 6, their output and their errors."""
import json
import pathlib
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests" / "cli"))
from faultlib import Suite, run_text  # noqa: E402

cli = sys.argv[1]
suite = Suite("messaging/cli")
check = suite.check


def run(*args, timeout=60):
    return run_text([cli, "messaging", *args], timeout=timeout)


r = run("demo", "--broker", "embedded", "--count", "200", "--seed", "7", "--json")
check("demo exit", r.returncode == 0, r.stderr)
try:
    j = json.loads(r.stdout)
    check("demo published", j["published"] == 200, r.stdout)
    check("demo queues", j["queues"]["odds"] + j["queues"]["evens"] == 200, r.stdout)
    check("demo clean", j["misrouted"] == 0 and j["lost"] == 0 and j["duplicates"] == 0,
          r.stdout)
    r2 = run("demo", "--broker", "embedded", "--count", "200", "--seed", "7", "--json")
    j2 = json.loads(r2.stdout)
    check("demo deterministic", j["queues"] == j2["queues"] and j["first"] == j2["first"],
          r2.stdout)
    check("first values in range", all(1 <= v <= 100 for v in j["first"]), r.stdout)
except (ValueError, KeyError) as e:
    check("demo json", False, f"{e}: {r.stdout}")

r = run("demo", "--broker", "embedded", "--count", "4", "--seed", "1")
check("demo text exit", r.returncode == 0, r.stderr)
lines = r.stdout.splitlines()
produced = [l for l in lines if l.startswith("integer: ")]
odd = [l for l in lines if l.startswith("odd integer: ")]
even = [l for l in lines if l.startswith("even integer: ")]
check("demo text lines", len(produced) == 4 and len(odd) + len(even) == 4, r.stdout)
for l in odd:
    check("odd line is odd", int(l.split(": ")[1]) % 2 == 1, l)
for l in even:
    check("even line is even", int(l.split(": ")[1]) % 2 == 0, l)

r = run("list-exchanges", "--broker", "embedded")
check("list-exchanges exit", r.returncode == 0, r.stderr)
check("default exchange row", "\n\tdirect\n" in r.stdout, r.stdout)
check("amq.match row", "amq.match\theaders" in r.stdout, r.stdout)

with tempfile.TemporaryDirectory() as d:
    r = run("list-queues", "--broker", "embedded", "--data", d, "--json")
    check("list-queues empty", r.returncode == 0 and json.loads(r.stdout) == [], r.stdout)

start = time.monotonic()
r = run("produce", "--broker", "amqp://guest:guest@127.0.0.1:1/", "--exchange", "integers",
        "--count", "3")
check("unreachable exit", r.returncode == 3, str(r.returncode))
check("unreachable names broker", "127.0.0.1:1" in r.stderr, r.stderr)
check("unreachable fast", time.monotonic() - start < 6, "took too long")

r = run("consume", "--broker", "embedded", "--queue", "odds", "--key", "odd")
check("consume embedded explains", r.returncode == 2 and "one process" in r.stderr, r.stderr)
r = run("demo", "--broker", "http://x", "--count", "3", "--seed", "1")
check("bad url", r.returncode == 2 and "amqp://" in r.stderr, r.stderr)
r = run("demo", "--broker", "embedded", "--count", "lots", "--seed", "1")
check("bad count", r.returncode == 2 and "--count" in r.stderr, r.stderr)
r = run("demo", "--broker", "embedded", "--count", "3", "--sede", "1")
check("unknown option", r.returncode == 2, r.stderr)
r = run("frobnicate")
check("unknown command", r.returncode == 2 and "unknown command" in r.stderr, r.stderr)
r = run("--help")
check("help", r.returncode == 0 and "list-queues" in r.stdout, r.stdout)

suite.finish()
