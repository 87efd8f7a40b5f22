#!/usr/bin/env python3
"""The odd/even scenario on a private RabbitMQ node, ours against python3-pika, side by side.

Starts its own node (tests/broker/rabbitmq-node.sh, a folder and port of its own), then runs
each implementation RUNS times, alternating, in two cases. "scenario": two consumer
processes (odds, evens; durable queues, manual ack, the same prefetch) subscribe, then one
producer process publishes COUNT persistent integers to the direct exchange `integers` with
publisher confirms; timed from the producer's start until both consumers have acked their
last message. "backlog": the producer fills the queues first and the node is left SETTLE
seconds; timed is the two consumers draining them. Every run is checked: both consumers print exactly the integers the producer
printed for their key. Prints the medians, the ratios (wall time and the client processes'
CPU time), then stops the node.

  compare_pika.py WORKBENCH_CLI RABBITMQ_TOOL NODE_SCRIPT [--count N] [--runs R]
                  [--prefetch P] [--seed S] [--settle SECONDS] [--port PORT]
                  [--dir DIR] [--url URL]
"""
import argparse
import collections
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PIKA_SCRIPT = os.path.join(HERE, "pika_oddeven.py")


def pika_python():
    """A Python that imports pika: this one, or Debian's (python3-pika installs there)."""
    for exe in (sys.executable, "/usr/bin/python3"):
        if exe and subprocess.run([exe, "-c", "import pika"], capture_output=True).returncode == 0:
            return exe
    return None


class Bench:
    def __init__(self, args, url, python, tmp):
        self.args, self.url, self.python, self.tmp = args, url, python, tmp

    def tool(self, *argv):
        return subprocess.run([self.args.tool, self.url, *argv], capture_output=True, text=True,
                              timeout=60)

    def subscribed(self):
        r = self.tool("depth", "odds", "evens")
        return r.returncode == 0 and [l.split()[1] for l in r.stdout.splitlines()] == ["1", "1"]

    def commands(self, impl, counts):
        a, url = self.args, self.url
        if impl == "ours":
            consumer = lambda q, k: [a.cli, "messaging", "consume", "--broker", url, "--exchange",
                                     "integers", "--queue", q, "--key", k, "--prefetch",
                                     str(a.prefetch), "--count", str(counts[k])]
            producer = [a.cli, "messaging", "produce", "--broker", url, "--exchange",
                        "integers", "--count", str(a.count), "--seed", str(a.seed)]
        else:
            consumer = lambda q, k: [self.python, PIKA_SCRIPT, "consume", url, "integers", q, k,
                                     str(a.prefetch), str(counts[k])]
            producer = [self.python, PIKA_SCRIPT, "produce", url, "integers", str(a.count),
                        str(a.seed)]
        return producer, consumer("odds", "odd"), consumer("evens", "even")

    def start(self, cmd, name):
        """Starts cmd with its output going to files (a pipe read only at the end would
        stall a consumer once the pipe is full); /usr/bin/time writes the process's user +
        system CPU seconds to NAME.cpu."""
        out, err = (open(os.path.join(self.tmp, name + ext), "w") for ext in (".out", ".err"))
        with out, err:
            return subprocess.Popen(["/usr/bin/time", "-f", "%U %S", "-o",
                                     os.path.join(self.tmp, name + ".cpu"), *cmd],
                                    stdout=out, stderr=err)

    def finish(self, proc, name, timeout=600):
        """Waits for proc; returns (exit status, stdout, stderr, CPU seconds)."""
        proc.wait(timeout=timeout)
        texts = []
        for ext in (".out", ".err", ".cpu"):
            with open(os.path.join(self.tmp, name + ext)) as fh:
                texts.append(fh.read())
        return proc.returncode, texts[0], texts[1], sum(float(x) for x in texts[2].split()[-2:])

    def run(self, impl, counts, backlog):
        """One run: the consumers subscribe, then the producer publishes (backlog False);
        or the producer fills the queues first and the consumers are timed draining them
        (backlog True). Returns (seconds, producer seconds, client CPU seconds)."""
        self.tool("delete-queue", "odds", "evens")
        producer, odd, even = self.commands(impl, counts)
        consumers = {}
        try:
            if backlog:
                for queue, key in (("odds", "odd"), ("evens", "even")):
                    self.tool("declare-queue", queue, "durable", "integers", key)
                produced = self.finish(self.start(producer, "producer"), "producer")
                # Consumers that start the moment a burst has been confirmed wait about half a
                # second for the node, whichever client they are; the timed drain starts on
                # a node that has settled.
                time.sleep(self.args.settle)
            start = time.monotonic()
            consumers = {k: self.start(cmd, k) for k, cmd in (("odd", odd), ("even", even))}
            if not backlog:
                deadline = time.monotonic() + 60
                while not self.subscribed():
                    if time.monotonic() > deadline:
                        raise RuntimeError(impl + ": the consumers did not subscribe in 60 s")
                    time.sleep(0.05)
                start = time.monotonic()
                produced = self.finish(self.start(producer, "producer"), "producer")
            produced_at = time.monotonic()
            outputs = {k: self.finish(c, k) for k, c in consumers.items()}
            done = time.monotonic()
        finally:
            for c in consumers.values():
                if c.poll() is None:
                    c.kill()
                    c.wait()
        status, p_out, p_err, client_cpu = produced
        if status != 0:
            raise RuntimeError("%s producer failed: %s" % (impl, p_err.strip()))
        if backlog:
            client_cpu = 0.0
        values = [int(l.split(": ")[1]) for l in p_out.splitlines()]
        for key, (status, out, err, cpu) in outputs.items():
            want = collections.Counter("%s integer: %d" % (key, v) for v in values
                                       if (v % 2 == 1) == (key == "odd"))
            if status != 0 or collections.Counter(out.splitlines()) != want:
                raise RuntimeError("%s %s consumer: exit %d, %d lines, %d expected: %s"
                                   % (impl, key, status, len(out.splitlines()),
                                      sum(want.values()), err.strip()))
            client_cpu += cpu
        return done - start, produced_at - start, client_cpu


def ours_counts(args):
    r = subprocess.run([args.cli, "messaging", "demo", "--broker", "embedded", "--count",
                        str(args.count), "--seed", str(args.seed), "--json"],
                       capture_output=True, text=True, timeout=600)
    q = json.loads(r.stdout)["queues"]
    return {"odd": q["odds"], "even": q["evens"]}


def pika_counts(args):
    rng = random.Random(args.seed)
    odd = sum(rng.randint(1, 100) % 2 for _ in range(args.count))
    return {"odd": odd, "even": args.count - odd}


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cli")
    ap.add_argument("tool")
    ap.add_argument("node_script")
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--prefetch", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--settle", type=float, default=2.0,
                    help="seconds between filling the backlog and timing its drain")
    ap.add_argument("--port", type=int, default=35673)
    ap.add_argument("--dir", default="")
    ap.add_argument("--url", default="", help="use this running node instead of starting one")
    args = ap.parse_args()
    python = pika_python()
    if not python:
        print("compare_pika: python3-pika is not installed (apt-get install python3-pika)",
              file=sys.stderr)
        return 2
    node_dir = args.dir or tempfile.mkdtemp(prefix="wb-pika-node-")
    url = args.url or "amqp://guest:guest@127.0.0.1:%d/" % args.port
    if not args.url:
        print("starting a private RabbitMQ node on 127.0.0.1:%d (%s)" % (args.port, node_dir),
              flush=True)
        if subprocess.run([args.node_script, "start", node_dir, str(args.port)]).returncode:
            return 3
    cases = ("scenario", "backlog")
    times = {(impl, case): [] for impl in ("ours", "pika") for case in cases}
    load_before = os.getloadavg()
    bench = None
    try:
        bench = Bench(args, url, python, tempfile.mkdtemp(prefix="wb-pika-cpu-"))
        counts = {"ours": ours_counts(args), "pika": pika_counts(args)}
        for i in range(args.runs):
            for impl in ("ours", "pika") if i % 2 == 0 else ("pika", "ours"):
                for case in cases:
                    t = bench.run(impl, counts[impl], case == "backlog")
                    times[(impl, case)].append(t)
                    producer = "producer done after %.2f s, " % t[1] if case == "scenario" else ""
                    print("run %d %-4s %-8s %6.2f s  (%sclient CPU %.2f s)"
                          % (i + 1, impl, case, t[0], producer, t[2]), flush=True)
    except RuntimeError as e:
        print("compare_pika: " + str(e), file=sys.stderr)
        return 1
    finally:
        if not args.url:
            subprocess.run([args.node_script, "stop", node_dir])
        if not args.dir:
            shutil.rmtree(node_dir, ignore_errors=True)
        if bench:
            shutil.rmtree(bench.tmp, ignore_errors=True)
    load_after = os.getloadavg()

    print()
    print("odd/even, %d persistent confirmed messages, prefetch %d, %d runs each (medians); "
          "%s, %d CPUs, load average %.1f before, %.1f after"
          % (args.count, args.prefetch, args.runs, cpu_model(), os.cpu_count(),
             load_before[0], load_after[0]))
    labels = {"ours": "workbench-cli (rabbitmq-c)",
              "pika": "python3-pika %s" % pika_version(python)}
    print("| case | client | wall time | msgs/s | producer done after | client CPU |")
    print("|---|---|---|---|---|---|")
    med = {}
    for case, what in (("scenario", "producer + 2 consumers at once"),
                       ("backlog", "2 consumers draining a full backlog")):
        for impl in ("ours", "pika"):
            ts = times[(impl, case)]
            wall = statistics.median(t[0] for t in ts)
            cpu = statistics.median(t[2] for t in ts)
            producer = ("%.2f s" % statistics.median(t[1] for t in ts) if case == "scenario"
                        else "(before)")
            med[(impl, case)] = (wall, cpu)
            print("| %s | %s | %.2f s | %.0f | %s | %.2f s |"
                  % (what, labels[impl], wall, args.count / wall, producer, cpu))
    for case in cases:
        (ow, oc), (pw, pc) = med[("ours", case)], med[("pika", case)]
        print("%s: pika / ours = %.2fx wall time, %.2fx client CPU" % (case, pw / ow, pc / oc))
    return 0


def pika_version(python):
    r = subprocess.run([python, "-c", "import pika; print(pika.__version__)"],
                       capture_output=True, text=True)
    return r.stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
