"""Measures the tracer's cost: each workload untraced and traced, in one run.

Usage: python3 python/tests/bench_overhead.py [repeats]
Prints, per workload, the best CPU time (user + system) of the whole process and of the loop
alone (the script reports its own loop's process time on stderr), untraced and traced, and
their ratios. CPU time rather than wall time, so that other work on the machine disturbs the
figures less; the tracer's writes to the pipe are counted, the reader's are not.
"""

import os
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(HERE)

WORKLOADS = {
    "100000 list appends": """
import sys, time
t0 = time.process_time()
a = []
for i in range(100000):
    a.append(i)
sys.stderr.write("loop %.6f\\n" % (time.process_time() - t0))
""",
    "100000 lock acquire/release pairs": """
import sys, threading, time
lock = threading.Lock()
t0 = time.process_time()
for i in range(100000):
    lock.acquire()
    lock.release()
sys.stderr.write("loop %.6f\\n" % (time.process_time() - t0))
""",
}


def run(cmd):
    env = dict(os.environ, PYTHONPATH=PACKAGE_ROOT)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise SystemExit("failed: %s\n%s" % (cmd, proc.stderr.decode()))
    loop = float(proc.stderr.decode().split("loop ")[1].split()[0])
    return cpu, loop, len(proc.stdout)


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    py = sys.executable
    print("python %s, %s" % (sys.version.split()[0], py))
    with tempfile.TemporaryDirectory() as tmp:
        for name, source in WORKLOADS.items():
            path = os.path.join(tmp, "w.py")
            with open(path, "w") as f:
                f.write(source)
            plain = min(run([py, path]) for _ in range(repeats))
            traced = min(run([py, "-m", "wbtrace", path]) for _ in range(repeats))
            print("%s: process %.3f s -> %.3f s (x%.1f); loop %.4f s -> %.4f s (x%.1f); "
                  "%d bytes of events" % (name, plain[0], traced[0], traced[0] / plain[0],
                                          plain[1], traced[1], traced[1] / plain[1],
                                          traced[2]))


if __name__ == "__main__":
    main()
