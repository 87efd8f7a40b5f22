#!/usr/bin/env python3
"""Separate processes against a real RabbitMQ node (CTest's private one, WB_RABBITMQ_URL):

1. the odd/even scenario with 10,000 messages: one `messaging produce` and two
   `messaging consume` processes; each queue gets exactly the multiset of odd / even
   integers the producer printed;
2. a consumer process killed with SIGKILL while it holds unacknowledged deliveries: a second
   consumer gets them (redelivered), so nothing the producer published is lost;
3. the CLI's messages for list-* on a URL and for a broker that refuses.

4. a consumer whose connection the broker closes reconnects with backoff and goes on
   (needs NODE_DIR, the fixture node's folder, for rabbitmqctl).

Usage: rabbitmq_processes_test.py WORKBENCH_CLI RABBITMQ_TOOL [NODE_DIR]. Exit 77 (skipped) without
WB_RABBITMQ_URL. Every queue and exchange is named after this run and deleted at the end.
"""
import collections
import os
import signal
import subprocess
import sys
import time

from rabbitmq_support import check, produced, run_cli, run_tool, finish

CLI, TOOL = sys.argv[1], sys.argv[2]
NODE_DIR = sys.argv[3] if len(sys.argv) > 3 else ""  # the fixture node's folder (optional)
URL = os.environ.get("WB_RABBITMQ_URL", "")
RUN = "wb-it-%d" % os.getpid()


def cli(*args, timeout=120):
    return run_cli(CLI, *args, timeout=timeout)


def consume(queue, key, exchange, *extra):
    return ["consume", "--broker", URL, "--exchange", exchange, "--queue", queue,
            "--key", key, *extra]


def tool(*args):
    return run_tool(TOOL, URL, *args).stdout


def depth(queue):
    ready, consumers = tool("depth", queue).split()
    return int(ready), int(consumers)


def wait_for(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    check(False, "timed out waiting for " + what)
    return False


def odd_even_across_processes():
    exchange, odds, evens = RUN + "-integers", RUN + "-odds", RUN + "-evens"
    start = time.monotonic()
    consumers = {
        key: subprocess.Popen([CLI, "messaging", *consume(queue, key, exchange, "--prefetch",
                                                          "100", "--idle-exit", "5")],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for key, queue in (("odd", odds), ("even", evens))}
    try:
        # Both consumers have declared and bound their queues before the first publish.
        def subscribed():
            try:
                return depth(odds)[1] == 1 and depth(evens)[1] == 1
            except RuntimeError:
                return False
        wait_for(subscribed, 30, "both consumers to subscribe")
        p = cli("produce", "--broker", URL, "--exchange", exchange, "--count", "10000",
                "--seed", "7")
        check(p.returncode == 0, "produce 10000 exits 0 (%s)" % p.stderr.strip())
        values = produced(p.stdout)
        check(len(values) == 10000, "the producer printed 10000 `integer: K` lines")
        outputs = {}
        for key, proc in consumers.items():
            out, err = proc.communicate(timeout=120)
            check(proc.returncode == 0, "%s consumer exits 0 (%s)" % (key, err.strip()))
            outputs[key] = collections.Counter(out.splitlines())
        want_odd = collections.Counter("odd integer: %d" % v for v in values if v % 2)
        want_even = collections.Counter("even integer: %d" % v for v in values if v % 2 == 0)
        check(outputs["odd"] == want_odd,
              "odds: exactly the %d odd integers published (got %d lines)"
              % (sum(want_odd.values()), sum(outputs["odd"].values())))
        check(outputs["even"] == want_even,
              "evens: exactly the %d even integers published (got %d lines)"
              % (sum(want_even.values()), sum(outputs["even"].values())))
        check(depth(odds)[0] == 0 and depth(evens)[0] == 0, "both queues are empty afterwards")
        print("     odd/even, 10000 messages, 3 processes: %.1f s" % (time.monotonic() - start))
    finally:
        for proc in consumers.values():
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        tool("delete-queue", odds, evens)
        tool("delete-exchange", exchange)


def killed_consumer_loses_nothing():
    exchange, queue = RUN + "-kill-integers", RUN + "-kill-odds"
    start = time.monotonic()
    try:
        # Declare and bind the queue (the consumer declares what it uses), then fill it.
        d = cli(*consume(queue, "odd", exchange, "--idle-exit", "1"))
        check(d.returncode == 0 and d.stdout == "", "an idle consumer declares and exits")
        p = cli("produce", "--broker", URL, "--exchange", exchange, "--count", "20000",
                "--seed", "11")
        check(p.returncode == 0, "produce 20000 exits 0 (%s)" % p.stderr.strip())
        want = collections.Counter("odd integer: %d" % v for v in produced(p.stdout) if v % 2)
        total = sum(want.values())
        check(depth(queue)[0] == total, "the queue holds the %d odd integers" % total)

        # Nobody reads this consumer's stdout: once the pipe is full it blocks in the middle
        # of its prefetch window, holding up to 200 unacknowledged deliveries.
        victim = subprocess.Popen([CLI, "messaging", *consume(queue, "odd", exchange,
                                                              "--prefetch", "200")],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        last = [None, time.monotonic()]

        def stalled():
            ready = depth(queue)[0]
            if ready != last[0]:
                last[:] = [ready, time.monotonic()]
            return ready < total and time.monotonic() - last[1] > 0.7
        wait_for(stalled, 30, "the first consumer to stall on its full stdout")
        check(victim.poll() is None, "the first consumer is still running (blocked)")
        ready_before_kill = depth(queue)[0]
        victim.send_signal(signal.SIGKILL)
        check(True, "killed it with %d ready, %d held by it" % (ready_before_kill,
                                                              total - ready_before_kill))
        out, _ = victim.communicate(timeout=30)
        check(victim.returncode == -signal.SIGKILL, "the first consumer died of SIGKILL")
        lines = out.decode().split("\n")
        first = collections.Counter(l for l in lines[:-1])  # the last piece may be cut off
        got_first = sum(first.values())
        check(ready_before_kill + got_first < total,
              "it held unacknowledged deliveries when it died (%d)"
              % (total - ready_before_kill - got_first))

        # Its unacknowledged deliveries go back to the queue.
        wait_for(lambda: depth(queue) == (total - got_first, 0) or
                 depth(queue)[0] > ready_before_kill, 30, "the broker to requeue")
        second = cli(*consume(queue, "odd", exchange, "--prefetch", "200", "--idle-exit", "3"))
        check(second.returncode == 0, "the second consumer exits 0 (%s)" % second.stderr.strip())
        rest = collections.Counter(second.stdout.splitlines())
        seen = first + rest
        missing = want - seen
        check(not missing, "nothing lost: every published odd integer was printed "
              "(%d by the killed consumer, %d by the second, %d missing)"
              % (got_first, sum(rest.values()), sum(missing.values())))
        extra = sum((seen - want).values())
        check(extra <= 200, "at most one prefetch window printed twice (%d)" % extra)
        check(depth(queue)[0] == 0, "the queue is empty afterwards")
        print("     killed consumer: %.1f s" % (time.monotonic() - start))
    finally:
        tool("delete-queue", queue)
        tool("delete-exchange", exchange)


def consumer_reconnects():
    """The broker closes every connection (rabbitmqctl close_all_connections, as a broker
    restart would): the consumer reconnects with backoff and goes on."""
    if not NODE_DIR or not os.path.isdir(os.path.join(NODE_DIR, "home")):
        print("skip consumer reconnect: no node folder given")
        return
    exchange, queue = RUN + "-rc-integers", RUN + "-rc-odds"
    start = time.monotonic()
    # The idle limit outlasts rabbitmqctl's start-up (several seconds on a loaded machine).
    consumer = subprocess.Popen([CLI, "messaging", *consume(queue, "odd", exchange,
                                                            "--idle-exit", "20")],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: depth(queue)[1] == 1 if queue_exists(queue) else False, 30,
                 "the consumer to subscribe")
        env = dict(os.environ, HOME=os.path.join(NODE_DIR, "home"), RABBITMQ_USE_LONGNAME="true")
        r = subprocess.run(["/usr/lib/rabbitmq/bin/rabbitmqctl", "-q", "-n", node_name(),
                            "close_all_connections", "closed by the reconnect test"],
                           env=env, capture_output=True, text=True, timeout=60)
        check(r.returncode == 0, "rabbitmqctl close_all_connections (%s)" % r.stderr.strip())
        wait_for(lambda: depth(queue)[1] == 1, 30, "the consumer to subscribe again")
        p = cli("produce", "--broker", URL, "--exchange", exchange, "--count", "200",
                "--seed", "5")
        want = collections.Counter("odd integer: %d" % v for v in produced(p.stdout) if v % 2)
        out, err = consumer.communicate(timeout=60)
        check(consumer.returncode == 0, "the consumer exits 0 after reconnecting")
        check("CONNECTION_FORCED" in err and "reconnecting" in err,
              "it says why it reconnects (%s)" % err.strip())
        check(collections.Counter(out.splitlines()) == want,
              "after reconnecting it got every odd integer published")
        print("     consumer reconnect: %.1f s" % (time.monotonic() - start))
    finally:
        if consumer.poll() is None:
            consumer.kill()
            consumer.communicate()
        tool("delete-queue", queue)
        tool("delete-exchange", exchange)


def node_name():
    """The fixture node's Erlang name, as tests/broker/rabbitmq-node.sh recorded it."""
    try:
        with open(os.path.join(NODE_DIR, "nodename")) as f:
            return f.read().strip()
    except OSError:
        return "wbtest@127.0.0.1"


def queue_exists(queue):
    try:
        depth(queue)
        return True
    except RuntimeError:
        return False


def messages():
    r = cli("list-queues", "--broker", URL)
    check(r.returncode == 3 and "rabbitmqctl list_queues" in r.stderr
          and "over AMQP" in r.stderr, "list-queues on a URL points to rabbitmqctl")
    r = cli("list-exchanges", "--broker", URL)
    check(r.returncode == 3 and "rabbitmqctl list_exchanges" in r.stderr,
          "list-exchanges on a URL points to rabbitmqctl")
    start = time.monotonic()
    r = cli("produce", "--broker", "amqp://guest:secret@127.0.0.1:1/", "--count", "1")
    check(r.returncode == 3 and "amqp://guest@127.0.0.1:1/" in r.stderr
          and "refused" in r.stderr and "secret" not in r.stderr,
          "a refusing broker: exit 3 naming the redacted URL and the reason (%s)"
          % r.stderr.strip())
    check(time.monotonic() - start < 5, "... within 5 s")
    r = cli("consume", "--broker", URL.replace("guest:guest", "guest:wrong"), "--queue", "q",
            "--key", "k")
    check(r.returncode == 3 and "login refused" in r.stderr and "wrong" not in r.stderr,
          "wrong password: exit 3, login refused (%s)" % r.stderr.strip())


def main():
    if not URL:
        print("skipped: set WB_RABBITMQ_URL=amqp://... (CTest's rabbitmq fixture does)")
        return 77
    odd_even_across_processes()
    killed_consumer_loses_nothing()
    consumer_reconnects()
    messages()
    return finish()


if __name__ == "__main__":
    sys.exit(main())
