#!/usr/bin/env python3
"""Sorts keyed records with list.sort and counts the __lt__ calls it makes.

stdin: one case per line, whitespace-separated integer keys (an empty line is an empty case).
stdout: two lines per case: the number of comparisons, then the original indices of the
        records in sorted order (equal keys keep their order: that is the stability check).
"""
import sys

calls = 0


class Rec:
    __slots__ = ("key", "index")

    def __init__(self, key, index):
        self.key = key
        self.index = index

    def __lt__(self, other):
        global calls
        calls += 1
        return self.key < other.key


def main():
    global calls
    out = []
    for line in sys.stdin.read().split("\n")[:-1]:
        recs = [Rec(int(k), i) for i, k in enumerate(line.split())]
        calls = 0
        recs.sort()
        out.append(str(calls))
        out.append(" ".join(str(r.index) for r in recs))
    sys.stdout.write("\n".join(out) + ("\n" if out else ""))


main()
