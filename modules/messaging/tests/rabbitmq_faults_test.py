#!/usr/bin/env python3
"""Faults and bad input for `workbench-cli messaging` (and Nova's names) on CTest's private
RabbitMQ node (WB_RABBITMQ_URL; rabbitmqctl reaches it through NODE_DIR):

1. Names AMQP carries as short strings (exchange, queue, routing/binding key; Nova's host in
   the routing key compute.<host>) longer than 255 bytes are refused before connecting:
   exit 2, "... longer than 255 bytes", and a listening socket in place of the broker sees no
   connection. 255 bytes pass, on the real node. `amq.` names are bad usage (exit 2).
2. `--reconnect A` bounds every retry loop: through a proxy that cuts each connection before
   anything can be confirmed (or consumed), produce/consume open exactly A + 1 connections
   and exit 3.
3. A broker `stop_app`/`start_app` while `produce` publishes: the producer reports the
   broker's reason (320 CONNECTION_FORCED), reconnects, publishes again only what was
   unconfirmed; nothing is missing and the duplicates are at most the messages it had in
   flight (the number it says it published again).
4. `consume` shows bodies as what they are (integer/text/bytes), escaped; `demo` says what
   it purged from odds/evens; `list-queues` suggests a rabbitmqctl command that runs (no
   bare `-p`; a vhost with a space is quoted) - run here as printed.

Usage: rabbitmq_faults_test.py WORKBENCH_CLI RABBITMQ_TOOL NODE_DIR. Exit 77 (skipped)
without WB_RABBITMQ_URL or the node's folder. Names are per run and deleted at the end.
"""
import collections
import os
import re
import shlex
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

from rabbitmq_support import check, produced, run_cli, run_tool, finish

CLI, TOOL, NODE_DIR = sys.argv[1:4]
URL = os.environ.get("WB_RABBITMQ_URL", "")
RUN = "wb-ft-%d" % os.getpid()
CTL = "/usr/lib/rabbitmq/bin/rabbitmqctl"


def cli(*args, timeout=120):
    return run_cli(CLI, *args, timeout=timeout)


def tool(*args, ok=(0,)):
    return run_tool(TOOL, URL, *args, ok=ok)


def ctl(*args, timeout=120):
    with open(os.path.join(NODE_DIR, "nodename")) as f:
        node = f.read().strip()
    env = dict(os.environ, HOME=os.path.join(NODE_DIR, "home"), RABBITMQ_USE_LONGNAME="true")
    return subprocess.run([CTL, "-n", node, *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


class Listener:
    """A TCP port that counts connections. With `upstream`, a proxy to it that closes each
    connection after `cut_bytes` bytes from the client or `cut_seconds`, whichever first."""

    def __init__(self, upstream=None, cut_bytes=None, cut_seconds=None):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.upstream, self.cut_bytes, self.cut_seconds = upstream, cut_bytes, cut_seconds
        self.stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stopped:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            if self.upstream:
                threading.Thread(target=self._proxy, args=(client,), daemon=True).start()
            else:
                client.close()

    def _proxy(self, client):
        server = socket.create_connection(self.upstream)
        deadline = time.monotonic() + (self.cut_seconds or 1e9)
        sent = 0
        client.setblocking(False)
        server.setblocking(False)
        try:
            while time.monotonic() < deadline:
                moved = False
                for src, dst, upward in ((client, server, True), (server, client, False)):
                    try:
                        data = src.recv(65536)
                    except BlockingIOError:
                        continue
                    if not data:
                        return
                    if upward and self.cut_bytes is not None:
                        data = data[:max(0, self.cut_bytes - sent)]
                        sent += len(data)
                    dst.sendall(data)
                    moved = True
                    if upward and self.cut_bytes is not None and sent >= self.cut_bytes:
                        return
                if not moved:
                    time.sleep(0.005)
        except OSError:
            pass
        finally:
            client.close()
            server.close()

    def close(self):
        self.stopped = True
        self.sock.close()


def long_names():
    too_long = "x" * 256
    listener = Listener()
    fake = "amqp://guest:guest@127.0.0.1:%d/" % listener.port
    cases = [("produce --exchange", ["produce", "--broker", fake, "--exchange", too_long,
                                     "--count", "3", "--reconnect", "1"]),
             ("consume --exchange", ["consume", "--broker", fake, "--exchange", too_long,
                                     "--queue", "q", "--key", "k", "--reconnect", "1"]),
             ("consume --queue", ["consume", "--broker", fake, "--queue", too_long,
                                  "--key", "k", "--reconnect", "1"]),
             ("consume --key", ["consume", "--broker", fake, "--queue", "q",
                                "--key", too_long, "--reconnect", "1"])]
    for name, args in cases:
        start = time.monotonic()
        r = cli(*args, timeout=30)
        check(r.returncode == 2 and "longer than 255 bytes" in r.stderr and
              time.monotonic() - start < 5,
              "%s of 256 bytes: exit 2 before connecting (exit %d: %s)"
              % (name, r.returncode, r.stderr.strip()))
    for name, args in (("produce --exchange amq.direct",
                        ["produce", "--broker", fake, "--exchange", "amq.direct", "--count", "1"]),
                       ("consume --queue amq.q",
                        ["consume", "--broker", fake, "--queue", "amq.q", "--key", "k"])):
        r = cli(*args, timeout=30)
        check(r.returncode == 2 and "reserved" in r.stderr,
              "%s: a reserved name is bad usage, exit 2 (%s)" % (name, r.stderr.strip()))
    # Nova's names reach the broker too: the compute host in compute.<host>, the exchange.
    nova = [CLI, "nova", "component", "compute", "--broker", fake, "--host", "h" * 248]
    r = subprocess.run(nova, capture_output=True, text=True, timeout=30)
    check(r.returncode == 2 and "longer than 255 bytes" in r.stderr,
          "nova component compute --host of 248 bytes: exit 2 (%d: %s)"
          % (r.returncode, r.stderr.strip()))
    r = subprocess.run([CLI, "nova", "launch", "--broker", fake, "--exchange", "amq.direct"],
                       capture_output=True, text=True, timeout=30)
    check(r.returncode == 2 and "reserved" in r.stderr,
          "nova launch --exchange amq.direct: exit 2 (%d: %s)" % (r.returncode, r.stderr.strip()))
    time.sleep(0.2)
    check(listener.accepted == 0, "none of them connected (%d connections)" % listener.accepted)
    listener.close()

    # Exactly 255 bytes is a valid name: the real node takes it.
    ex, q, key = (RUN + "-e").ljust(255, "e"), (RUN + "-q").ljust(255, "q"), "k" * 255
    r = cli("consume", "--broker", URL, "--exchange", ex, "--queue", q, "--key", key,
            "--idle-exit", "1", "--reconnect", "0")
    check(r.returncode == 0, "255-byte exchange, queue and key: declared on the node (%s)"
          % r.stderr.strip())
    p = cli("produce", "--broker", URL, "--exchange", ex, "--count", "4", "--reconnect", "0")
    check(p.returncode == 0, "and produce publishes to the 255-byte exchange (%s)"
          % p.stderr.strip())
    tool("delete-queue", q, ok=(0, 3))
    tool("delete-exchange", ex, ok=(0, 3))


def bounded_retries():
    u = urllib.parse.urlparse(URL)
    # Enough for the handshake, channel.open, exchange.declare and confirm.select (about
    # 600 bytes from rabbitmq-c), not for a window of publishes to be confirmed.
    proxy = Listener(upstream=(u.hostname, u.port), cut_bytes=1200)
    via = "amqp://guest:guest@127.0.0.1:%d/" % proxy.port
    start = time.monotonic()
    r = cli("produce", "--broker", via, "--exchange", RUN + "-cut", "--count", "20000",
            "--reconnect", "2", timeout=120)
    took = time.monotonic() - start
    check(r.returncode == 3 and proxy.accepted == 3 and "--reconnect 2" in r.stderr,
          "produce --reconnect 2 through a proxy that cuts every connection: 3 connections, "
          "exit 3 in %.1f s (exit %d, %d connections: %s)"
          % (took, r.returncode, proxy.accepted, r.stderr.strip()[-300:]))
    proxy.close()

    proxy = Listener(upstream=(u.hostname, u.port), cut_seconds=0.8)
    via = "amqp://guest:guest@127.0.0.1:%d/" % proxy.port
    r = cli("consume", "--broker", via, "--exchange", RUN + "-cut", "--queue", RUN + "-cut-q",
            "--key", "odd", "--reconnect", "1", timeout=120)
    check(r.returncode == 3 and proxy.accepted == 2 and "--reconnect 1" in r.stderr,
          "consume --reconnect 1 when every connection is cut with nothing to consume: 2 "
          "connections, exit 3 (exit %d, %d connections: %s)"
          % (r.returncode, proxy.accepted, r.stderr.strip()[-300:]))
    proxy.close()
    tool("delete-queue", RUN + "-cut-q", ok=(0, 3))
    tool("delete-exchange", RUN + "-cut", ok=(0, 3))


def stop_app_during_produce():
    ex, odds, evens = RUN + "-sa", RUN + "-sa-odds", RUN + "-sa-evens"
    total = 20000
    for queue, key in ((odds, "odd"), (evens, "even")):
        r = cli("consume", "--broker", URL, "--exchange", ex, "--queue", queue, "--key", key,
                "--idle-exit", "1")
        check(r.returncode == 0, "declare the durable queue " + queue)
    producer = subprocess.Popen([CLI, "messaging", "produce", "--broker", URL, "--exchange", ex,
                                 "--count", str(total), "--seed", "9", "--rate", "1000",
                                 "--reconnect", "30"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(4)
        check(producer.poll() is None, "the producer is publishing when the app is stopped")
        r = ctl("stop_app")
        check(r.returncode == 0, "rabbitmqctl stop_app (%s)" % r.stderr.strip()[-200:])
        time.sleep(1)
        r = ctl("start_app")
        check(r.returncode == 0, "rabbitmqctl start_app (%s)" % r.stderr.strip()[-200:])
        out, err = producer.communicate(timeout=180)
    finally:
        if producer.poll() is None:
            producer.kill()
            producer.communicate()
    check(producer.returncode == 0, "the producer reconnected and got every confirm (exit %d: %s)"
          % (producer.returncode, err.strip()[-300:]))
    check("320 CONNECTION_FORCED" in err and "a socket error occurred" not in err,
          "it reports the broker's reason, 320 CONNECTION_FORCED (%s)" % err.strip()[:300])
    m = re.search(r"published (\d+) unconfirmed messages again", err)
    again = int(m.group(1)) if m else 0
    values = produced(out)
    seen = collections.Counter()
    for queue, key in ((odds, "odd"), (evens, "even")):
        r = cli("consume", "--broker", URL, "--exchange", ex, "--queue", queue, "--key", key,
                "--prefetch", "500", "--idle-exit", "2")
        prefix = key + " integer: "
        seen.update(l[len(prefix):] for l in r.stdout.splitlines())
    want = collections.Counter(str(v) for v in values)
    duplicates = sum((seen - want).values())
    missing = sum((want - seen).values())
    print("     stop_app during produce: %d published, %d published again (in flight), "
          "%d duplicates, %d missing" % (len(values), again, duplicates, missing), flush=True)
    check(len(values) == total and missing == 0,
          "nothing it published is missing (%d printed, %d missing)" % (len(values), missing))
    check(duplicates <= again,
          "duplicates (%d) at most the messages in flight it published again (%d)"
          % (duplicates, again))
    check(again < 4096, "only the unconfirmed were published again, not a whole confirm window "
          "(%d)" % again)
    tool("delete-queue", odds, evens, ok=(0, 3))
    tool("delete-exchange", ex, ok=(0, 3))


def bodies_and_listing():
    ex, q = RUN + "-bodies", RUN + "-bodies-q"
    r = cli("consume", "--broker", URL, "--exchange", ex, "--queue", q, "--key", "odd",
            "--idle-exit", "1")
    check(r.returncode == 0, "declare " + q)
    u = urllib.parse.urlparse(URL)
    sent = [b"-17", b"line one\nline two", b"\x00\xff\x1b[31mred\\", "h\u00e9llo\u0085".encode()]
    for body in sent:
        p = subprocess.run(["amqp-publish", "--server", u.hostname, "--port", str(u.port),
                            "-e", ex, "-r", "odd"], input=body, capture_output=True, timeout=30)
        check(p.returncode == 0, "amqp-publish %r (%s)" % (body, p.stderr.decode().strip()))
    r = subprocess.run([CLI, "messaging", "consume", "--broker", URL, "--exchange", ex, "--queue",
                        q, "--key", "odd", "--count", "4"], capture_output=True, timeout=60)
    want = [b"odd integer: -17", b"odd text: line one\\nline two",
            b"odd bytes: \\x00\\xFF\\x1B[31mred\\\\", "odd text: h\u00e9llo\\xC2\\x85".encode()]
    check(r.stdout.splitlines() == want,
          "consume labels and escapes bodies (%r)" % r.stdout.splitlines())
    tool("delete-queue", q, ok=(0, 3))
    tool("delete-exchange", ex, ok=(0, 3))

    # demo purges odds/evens first and says how much it removed.
    for queue, key in (("odds", "odd"), ("evens", "even")):
        cli("consume", "--broker", URL, "--exchange", "integers", "--queue", queue, "--key",
            key, "--idle-exit", "1")
    for _ in range(5):
        subprocess.run(["amqp-publish", "--server", u.hostname, "--port", str(u.port), "-e",
                        "integers", "-r", "odd", "-b", "3"], capture_output=True, timeout=30)
    r = cli("demo", "--broker", URL, "--count", "6", "--seed", "2")
    check(r.returncode == 0 and
          "# purged the queues odds and evens first: 5 and 0 messages" in r.stdout,
          "demo on RabbitMQ says it purged 5 leftovers from odds (%s)"
          % (r.stdout.splitlines()[:1], ))

    # list-queues: the rabbitmqctl command it suggests runs as printed.
    r = cli("list-queues", "--broker", URL)
    m = re.search(r"run `(rabbitmqctl [^`]*)`", r.stderr)
    check(r.returncode == 3 and m and " -p" not in m.group(1),
          "default vhost: the suggestion has no -p (%s)" % r.stderr.strip())
    vhost = RUN + " v'h"
    ctl("add_vhost", vhost)
    ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    try:
        url = URL.rstrip("/") + "/" + urllib.parse.quote(vhost, safe="")
        r = cli("list-queues", "--broker", url)
        m = re.search(r"run `(rabbitmqctl [^`]*)`", r.stderr)
        check(r.returncode == 3 and m is not None, "a vhost with a space and a quote (%s)"
              % r.stderr.strip())
        if m:
            words = shlex.split(m.group(1))
            check(words[-2:] == ["-p", vhost], "is passed as one quoted word (%s)" % m.group(1))
            listed = ctl(*words[1:])
            # (With no queue in the vhost rabbitmqctl prints no column header.)
            check(listed.returncode == 0 and
                  ("Listing queues for vhost %s ..." % vhost) in listed.stdout,
                  "and the suggested command runs on that vhost (%s%s)"
                  % (listed.stdout.strip()[-200:], listed.stderr.strip()[-200:]))
    finally:
        ctl("delete_vhost", vhost)


def main():
    if not URL or not os.path.isfile(os.path.join(NODE_DIR, "nodename")):
        print("skipped: set WB_RABBITMQ_URL=amqp://... (CTest's rabbitmq fixture does)")
        return 77
    long_names()
    bounded_retries()
    bodies_and_listing()
    stop_app_during_produce()
    return finish()


if __name__ == "__main__":
    sys.exit(main())
