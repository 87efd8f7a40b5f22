#!/usr/bin/env python3
"""A RabbitMQ restart, on CTest's private node (WB_RABBITMQ_URL, restarted through
tests/broker/rabbitmq-node.sh restart NODE_DIR PORT, which keeps the node's data):

1. durable vs transient, as RabbitMQ defines them. Before the restart: `messaging produce`
   publishes N persistent integers with confirms to a durable exchange; the durable queues
   odds/evens and a transient queue (bound with `odd` too) take them; a durable queue takes
   M persistent and M transient messages; a transient exchange is declared. After it: odds
   and evens hold exactly the multisets produced (each message once), the durable queue
   only its M persistent messages, and the transient queue and exchange are gone.
2. producers running while the node restarts: one that may reconnect gets every message
   confirmed (exit 0); the unconfirmed ones it published again may arrive twice, nothing is
   missing. One told not to reconnect (--reconnect 0) exits 3 saying how many of its
   messages were confirmed; every one of those is on the queue after the restart.

Usage: rabbitmq_restart_test.py WORKBENCH_CLI RABBITMQ_TOOL NODE_DIR NODE_SCRIPT. Exit 77
(skipped) without WB_RABBITMQ_URL or the node's folder. The node is running again when the
test ends; everything it created is deleted.
"""
import collections
import os
import re
import subprocess
import sys
import time
import urllib.parse

from rabbitmq_support import check, produced, run_cli, run_tool, finish

CLI, TOOL, NODE_DIR, NODE_SCRIPT = sys.argv[1:5]
URL = os.environ.get("WB_RABBITMQ_URL", "")
RUN = "wb-rs-%d" % os.getpid()
N = 5000          # persistent integers before the restart
M = 300           # persistent and transient messages each on the mixed durable queue
LIVE = 30000      # integers of each producer running through the restart


def cli(*args, timeout=120):
    return run_cli(CLI, *args, timeout=timeout)


def tool(*args, ok=(0,)):
    return run_tool(TOOL, URL, *args, ok=ok)


def depth(queue):
    """Ready messages on `queue`, or None when it does not exist."""
    r = tool("depth", queue, ok=(0, 4))
    return int(r.stdout.split()[0]) if r.returncode == 0 else None


def drain(queue, key, exchange):
    """Everything on the queue, through `messaging consume`, as a multiset of bodies."""
    r = cli("consume", "--broker", URL, "--exchange", exchange, "--queue", queue, "--key", key,
            "--prefetch", "500", "--idle-exit", "2")
    check(r.returncode == 0, "consume %s exits 0 (%s)" % (queue, r.stderr.strip()))
    # "<key> integer: 47" for the integers, "<key> text: p-1" for the other bodies.
    return collections.Counter(l.split(": ", 1)[1] for l in r.stdout.splitlines())


def restart_node():
    port = urllib.parse.urlparse(URL).port
    start = time.monotonic()
    r = subprocess.run([NODE_SCRIPT, "restart", NODE_DIR, str(port)], capture_output=True,
                       text=True, timeout=240)
    check(r.returncode == 0, "the node restarts on its data (%s)"
          % (r.stdout + r.stderr).strip().replace("\n", "; "))
    print("     restart: %.1f s" % (time.monotonic() - start), flush=True)
    return r.returncode == 0


def start_live_producer(exchange, seed, reconnect):
    # Paced so that it is still publishing when the node goes down.
    return subprocess.Popen([CLI, "messaging", "produce", "--broker", URL, "--exchange",
                             exchange, "--count", str(LIVE), "--seed", str(seed), "--rate",
                             "1500", "--reconnect", str(reconnect)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def main():
    if not URL:
        print("skipped: set WB_RABBITMQ_URL=amqp://... (CTest's rabbitmq fixture does)")
        return 77
    if not os.path.isdir(os.path.join(NODE_DIR, "mnesia")):
        print("skipped: %s holds no node to restart" % NODE_DIR)
        return 77
    ex, odds, evens = RUN + "-integers", RUN + "-odds", RUN + "-evens"
    transient_q, mixed, transient_ex = RUN + "-transient-odds", RUN + "-mixed", RUN + "-tx"
    live_ex, live_q, fail_ex, fail_q = (RUN + "-live", RUN + "-live-odds", RUN + "-fail",
                                        RUN + "-fail-odds")
    queues = [odds, evens, transient_q, mixed, live_q, fail_q]
    producers = []
    try:
        # --- before: durable and transient objects, persistent and transient messages ---
        for queue, key, exchange in ((odds, "odd", ex), (evens, "even", ex),
                                     (live_q, "odd", live_ex), (fail_q, "odd", fail_ex)):
            r = cli("consume", "--broker", URL, "--exchange", exchange, "--queue", queue,
                    "--key", key, "--idle-exit", "1")
            check(r.returncode == 0 and r.stdout == "", "declare the durable queue " + queue)
        tool("declare-queue", transient_q, "transient", ex, "odd")
        tool("declare-queue", mixed, "durable", ex, "mixed")
        tool("declare-exchange", transient_ex, "transient")
        p = cli("produce", "--broker", URL, "--exchange", ex, "--count", str(N), "--seed", "3")
        check(p.returncode == 0, "produce %d persistent integers, all confirmed (%s)"
              % (N, p.stderr.strip()))
        values = produced(p.stdout)
        want_odd = collections.Counter(str(v) for v in values if v % 2)
        want_even = collections.Counter(str(v) for v in values if v % 2 == 0)
        tool("publish", ex, "mixed", str(M), "persistent", "p")
        tool("publish", ex, "mixed", str(M), "transient", "t")
        check(depth(odds) == sum(want_odd.values()) and depth(evens) == sum(want_even.values())
              and depth(transient_q) == sum(want_odd.values()) and depth(mixed) == 2 * M,
              "before the restart: odds %d, evens %d, the transient queue %d, mixed %d"
              % (depth(odds), depth(evens), depth(transient_q), depth(mixed)))

        # --- the restart, with two producers publishing through it ---
        live = start_live_producer(live_ex, 21, 40)
        doomed = start_live_producer(fail_ex, 22, 0)
        producers += [live, doomed]
        # Once ~5000 are published, the first confirm window (4096) is behind both.
        deadline = time.monotonic() + 60
        while depth(fail_q) < 2500 and time.monotonic() < deadline:
            time.sleep(0.1)
        check(live.poll() is None and doomed.poll() is None,
              "both live producers are publishing when the node is stopped (%d on %s)"
              % (depth(fail_q), fail_q))
        restarted = restart_node()
        live_out, live_err = live.communicate(timeout=300)
        doomed_out, doomed_err = doomed.communicate(timeout=60)
        if not restarted:
            return 1

        # --- after: durable + persistent survived exactly once, the rest is gone ---
        check(drain(odds, "odd", ex) == want_odd,
              "odds holds exactly the %d persistent odd integers, each once"
              % sum(want_odd.values()))
        check(drain(evens, "even", ex) == want_even,
              "evens holds exactly the %d persistent even integers, each once"
              % sum(want_even.values()))
        check(depth(transient_q) is None, "the transient (non-durable) queue is gone")
        check(tool("exists-exchange", transient_ex, ok=(0, 4)).returncode == 4,
              "the transient exchange is gone")
        check(tool("exists-exchange", ex, ok=(0, 4)).returncode == 0,
              "the durable exchange is still there")
        got = drain(mixed, "mixed", ex)
        check(got == collections.Counter("p-%d" % i for i in range(1, M + 1)),
              "the durable queue kept its %d persistent messages and lost the %d transient "
              "ones (got %d persistent, %d transient)"
              % (M, M, sum(v for k, v in got.items() if k.startswith("p-")),
                 sum(v for k, v in got.items() if k.startswith("t-"))))

        check(live.returncode == 0, "the reconnecting producer got every confirm (exit %d: %s)"
              % (live.returncode, live_err.strip()[-300:]))
        check("reconnecting" in live_err, "it reconnected (%s)" % live_err.strip()[:200])
        live_values = produced(live_out)
        want = collections.Counter(str(v) for v in live_values if v % 2)
        seen = drain(live_q, "odd", live_ex)
        m = re.search(r"published (\d+) unconfirmed messages again", live_err)
        again = int(m.group(1)) if m else 0
        check(len(live_values) == LIVE and not want - seen,
              "nothing it published is missing (%d odd integers, %d missing)"
              % (sum(want.values()), sum((want - seen).values())))
        check(sum((seen - want).values()) <= again,
              "duplicates only among the %d it published again (%d)"
              % (again, sum((seen - want).values())))

        m = re.search(r"the first (\d+) printed are confirmed", doomed_err)
        check(doomed.returncode == 3 and m and "not reconnecting" in doomed_err,
              "the producer with --reconnect 0 exits 3 saying how far it got (%s)"
              % doomed_err.strip())
        if m:
            confirmed = int(m.group(1))
            doomed_values = produced(doomed_out)
            sure = collections.Counter(str(v) for v in doomed_values[:confirmed] if v % 2)
            seen = drain(fail_q, "odd", fail_ex)
            check(0 < confirmed < LIVE and not sure - seen,
                  "the %d messages confirmed before the restart are all there (%d odd, "
                  "%d missing)" % (confirmed, sum(sure.values()), sum((sure - seen).values())))
            check(not seen - collections.Counter(str(v) for v in doomed_values if v % 2),
                  "and nothing it did not publish")
    finally:
        for proc in producers:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        tool("delete-queue", *queues, ok=(0, 3))
        tool("delete-exchange", ex, live_ex, fail_ex, transient_ex, ok=(0, 3))
    return finish()


if __name__ == "__main__":
    sys.exit(main())
