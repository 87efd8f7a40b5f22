"""Tests of the wbtrace package: each one runs a script under the tracer in a child process.

Run with: PYTHONPATH=python python3 -m unittest discover -s python/tests
"""

import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(HERE)


class Run:
    def __init__(self, proc, stdout, stderr, elapsed, ended_ns):
        self.code = proc.returncode
        self.stderr = stderr
        self.elapsed = elapsed
        self.ended_ns = ended_ns
        self.events = [json.loads(line) for line in stdout.decode("utf-8").splitlines()]

    def of(self, kind):
        return [e for e in self.events if e["type"] == kind]

    @property
    def end(self):
        return self.events[-1]


class TracerTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def script(self, source, name="script.py", raw=None):
        path = os.path.join(self.tmp.name, name)
        with open(path, "wb") as f:
            f.write(raw if raw is not None else textwrap.dedent(source).encode("utf-8"))
        return path

    def start_tracer(self, path, *options, python=None, pass_fds=()):
        env = dict(os.environ, PYTHONPATH=PACKAGE_ROOT)
        cmd = [python or sys.executable, "-m", "wbtrace"] + list(options) + [path]
        return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                pass_fds=pass_fds)

    def run_tracer(self, path, *options, timeout=30, python=None):
        start = time.monotonic()
        proc = self.start_tracer(path, *options, python=python)
        stdout, stderr = proc.communicate(timeout=timeout)
        ended_ns = time.monotonic_ns()
        return Run(proc, stdout, stderr, time.monotonic() - start, ended_ns)

    def trace(self, source, *options, code=0, timeout=30):
        """Runs `source` under the tracer: the exit status is `code` and the event stream
        starts with hello and ends with end."""
        run = self.run_tracer(self.script(source), *options, timeout=timeout)
        self.assertEqual(run.code, code, run.stderr)
        self.assertWellFormed(run)
        return run

    def assertWellFormed(self, run):
        self.assertEqual(run.events[0]["type"], "hello")
        self.assertEqual(run.end["type"], "end")
        self.assertEqual(len(run.of("hello")), 1)
        self.assertEqual(len(run.of("end")), 1)


class ListTests(TracerTest):
    CHECKED = """
        import ctypes, sys
        def report(op):
            block = ctypes.c_void_p.from_address(id(a) + 3 * ctypes.sizeof(ctypes.c_void_p))
            sys.stderr.write("CHECK %s %d %d %d\\n" % (op, len(a), sys.getsizeof(a), block.value or 0))
        a = []
        sys.stderr.write("LIST %d\\n" % id(a))
        report("literal")
        for i in range(40):
            a.append(i)
            report("append")
        a.insert(3, -1); report("insert")
        a.insert(-100, -2); report("insert")
        a.pop(); report("pop")
        a.pop(0); report("pop")
        a.remove(10); report("remove")
        a.extend(range(50)); report("extend")
        a[2:30] = [0]; report("setslice")
        del a[5:9]; report("delslice")
        del a[0]; report("del")
        a += [1, 2, 3]; report("+=")
        a *= 3; report("*=")
        a.sort(); report("sort")
        a.reverse(); report("reverse")
        a[1:] = []; report("setslice")
        a.clear(); report("clear")
        for i in range(20):
            a.append(i)
            report("append")
    """

    def test_allocated_and_block_match_what_the_script_reads(self):
        run = self.trace(self.CHECKED)
        lines = run.stderr.decode().splitlines()
        list_id = int(lines[0].split()[1])
        checks = [line.split() for line in lines if line.startswith("CHECK ")]
        events = [e for e in run.of("list") if e["list"] == list_id]
        self.assertEqual([e["op"] for e in events], [c[1] for c in checks])
        layout = run.events[0]["list_layout"]
        previous_block = 0
        for event, (_, op, n, size, block) in zip(events, checks):
            self.assertEqual(event["len"], int(n), op)
            self.assertEqual(event["allocated"],
                             (int(size) - layout["list_header"]) // layout["slot_size"], op)
            self.assertEqual(event["block"], int(block), op)
            moved = previous_block != 0 and int(block) != 0 and int(block) != previous_block
            self.assertEqual(event["moved"], moved, op)
            previous_block = int(block)
        self.assertTrue(any(e["moved"] for e in events))

    def test_element_ids_rebuild_the_list(self):
        source = """
            import sys
            a = [object() for _ in range(3)]
            a.append(object())
            a.insert(1, object())
            a.pop(2)
            a.extend([object(), object()])
            a.remove(a[0])
            a.sort(key=id)
            sys.stderr.write("IDS %s\\n" % " ".join(str(id(x)) for x in a))
        """
        run = self.trace(source)
        expected = [int(x) for x in run.stderr.decode().split("IDS ")[1].split()]
        mirror = {}
        for e in run.of("list"):
            items = mirror.setdefault(e["list"], [])
            items[e["at"]:e["at"] + len(e["items"])] = e["items"]
            del items[e["len"]:]
        target = [e for e in run.of("list") if e["op"] == "sort"][0]["list"]
        self.assertEqual(mirror[target], expected)

    def test_sort_comparisons_equal_a_counting_key(self):
        source = """
            import functools, sys
            data = [(n * 7919) % 101 for n in range(60)]
            pairs = [(x % 10, i) for i, x in enumerate(data)]
            count = [0]
            def cmp(a, b):
                count[0] += 1
                return (a > b) - (a < b)
            copy = pairs[:]
            copy.sort(key=functools.cmp_to_key(cmp))
            sys.stderr.write("COUNT1 %d\\n" % count[0])
            count[0] = 0
            copy2 = list(data)
            copy2.sort(key=functools.cmp_to_key(lambda a, b: cmp(a % 7, b % 7)), reverse=True)
            sys.stderr.write("COUNT2 %d\\n" % count[0])
            work = list(data)
            work.sort(key=lambda x: x % 7, reverse=True)
            pairs.sort(key=lambda p: p[0])
            print(work, pairs)
        """
        path = self.script(source)
        run = self.run_tracer(path)
        self.assertEqual(run.code, 0, run.stderr)
        err = run.stderr.decode()
        count1 = int(err.split("COUNT1 ")[1].split()[0])
        count2 = int(err.split("COUNT2 ")[1].split()[0])
        sorts = [e for e in run.of("list") if e["op"] == "sort"]
        self.assertEqual(len(sorts), 4)
        # The script's own counted sorts, then the same sorts with a plain key.
        self.assertEqual(sorts[0]["comparisons"], count1)
        self.assertEqual(sorts[1]["comparisons"], count2)
        self.assertEqual(sorts[2]["comparisons"], count2)
        self.assertEqual(sorts[3]["comparisons"], count1)
        self.assertEqual(len(sorts[2]["pairs"]), count2)
        # The sorted results are exactly those of the untraced script.
        plain = subprocess.run([sys.executable, path], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
        printed = [line for line in err.splitlines() if line.startswith("[")]
        self.assertEqual(printed, plain.stdout.decode().splitlines())

    def test_event_cap_stops_the_run(self):
        run = self.trace("a = []\nfor i in range(1000):\n    a.append(i)\n", "--max-events",
                         "100", code=3)
        self.assertEqual(len(run.of("list")), 100)
        self.assertEqual(run.of("limit")[0]["what"], "events")
        self.assertEqual(run.end["status"], "limit")


THREADS = """
    import threading, queue
    lock = threading.Lock()
    rlock = threading.RLock()
    cond = threading.Condition()
    sem = threading.BoundedSemaphore(2)
    ready = threading.Event()
    q = queue.Queue(maxsize=2)
    items = []
    def producer(n):
        for _ in range(5):
            with lock:
                with rlock:
                    with rlock:
                        items.append(n)
            with sem:
                pass
        ready.wait()
        for i in range(4):
            q.put((n, i))
    def consumer():
        for _ in range(8):
            q.get()
        with cond:
            cond.notify_all()
    workers = [threading.Thread(target=producer, args=(i,), name="P%d" % i) for i in range(2)]
    eater = threading.Thread(target=consumer, name="C")
    for t in workers:
        t.start()
    eater.start()
    ready.set()
    with cond:
        cond.wait_for(lambda: not eater.is_alive() or q.empty(), timeout=5)
    for t in workers:
        t.join()
    eater.join()
"""

# Two threads taking two locks in opposite order: `hold` is what each does once it holds its
# first lock (meet.wait(), a barrier the tracer leaves alone, makes both hold one before
# either asks for the other), `second` what the second thread does while it holds b.
TWO_LOCKS = """
    import threading
    a = threading.Lock()
    b = threading.Lock()
    meet = threading.Barrier(2)
    def one():
        with a:
            {hold}
            with b:
                pass
    def two():
        with b:
            {hold}
            {second}
    t1 = threading.Thread(target=one, name="one")
    t2 = threading.Thread(target=two, name="two")
    t1.start(); t2.start()
    t1.join(); t2.join()
"""
TAKE_A = "with a:\n                pass"
DEADLOCK = TWO_LOCKS.format(hold="meet.wait()", second=TAKE_A)
STEP_DEADLOCK = TWO_LOCKS.format(hold="pass", second=TAKE_A)
NO_DEADLOCK = TWO_LOCKS.format(hold="pass", second="pass")


class ThreadTests(TracerTest):
    def check_consistent(self, run):
        events = run.of("thread")
        by_obj = {}
        for e in events:
            by_obj.setdefault((e["primitive"], e["obj"]), []).append(e["op"])
        for (primitive, _), ops in by_obj.items():
            if primitive in ("Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition"):
                self.assertEqual(ops.count("acquired"), ops.count("release"), primitive)
            if primitive == "Queue":
                puts = [e for e in events if e["op"] == "put" and not e.get("blocked")]
                gets = [e for e in events if e["op"] == "get" and not e.get("blocked")]
                self.assertEqual(len(puts), 8)
                self.assertEqual(len(gets), 8)
        # Per lock, the holders alternate: acquired, release, acquired, release, ...
        for (primitive, _), ops in by_obj.items():
            if primitive == "Lock":
                held = [op for op in ops if op in ("acquired", "release")]
                self.assertEqual(held, ["acquired", "release"] * (len(held) // 2))
        names = {e["name"] for e in events}
        self.assertTrue({"P0", "P1", "C", "MainThread"} <= names)
        for name in ("P0", "P1", "C"):
            ops = [e["op"] for e in events if e["name"] == name]
            self.assertEqual(ops[0], "start")
            self.assertEqual(ops[-1], "end")
        for e in events:
            self.assertIsInstance(e["t_ns"], int)
            self.assertGreater(e["line"], 0)

    def test_free_running_events_are_consistent(self):
        run = self.trace(THREADS)
        self.check_consistent(run)
        ops = {e["op"] for e in run.of("thread")}
        for op in ("start", "end", "acquire", "acquired", "release", "wait", "notified",
                   "notify", "set", "put", "get"):
            self.assertIn(op, ops)

    def test_deadlock_is_detected_and_the_child_ends_within_two_seconds(self):
        run = self.trace(DEADLOCK, code=4, timeout=20)
        self.assertEqual(run.end["status"], "deadlock")
        deadlock = run.of("deadlock")[0]
        self.assertEqual({t["name"] for t in deadlock["threads"]}, {"MainThread", "one", "two"})
        last_block = max(e["t_ns"] for e in run.of("thread"))
        self.assertLess(run.ended_ns - last_block, 2000000000)

    def test_seeded_step_runs_are_reproducible(self):
        path = self.script(THREADS)
        orders = []
        for seed in (7, 7, 7, 8):
            run = self.run_tracer(path, "--step", "--seed", str(seed))
            self.assertEqual(run.code, 0, run.stderr)
            self.check_consistent(run)
            orders.append([(e["name"], e["op"], e["primitive"], e["line"])
                           for e in run.of("thread")])
        self.assertEqual(orders[0], orders[1])
        self.assertEqual(orders[0], orders[2])

    def test_step_mode_finds_the_deadlocking_interleaving(self):
        path = self.script(STEP_DEADLOCK)
        outcomes = {}
        for seed in range(12):
            start = time.monotonic()
            run = self.run_tracer(path, "--seed", str(seed), timeout=20)
            self.assertIn(run.code, (0, 4), run.stderr)
            self.assertLess(time.monotonic() - start, 10)
            outcomes.setdefault(run.code, []).append(seed)
            if run.code == 4:
                self.assertEqual(run.end["status"], "deadlock")
        self.assertIn(4, outcomes)
        self.assertIn(0, outcomes)
        # The same seed gives the same outcome.
        again = self.run_tracer(path, "--seed", str(outcomes[4][0]))
        self.assertEqual(again.code, 4)

    def test_manual_step_mode_follows_the_controller(self):
        read_end, write_end = os.pipe()
        proc = self.start_tracer(self.script(NO_DEADLOCK), "--step", "--control-fd",
                                 str(read_end), pass_fds=(read_end,))
        os.close(read_end)
        granted = []
        try:
            for raw in proc.stdout:
                event = json.loads(raw)
                if event["type"] == "ready":
                    # Always let the last-created waiting thread go.
                    choice = event["threads"][-1]["thread"]
                    granted.append(choice)
                    os.write(write_end, (json.dumps({"go": choice}) + "\n").encode())
                if event["type"] == "end":
                    break
            proc.wait(timeout=20)
        finally:
            os.close(write_end)
            proc.kill() if proc.poll() is None else None
            proc.stdout.close()
            proc.stderr.close()
        self.assertEqual(proc.returncode, 0)
        self.assertGreater(len(granted), 5)


    def test_threads_the_script_did_not_start_are_waited_for(self):
        # A Timer is started by the standard library's code, so it is not traced; the
        # thread waiting for it is not deadlocked, in either mode. The second thread reuses
        # the ident of the first, which has ended.
        source = """
            import threading, queue
            q = queue.Queue()
            w = threading.Thread(target=q.put, args=(1,))
            w.start()
            w.join()
            ready = threading.Event()
            t = threading.Timer(0.3, ready.set)
            t.start()
            ready.wait()
            t.join()
            print(q.get())
        """
        path = self.script(source)
        for options in ((), ("--seed", "1"), ("--seed", "2")):
            run = self.run_tracer(path, *options, timeout=20)
            self.assertEqual(run.code, 0, run.stderr)
            self.assertEqual(run.end["status"], "ok")


class EndingTests(TracerTest):
    def test_syntax_error(self):
        run = self.trace("x = 1\nif x\n    pass\n", code=1)
        error = run.of("error")[0]
        self.assertEqual(error["kind"], "SyntaxError")
        self.assertEqual(error["line"], 2)
        self.assertEqual(run.end["status"], "error")

    def test_exception(self):
        run = self.trace("def f(x):\n    return 1 / x\n\nf(0)\n", code=1)
        error = run.of("error")[0]
        self.assertEqual(error["kind"], "ZeroDivisionError")
        self.assertEqual(error["line"], 2)
        self.assertIn("ZeroDivisionError", error["traceback"])
        self.assertNotIn("wbtrace", error["traceback"])
        self.assertEqual(run.end["status"], "error")

    def test_time_limit(self):
        run = self.trace("while True:\n    pass\n", "--time-limit", "1", code=3)
        self.assertEqual(run.of("limit")[0]["what"], "time")
        self.assertEqual(run.end["status"], "time-limit")
        self.assertLess(run.elapsed, 6)

    def test_ten_megabytes_of_output(self):
        run = self.trace("import sys\nline = 'x' * 1023 + '\\n'\nfor _ in range(10240):\n"
                         "    sys.stdout.write(line)\n")
        self.assertEqual(len(run.stderr), 10 * 1024 * 1024)
        self.assertEqual(run.end["status"], "ok")

    @unittest.skipUnless(hasattr(os, "fork"), "needs fork")
    def test_fork(self):
        source = """
            import os, sys
            a = [1, 2]
            pid = os.fork()
            if pid == 0:
                a.append(3)
                sys.exit(0)
            os.waitpid(pid, 0)
            a.append(4)
        """
        run = self.trace(source)
        self.assertEqual(len(run.of("fork")), 1)
        self.assertEqual([e["len"] for e in run.of("list")], [2, 3])

    def test_events_on_their_own_descriptor(self):
        read_end, write_end = os.pipe()
        proc = self.start_tracer(self.script("print('hello')\na = [1]\n"), "--events-fd",
                                 str(write_end), pass_fds=(write_end,))
        os.close(write_end)
        with os.fdopen(read_end, "rb") as events:
            lines = events.read().decode().splitlines()
        out, _ = proc.communicate(timeout=20)
        self.assertEqual(proc.returncode, 0)
        self.assertEqual(out, b"hello\n")
        self.assertEqual([json.loads(line)["type"] for line in lines], ["hello", "list", "end"])


class BadInputTests(TracerTest):
    def check_bad(self, path, *options):
        run = self.run_tracer(path, *options)
        self.assertEqual(run.code, 2)
        self.assertEqual(run.events, [])
        message = run.stderr.decode()
        self.assertTrue(message.startswith("wbtrace: "), message)
        self.assertEqual(len(message.strip().splitlines()), 1, message)
        return message

    def test_missing_file(self):
        self.assertIn("no such file", self.check_bad(os.path.join(self.tmp.name, "nope.py")))

    def test_directory(self):
        self.assertIn("directory", self.check_bad(self.tmp.name))

    def test_binary(self):
        self.assertIn("binary", self.check_bad(self.script(None, raw=b"\x7fELF\x00\x01")))

    def test_not_utf8(self):
        self.assertIn("UTF-8", self.check_bad(self.script(None, raw=b"x = '\xe9t\xe9'\n")))

    def test_step_without_a_chooser(self):
        self.check_bad(self.script("pass\n"), "--step")

    def test_unsupported_version(self):
        for old in ("/root/.pyenv/versions/3.7.16/bin/python3",
                    "/root/.pyenv/versions/3.6.15/bin/python3"):
            if os.path.exists(old):
                run = self.run_tracer(self.script("pass\n"), python=old)
                self.assertEqual(run.code, 2)
                self.assertIn("Python 3.", run.stderr.decode())
                return
        self.skipTest("no old interpreter on this machine")


if __name__ == "__main__":
    unittest.main()
