#!/usr/bin/env python3
"""Applies list operations to a real Python list and reports what sys.getsizeof reveals.

stdin: one operation per line: new | append V | insert I V | pop | pop I | remove V |
       extend V... | del I J | assign I J V... | clear | reverse
stdout: one line per operation: "<len> <allocated> <exception or ->" where allocated is
        (sys.getsizeof(l) - sys.getsizeof([])) / pointer size.
"""
import struct
import sys

PTR = struct.calcsize("P")
EMPTY = sys.getsizeof([])


def allocated(lst):
    return (sys.getsizeof(lst) - EMPTY) // PTR


def main():
    lst = []
    out = []
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        op, args = words[0], [int(w) for w in words[1:]]
        error = "-"
        try:
            if op == "new":
                lst = []
            elif op == "append":
                lst.append(args[0])
            elif op == "insert":
                lst.insert(args[0], args[1])
            elif op == "pop":
                lst.pop(*args)
            elif op == "remove":
                lst.remove(args[0])
            elif op == "extend":
                lst.extend(list(args))
            elif op == "del":
                del lst[args[0]:args[1]]
            elif op == "assign":
                lst[args[0]:args[1]] = list(args[2:])
            elif op == "clear":
                lst.clear()
            elif op == "reverse":
                lst.reverse()
            else:
                raise SystemExit("unknown op " + op)
        except (IndexError, ValueError) as e:
            error = type(e).__name__
        out.append(f"{len(lst)} {allocated(lst)} {error}")
    sys.stdout.write("\n".join(out) + ("\n" if out else ""))


main()
