#!/usr/bin/env python3
"""End-to-end: `workbench-cli list growth|sort|ops` in the issue's exact forms, checked
against the brief's numbers and against this python3 (sorted output, comparison counts)."""
import json
import pathlib
import random
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[4] / "tests" / "cli"))
from faultlib import Suite, run_text  # noqa: E402

cli = sys.argv[1]
suite = Suite("list/cli")
check = suite.check


def run(*args, stdin=""):
    return run_text([cli, "list", *args], stdin=stdin)


# growth: one "<size> <allocated>" line per reallocation.
r = run("growth", "--policy", "cpython27", "--appends", "130")
want = [(1, 4), (5, 8), (9, 16), (17, 25), (26, 35), (36, 46), (47, 58), (59, 72), (73, 88),
        (89, 106), (107, 126), (127, 148)]
got = [tuple(map(int, line.split())) for line in r.stdout.split("\n") if line]
check("growth cpython27", r.returncode == 0 and got == want, r.stdout + r.stderr)

lst, seen, expected = [], None, []
empty = sys.getsizeof([])
for i in range(2000):
    lst.append(i)
    alloc = (sys.getsizeof(lst) - empty) // 8
    if alloc != seen:
        expected.append((len(lst), alloc))
        seen = alloc
r = run("growth", "--policy", "cpython311", "--appends", "2000")
got = [tuple(map(int, line.split())) for line in r.stdout.split("\n") if line]
check("growth cpython311 vs python3", r.returncode == 0 and got == expected,
      f"{got[:6]} vs {expected[:6]}")

# sort: sorted output; --json with minrun, runs, merges, comparisons, sorted.
example = ("107 44 97 121 26 11 24 100 79 19 109 7 52 93 70 94 124 117 92 32 115 83 9 112 84 "
           "22 65 95 89 74 64 23 101 68 119 127 90 80 91 75 4 20 114 16 103 34 96 125 47 77 81 "
           "3 30 14 25 29 104 102 98 69 78 60 33 12 31 37 76 10 5 105 35 48 85 106 63 71 54 39 "
           "8 6 62 67 42 72 118 116 27 46 38 99 126 40 28 113 43 41 59 2 56 61 88 18 45 128 58 "
           "73 1 13 129 49 0 82 123 111 57 86 110 51 15 36 120 108 66 55 53 87 122 17 21 50")
r = run("sort", "--policy", "cpython311", stdin=example)
check("sort text", r.returncode == 0 and r.stdout.split() == [str(i) for i in range(130)],
      r.stdout[:80] + r.stderr)
for policy in ("cpython311", "cpython27"):
    r = run("sort", "--policy", policy, "--json", stdin=example)
    try:
        doc = json.loads(r.stdout)
    except ValueError:
        doc = {}
    check(f"sort json {policy} keys",
          list(doc) == ["minrun", "runs", "merges", "comparisons", "sorted"], r.stdout[:200])
    check(f"sort json {policy} minrun", doc.get("minrun") == 33)
    check(f"sort json {policy} runs",
          [(x["start"], x["natural_length"], x["length"], x["descending"])
           for x in doc.get("runs", [])] ==
          [(0, 2, 33, True), (33, 3, 33, False), (66, 3, 33, True), (99, 2, 31, False)],
          str(doc.get("runs")))
    check(f"sort json {policy} merges",
          [(m["base"], m["length_a"], m["length_b"], m["length"])
           for m in doc.get("merges", [])] == [(0, 33, 33, 66), (66, 33, 31, 64),
                                               (0, 66, 64, 130)], str(doc.get("merges")))
    check(f"sort json {policy} sorted", doc.get("sorted") == list(range(130)))


class Counted:
    calls = 0

    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        Counted.calls += 1
        return self.v < other.v


rng = random.Random(7)
data = [rng.randrange(-10**12, 10**12) for _ in range(5000)]
objs = [Counted(v) for v in data]
Counted.calls = 0
objs.sort()
r = run("sort", "--policy", "cpython311", "--json", stdin=" ".join(map(str, data)))
doc = json.loads(r.stdout) if r.returncode == 0 else {}
check("sort comparisons vs python3", doc.get("comparisons") == Counted.calls,
      f"{doc.get('comparisons')} vs {Counted.calls}")
check("sort order vs python3", doc.get("sorted") == sorted(data))
r = run("sort", stdin="")
check("sort empty input", r.returncode == 0 and r.stdout.strip() == "", r.stderr)

# ops: the worked example, one JSON line per op.
r = run("ops", "--policy", "cpython27", "append 1", "append 2", "append 3", "append 4",
        "insert 1 5", "pop", "pop", "remove 5")
lines = [json.loads(x) for x in r.stdout.split("\n") if x]
check("ops worked example",
      [(x["size"], x["allocated"], x["items"]) for x in lines] ==
      [(1, 4, [1]), (2, 4, [1, 2]), (3, 4, [1, 2, 3]), (4, 4, [1, 2, 3, 4]),
       (5, 8, [1, 5, 2, 3, 4]), (4, 8, [1, 5, 2, 3]), (3, 6, [1, 5, 2]), (2, 5, [1, 2])],
      r.stdout + r.stderr)
r = run("ops", "--policy", "cpython311", "append 1", "append 5", "insert 1 5", "pop", "remove 5")
lines = [json.loads(x) for x in r.stdout.split("\n") if x]
check("ops cpython311", r.returncode == 0 and lines[-1]["items"] == [1], r.stdout + r.stderr)

# Bad input: a clear sentence, a non-zero exit, never a crash.
bad = [
    (("ops", "--policy", "cpython27", "pop"), 1, "IndexError: pop from empty list"),
    (("ops", "--policy", "cpython27", "append 1", "pop 3"), 1, "IndexError: pop index out of range"),
    (("ops", "--policy", "cpython27", "remove 5"), 1, "ValueError: list.remove(x): x not in list"),
    (("ops", "--policy", "cpython27", "append x"), 2, "not an integer"),
    (("ops", "--policy", "cpython27", "frobnicate 1"), 2, "unknown operation"),
    (("ops", "--policy", "cpython99", "pop"), 2, "unknown policy"),
    (("growth", "--policy", "cpython27", "--appends", "ten"), 2, "--appends"),
    (("growth", "--policy", "cpython27"), 2, "--appends"),
    (("growth", "--bogus"), 2, "unknown option"),
    (("sideways",), 2, "unknown command"),
]
for args, code, text in bad:
    r = run(*args)
    check("bad " + " ".join(args), r.returncode == code and text in r.stderr,
          f"exit {r.returncode}, stderr {r.stderr!r}")
r = run("sort", "--policy", "cpython311", stdin="3 1 two 4")
check("sort non-integer token", r.returncode == 2 and "'two'" in r.stderr, r.stderr)
r = run("sort", "--policy", "cpython311", stdin="99999999999999999999")
check("sort out of range", r.returncode == 2 and "not a 64-bit integer" in r.stderr, r.stderr)

suite.finish()
