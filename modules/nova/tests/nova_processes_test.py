#!/usr/bin/env python3
"""A launch spread over processes on a real RabbitMQ node (CTest's private one, WB_RABBITMQ_URL):

1. network, scheduler, two compute workers (host1, host2) and api, each `workbench-cli nova
   component ...` in its own process; the api process keeps the database, the compute
   workers register their hosts with it;
2. `nova launch --remote --json` twice through them: the numbered flow 1-8 in order with its
   kinds and routing keys, the states building/scheduling ... active/none, 10.0.0.3 then
   10.0.0.4, 02:16:3e MACs, a host each; every component printed its own steps;
3. SIGTERM to each: exit 0 within a few seconds; no queue of the run is left on the node (the
   queues are auto-delete), and the run's exchanges carry its own name (--exchange).

Usage: nova_processes_test.py WORKBENCH_CLI [NODE_DIR]. Exit 77 (skipped) without WB_RABBITMQ_URL.
"""
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

CLI = sys.argv[1]
NODE_DIR = sys.argv[2] if len(sys.argv) > 2 else ""
URL = os.environ.get("WB_RABBITMQ_URL", "")
RUN = "nova-it-%d" % os.getpid()  # the control exchange of this run
QUEUES = ["api", "cloud", "db", "scheduler", "network", "compute.host1", "compute.host2"]
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


class Component:
    """One `nova component` process; its stdout lines collected as they come."""

    def __init__(self, *args):
        self.name = " ".join(args)
        self.proc = subprocess.Popen(
            [CLI, "nova", "component", *args, "--broker", URL, "--exchange", RUN],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = []
        self.err = ""
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines):
                return True
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        return False

    def stop(self):
        """SIGTERM; the exit status and the seconds it took."""
        start = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(timeout=5)
        self.err = self.proc.stderr.read()
        return self.proc.returncode, time.monotonic() - start


def launch():
    r = subprocess.run([CLI, "nova", "launch", "--remote", "--broker", URL, "--exchange", RUN,
                        "--json"], capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, "launch --remote exits 0 (%s)" % r.stderr.strip())
    try:
        return json.loads(r.stdout)
    except ValueError:
        check(False, "launch --remote prints JSON (%r)" % r.stdout[:200])
        return {"steps": [], "states": [], "instance": {}}


def check_flow(doc, name, ip):
    inst = doc["instance"]
    host = inst.get("host", "")
    compute = "compute." + host
    check(inst.get("name") == name, "the instance is %s (%s)" % (name, inst.get("name")))
    check(inst.get("fixed_ip") == ip, "it got %s (%s)" % (ip, inst.get("fixed_ip")))
    check(inst.get("mac", "").startswith("02:16:3e:"), "a 02:16:3e MAC (%s)" % inst.get("mac"))
    check(host in ("host1", "host2"), "a host of the two compute processes (%s)" % host)
    states = ["%s/%s" % (s["vm_state"], s["task_state"]) for s in doc["states"]]
    check(states == ["building/scheduling", "building/networking",
                     "building/block_device_mapping", "building/spawning", "active/none"],
          "the states in order: %s" % " ".join(states))
    steps = doc["steps"]
    numbers = [s["n"] for s in steps]
    check(numbers == sorted(numbers) and set(range(1, 10)) <= set(numbers),
          "steps 1..9 all there, in order")
    # The arrows of the tutorial's overview, each found after the one before.
    wants = [
        (1, "call", "user", "api", "run_instances", "api"),
        (1, "call", "api", "cloud", "run_instances", "cloud"),
        (1, "reply", "cloud", "api", "run_instances", None),
        (2, "cast", "cloud", "scheduler", "run_instance", "scheduler"),
        (3, "cast", "scheduler", compute, "run_instance", compute),
        (4, "local", compute, compute, "run_instance", compute),
        (5, "call", compute, "network", "allocate_fixed_ip", "network"),
        (6, "local", "network", "network", "allocate_fixed_ip", "network"),
        (7, "reply", "network", compute, "allocate_fixed_ip", None),
        (8, "local", compute, compute, "fixed_ip", compute),
    ]
    at = 0
    for n, kind, frm, to, method, key in wants:
        while at < len(steps) and not (steps[at]["kind"] == kind and steps[at]["from"] == frm
                                       and steps[at]["method"] == method):
            at += 1
        if at == len(steps):
            check(False, "step %d %s %s from %s present and in order" % (n, kind, method, frm))
            return host
        s = steps[at]
        ok = s["n"] == n and s["to"] == to and (key is None or s["routing_key"] == key)
        check(ok, "step %d: %s %s %s -> %s [%s]" % (n, kind, method, frm, s["to"],
                                                    s["routing_key"]))
    call = next(s for s in steps if s["kind"] == "call" and s["method"] == "allocate_fixed_ip")
    reply = next(s for s in steps if s["kind"] == "reply" and s["method"] == "allocate_fixed_ip")
    # Nova's msg_id: uuid.uuid4().hex, 32 hex digits with the version 4 and variant 10xx bits.
    check(re.fullmatch(r"[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}",
                       reply["routing_key"]) is not None and call["routing_key"] == "network",
          "the call goes to topic network, its reply to the call's private msg_id (%s)"
          % reply["routing_key"])
    check(all(s["to"] != "db" for s in steps), "no database access among the steps")
    return host


def rabbitmqctl(*args):
    """rabbitmqctl on the fixture node (its name as tests/broker/rabbitmq-node.sh wrote it)."""
    try:
        with open(os.path.join(NODE_DIR, "nodename")) as f:
            node = f.read().strip()
    except OSError:
        node = "wbtest@127.0.0.1"
    env = dict(os.environ, HOME=os.path.join(NODE_DIR, "home"), RABBITMQ_USE_LONGNAME="true")
    r = subprocess.run(["/usr/lib/rabbitmq/bin/rabbitmqctl", "-q", "-n", node, *args],
                       env=env, capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout.split()


def main():
    if not URL:
        print("skipped: WB_RABBITMQ_URL is not set (no private RabbitMQ node)")
        return 77
    start = time.monotonic()
    api = Component("api", "--seed", "5")
    components = [api]
    try:
        check(api.wait_for("nova api: consuming api cloud db"), "api consumes api, cloud, db")
        components += [Component("network"), Component("scheduler", "--scheduler", "simple"),
                       Component("compute", "--host", "host1"),
                       Component("compute", "--host", "host2")]
        for c in components[1:]:
            check(c.wait_for("consuming"), "%s is consuming" % c.name)
        for host in ("host1", "host2"):
            check(api.wait_for("service compute.%s up" % host),
                  "%s registered its host with the api process's database" % host)

        first = check_flow(launch(), "instance-00000001", "10.0.0.3")
        second = check_flow(launch(), "instance-00000002", "10.0.0.4")
        # The simple scheduler puts the second instance on the other, emptier host.
        check(first != second, "simple spread the two instances (%s, %s)" % (first, second))

        network, scheduler = components[1], components[2]
        check(any(l.startswith("6 local network allocate_fixed_ip") for l in network.lines),
              "the network process printed its step 6")
        check(any(l.startswith("3 cast scheduler -> compute.") for l in scheduler.lines),
              "the scheduler process printed its cast to compute.<host>")
        for c in components[3:]:
            host = c.name.split()[-1]
            mine = [l for l in c.lines if l.startswith("4 local compute." + host)]
            check(len(mine) == [first, second].count(host),
                  "compute %s printed step 4 once per instance placed on it" % host)
    finally:
        for c in reversed(components):
            if c.proc.poll() is None:
                status, seconds = c.stop()
                check(status == 0 and seconds < 5,
                      "%s: SIGTERM -> exit %s in %.1f s %s" % (c.name, status, seconds,
                                                            c.err.strip()))
                check(any(l.endswith(": stopped") for l in c.lines), "%s says stopped" % c.name)
            else:
                check(False, "%s was still running at the end (exit %s: %s)"
                      % (c.name, c.proc.returncode, c.proc.stderr.read().strip()))
    for host in ("host1", "host2"):
        check(any("service compute.%s down" % host in l for l in api.lines),
              "compute %s reported its host down when it stopped" % host)
    if NODE_DIR and os.path.isdir(os.path.join(NODE_DIR, "home")):
        status, names = rabbitmqctl("list_queues", "name")
        left = [q for q in QUEUES if q in names]
        check(status == 0 and not left, "no queue of the run is left on the node (%s)" % left)
        status, names = rabbitmqctl("list_exchanges", "name")
        ours = sorted(n for n in names if n.startswith(RUN))
        check(ours == [RUN, RUN + ".trace"],
              "the run's exchanges are named after it: %s" % " ".join(ours))
    else:
        print("skip the node check: no node folder given")
    print("     nova over %d processes: %.1f s" % (len(components), time.monotonic() - start))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
