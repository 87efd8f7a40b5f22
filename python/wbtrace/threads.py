"""Tracing of the script's threads and synchronisation objects.

``install`` replaces the constructors in ``threading`` and ``queue`` before the script runs.
An object is traced only when the script's own code creates it (the constructor's caller is
a frame of the script); objects made inside the standard library stay the plain ones.

Two modes:
- free running: the real operations run as usual and each one is reported; a monitor thread
  reports a deadlock when every live traced thread sits in an untimed blocking operation and
  nothing progressed over two checks;
- step mode: every operation first waits at a gate until the scheduler lets its thread go
  (one thread runs at a time; the choice is the controller's or a seeded random one). A
  granted operation is attempted without blocking; when it cannot proceed the thread waits
  again, marked blocked, until another thread makes progress.
"""

import json
import os
import queue as _queue
import random
import sys
import threading
import time
import _thread

_real = {
    "Lock": threading.Lock,
    "RLock": threading.RLock,
    "Condition": threading.Condition,
    "Semaphore": threading.Semaphore,
    "BoundedSemaphore": threading.BoundedSemaphore,
    "Event": threading.Event,
    "Thread": threading.Thread,
    "Queue": _queue.Queue,
    "LifoQueue": _queue.LifoQueue,
    "PriorityQueue": _queue.PriorityQueue,
}
_allocate_lock = _thread.allocate_lock
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_NOT_BLOCKED = {"blocked": False}
_real_rlock = threading._CRLock or threading._PyRLock

_tracer = None  # the Tracer in force


def _caller_is_script(depth):
    try:
        frame = sys._getframe(depth + 1)
    except ValueError:
        return False
    return frame.f_code.co_filename == _tracer.filename


def _script_line():
    frame = sys._getframe(2)
    filename = _tracer.filename
    depth = 0
    while frame is not None and depth < 40:
        if frame.f_code.co_filename == filename:
            return frame.f_lineno
        frame = frame.f_back
        depth += 1
    return 0


class _ThreadInfo:
    __slots__ = ("ident", "name", "seq", "state", "blocked", "untimed", "pending", "grant",
                 "timed_out", "timeout_ok", "ended", "announced")

    def __init__(self, ident, name, seq):
        self.ident = ident
        self.name = name
        self.seq = seq
        self.state = "running"
        self.blocked = None  # free mode: (op, primitive, obj, line) while blocked
        self.untimed = False
        self.pending = None  # step mode: (op, primitive, obj, line)
        self.grant = _allocate_lock()
        self.grant.acquire()
        self.timed_out = False
        self.timeout_ok = False
        self.ended = False
        self.announced = False


class Tracer:
    def __init__(self, emitter, filename, step, seed, finish):
        self.emitter = emitter
        self.filename = filename
        self.step = step
        self.manual = step and seed is None
        self.rng = random.Random(seed) if seed is not None else None
        self.finish = finish  # finish(status, exit_code, extra_event_or_None)
        self.active = True
        self.lock = _allocate_lock()
        self.threads = {}  # ident -> _ThreadInfo
        self.by_thread = {}  # id(Thread object) -> _ThreadInfo before it has an ident
        self.seq = 0
        self.progress = 0
        self.running = 1
        self.last_ready = None
        self._prefixes = {}
        main = threading.main_thread()
        self.threads[main.ident] = _ThreadInfo(main.ident, main.name, 0)

    # -- events ------------------------------------------------------------------------

    def emit(self, op, primitive, obj, line, **extra):
        if not self.active:
            return
        cur = threading.current_thread()
        key = (cur.ident, cur.name)
        prefix = self._prefixes.get(key)
        if prefix is None:
            prefix = '{"type":"thread","thread":%d,"name":%s' % (
                cur.ident, json.dumps(cur.name, ensure_ascii=False))
            self._prefixes[key] = prefix
        if type(obj) is _CondLockView:
            obj = obj._cond
        text = '%s,"op":"%s","primitive":"%s","obj":%d,"line":%d,"t_ns":%d' % (
            prefix, op, primitive, id(obj), line, time.monotonic_ns())
        if not extra:
            text += "}"
        elif extra == _NOT_BLOCKED:
            text += ',"blocked":false}'
        else:
            text += "," + _dumps(extra)[1:]
        self.emitter.raw(text)
        if self.step:
            self.emitter.flush()

    def me(self):
        ident = threading.get_ident()
        info = self.threads.get(ident)
        if info is None:
            with self.lock:
                info = self.threads.get(ident)
                if info is None:
                    self.seq += 1
                    info = _ThreadInfo(ident, threading.current_thread().name, self.seq)
                    self.threads[ident] = info
                    self.running += 1
        return info

    # -- free mode: blocking and the deadlock monitor ---------------------------------

    def block_begin(self, op, primitive, obj, line, untimed):
        info = self.threads.get(threading.get_ident())
        if info is not None:
            info.untimed = untimed
            info.blocked = (op, primitive, id(obj), line)

    def block_end(self):
        info = self.threads.get(threading.get_ident())
        if info is not None:
            info.blocked = None
        self.progress += 1

    def monitor(self):
        last = None
        strikes = 0
        while True:
            time.sleep(0.1)
            if not self.active:
                return
            self.emitter.flush()
            live = [t for t in list(self.threads.values()) if not t.ended]
            stuck = bool(live) and all(t.blocked is not None and t.untimed for t in live)
            if stuck and self._untraced_threads_alive():
                # A thread the script did not start itself (a Timer, a library's worker)
                # may still release the others.
                stuck = False
            if not stuck:
                strikes = 0
                continue
            key = (self.progress, tuple(sorted(t.ident for t in live)))
            strikes = strikes + 1 if key == last else 1
            last = key
            if strikes >= 2:
                self._deadlock([(t, t.blocked) for t in live])
                return

    def _untraced_threads_alive(self):
        known = self.threads
        for t in threading.enumerate():
            if t.ident not in known and not isinstance(t, threading._DummyThread):
                return True
        return False

    def _deadlock(self, pairs):
        threads = []
        for info, what in pairs:
            op, primitive, obj, line = what if what else (None, None, None, None)
            threads.append({"thread": info.ident, "name": info.name, "op": op,
                            "primitive": primitive, "obj": obj, "line": line})
        self.finish("deadlock", 4, {"type": "deadlock", "threads": threads,
                                    "t_ns": time.monotonic_ns()})

    # -- step mode: the gate and the scheduler -----------------------------------------

    def _progressed(self):
        """Some thread made progress (under self.lock): the blocked ones may try again."""
        self.progress += 1
        for t in self.threads.values():
            if t.state == "blocked":
                t.state = "gated"

    def gate(self, op, primitive, obj, line, attempt, timeout_ok=False):
        """Runs attempt() once this thread is let go and it can proceed.

        attempt() returns (done, value). Returns (value, timed_out).
        """
        info = self.threads.get(threading.get_ident())
        if info is None:
            # A thread the scheduler does not know (not started through the script's
            # threading.Thread): it is not stepped, its operation is retried until it can
            # proceed.
            while True:
                done, value = attempt()
                if done:
                    with self.lock:
                        self._progressed()
                        self._schedule()
                    return value, False
                time.sleep(0.001)
        with self.lock:
            info.state = "gated"
            info.pending = (op, primitive, id(obj), line)
            info.timeout_ok = timeout_ok
            self.running -= 1
            self._schedule()
        while True:
            info.grant.acquire()
            if info.timed_out:
                info.timed_out = False
                return None, True
            done, value = attempt()
            if done:
                with self.lock:
                    self._progressed()
                return value, False
            with self.lock:
                info.state = "blocked"
                self.running -= 1
                self._schedule()

    def wait_notify(self, cond_waiters, timeout_ok):
        """Step mode: parks this thread until a notify (or a forced time-out)."""
        info = self.me()
        with self.lock:
            info.state = "waitnotify"
            info.timeout_ok = timeout_ok
            cond_waiters.append(info)
            self.running -= 1
            self._progressed()
            self._schedule()
        info.grant.acquire()
        if info.timed_out:
            info.timed_out = False
            with self.lock:
                if info in cond_waiters:
                    cond_waiters.remove(info)
            return False
        return True

    def notify(self, cond_waiters, n):
        with self.lock:
            woken = cond_waiters[:n]
            del cond_waiters[:n]
            for t in woken:
                t.state = "gated"
                t.pending = ("notified",) + (t.pending[1:] if t.pending else (None, None, 0))

    def _grant(self, info, timed_out=False):
        info.state = "running"
        info.timed_out = timed_out
        self.running += 1
        op, primitive, obj, line = info.pending or (None, None, 0, 0)
        if self.active:
            self.emitter.final({"type": "step", "thread": info.ident, "name": info.name,
                                "op": op, "primitive": primitive, "obj": obj, "line": line,
                                "timed_out": timed_out})
            self.emitter.flush()
        info.grant.release()

    def _schedule(self):
        if not self.step or self.running > 0 or not self.active:
            return
        live = sorted((t for t in self.threads.values() if not t.ended), key=lambda t: t.seq)
        ready = [t for t in live if t.state == "gated"]
        if ready:
            if self.manual:
                key = tuple(t.ident for t in ready)
                if key != self.last_ready:
                    self.last_ready = key
                    self.emitter.final({"type": "ready", "threads": [
                        {"thread": t.ident, "name": t.name, "op": t.pending[0],
                         "primitive": t.pending[1], "obj": t.pending[2], "line": t.pending[3]}
                        for t in ready]})
                    self.emitter.flush()
                return
            self._grant(self.rng.choice(ready))
            return
        waiting = [t for t in live if t.state in ("blocked", "waitnotify")]
        timed = [t for t in waiting if t.timeout_ok]
        if timed:
            choice = self.rng.choice(timed) if self.rng else timed[0]
            self._grant(choice, timed_out=True)
            return
        if waiting and not self._untraced_threads_alive():
            self._deadlock([(t, t.pending) for t in waiting])

    def poll(self):
        """Step mode: flushes the events and re-runs the scheduler every 0.1 s (for threads
        it does not know)."""
        while self.active:
            time.sleep(0.1)
            self.emitter.flush()
            with self.lock:
                self._schedule()

    def go(self, ident):
        """Manual step mode: the controller lets one thread go."""
        with self.lock:
            info = self.threads.get(ident)
            if info is None or info.state != "gated" or self.running > 0:
                self.emitter.final({"type": "control", "ok": False, "go": ident,
                                    "message": "that thread is not waiting to be let go"})
                self.emitter.flush()
                return
            self.last_ready = None
            self._grant(info)

    def control_loop(self, fd):
        with os.fdopen(fd, "rb", buffering=0, closefd=False) as stream:
            buffer = b""
            while True:
                chunk = stream.read(4096)
                if not chunk:
                    self.finish("stopped", 3, {"type": "limit", "what": "control",
                                               "message": "the control stream was closed"})
                    return
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    if not line.strip():
                        continue
                    try:
                        command = json.loads(line.decode("utf-8"))
                    except ValueError:
                        command = None
                    if isinstance(command, dict) and isinstance(command.get("go"), int):
                        self.go(command["go"])
                    elif isinstance(command, dict) and command.get("stop"):
                        self.finish("stopped", 3, {"type": "limit", "what": "control",
                                                   "message": "stopped by the controller"})
                        return
                    else:
                        self.emitter.final({"type": "control", "ok": False,
                                            "message": "unknown command"})
                        self.emitter.flush()

    # -- threads -----------------------------------------------------------------------

    def register_child(self, thread):
        """Called by the parent just before a traced thread starts."""
        with self.lock:
            self.seq += 1
            info = _ThreadInfo(None, thread.name, self.seq)
            self.by_thread[id(thread)] = info
            self.running += 1

    def child_started(self, thread):
        with self.lock:
            info = self.by_thread.pop(id(thread), None)
            if info is None:
                self.seq += 1
                info = _ThreadInfo(None, thread.name, self.seq)
                self.running += 1
            info.ident = threading.get_ident()
            info.name = thread.name
            self.threads[info.ident] = info

    def thread_ended(self, ident=None):
        with self.lock:
            info = self.threads.get(ident if ident is not None else threading.get_ident())
            if info is None or info.ended:
                return
            info.ended = True
            info.state = "ended"
            # Thread idents are reused: a later thread must not find this entry.
            del self.threads[info.ident]
            self.running -= 1
            self._progressed()
            self._schedule()


# -- the traced classes --------------------------------------------------------------------


def _op(primitive, obj, op, line, attempt, blocking=True, timeout=None, done_op=None,
        fail_op="timeout"):
    """Step mode: one operation that may have to wait, through the gate, with its events.

    attempt() tries the operation without blocking and returns its value (false when it
    could not proceed). Returns that value, or False when the operation timed out.
    """
    tr = _tracer
    tr.emit(op, primitive, obj, line)
    if not blocking:
        value, _ = tr.gate(op, primitive, obj, line, lambda: (True, attempt()))
    else:

        def try_once():
            value = attempt()
            return bool(value), value

        value, timed_out = tr.gate(op, primitive, obj, line, try_once,
                                   timeout_ok=timeout is not None)
        if timed_out:
            value = False
    if done_op:
        tr.emit(done_op if value else fail_op, primitive, obj, line)
    return value


def _proceed():
    return True, None


def _traced_here(depth):
    """True when the caller `depth` frames up is the script and tracing is on: objects are
    traced only when the script's own code makes them."""
    return _tracer is not None and _tracer.active and _caller_is_script(depth + 1)


def _announce(op, kind, obj, **extra):
    """An operation that never waits (release, set, clear): its event, then in step mode the
    gate. The caller performs the real operation afterwards."""
    tr = _tracer
    line = _script_line()
    tr.emit(op, kind, obj, line, **extra)
    if tr.step:
        tr.gate(op, kind, obj, line, _proceed)


def _blocked(op, kind, obj, line, untimed, call):
    """Free running: call() is a blocking operation; the deadlock monitor sees the thread in
    it until it returns."""
    tr = _tracer
    tr.block_begin(op, kind, obj, line, untimed)
    try:
        return call()
    finally:
        tr.block_end()


def _acquire(kind, obj, line, try_now, wait, blocking, timeout, untimed):
    """An acquire of a lock or a semaphore with its events: try_now() takes it without
    waiting, wait() waits for it (with the caller's time-out)."""
    tr = _tracer
    if tr.step:
        return _op(kind, obj, "acquire", line, try_now, blocking, timeout, done_op="acquired")
    if try_now():
        tr.emit("acquire", kind, obj, line, blocked=False)
        tr.emit("acquired", kind, obj, line)
        return True
    tr.emit("acquire", kind, obj, line, blocked=bool(blocking))
    if not blocking:
        tr.emit("timeout", kind, obj, line, blocking=False)
        return False
    ok = _blocked("acquire", kind, obj, line, untimed, wait)
    tr.emit("acquired" if ok else "timeout", kind, obj, line)
    return ok


def _wait(kind, obj, line, untimed, call, **extra):
    """Free running: a wait on a Condition or an Event, with its events."""
    tr = _tracer
    tr.emit("wait", kind, obj, line, **extra)
    ok = _blocked("wait", kind, obj, line, untimed, call)
    tr.emit("notified" if ok else "timeout", kind, obj, line)
    return ok


class TracedLock:
    _kind = "Lock"

    def __init__(self, inner):
        self._inner = inner

    def acquire(self, blocking=True, timeout=-1):
        tr = _tracer
        if not tr.active:
            return self._inner.acquire(blocking, timeout)
        inner = self._inner
        untimed = timeout is None or timeout < 0
        return _acquire(self._kind, self, _script_line(), lambda: inner.acquire(False),
                        lambda: inner.acquire(True, timeout), blocking,
                        None if untimed else timeout, untimed)

    def release(self):
        if _tracer.active:
            _announce("release", self._kind, self)
        self._inner.release()

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()

    def locked(self):
        return self._inner.locked()

    def _is_owned(self):
        if self._inner.acquire(False):
            self._inner.release()
            return False
        return True

    def _at_fork_reinit(self):
        self._inner._at_fork_reinit()

    def __repr__(self):
        return "<traced %s %r>" % (self._kind, self._inner)


class TracedRLock(TracedLock):
    _kind = "RLock"

    def _is_owned(self):
        return self._inner._is_owned()

    def _release_save(self):
        if _tracer.active:
            _tracer.emit("release", self._kind, self, _script_line(), by="wait")
        return self._inner._release_save()

    def _acquire_restore(self, state):
        self._inner._acquire_restore(state)
        if _tracer.active:
            _tracer.emit("acquired", self._kind, self, _script_line(), by="wait")


def Lock():
    if _traced_here(1):
        return TracedLock(_allocate_lock())
    return _allocate_lock()


def RLock(*args, **kwargs):
    if _traced_here(1):
        return TracedRLock(_real_rlock())
    return _real_rlock(*args, **kwargs)


class TracedCondition(_real["Condition"]):
    def __init__(self, lock=None):
        self._wb = _traced_here(1)
        raw = lock._inner if isinstance(lock, TracedLock) else lock
        if raw is None:
            raw = _real_rlock()
        super().__init__(raw)
        self._wb_waiters = []
        self._wb_rlock = not isinstance(raw, type(_allocate_lock()))
        if self._wb:
            del self.acquire
            del self.release

    def acquire(self, blocking=True, timeout=-1):
        return TracedLock.acquire(self._wb_view(), blocking, timeout)

    def release(self):
        TracedLock.release(self._wb_view())

    def _wb_view(self):
        view = _CondLockView.__new__(_CondLockView)
        view._inner = self._lock
        view._cond = self
        return view

    def __enter__(self):
        if self._wb:
            return self.acquire()
        return self._lock.__enter__()

    def __exit__(self, *exc):
        if self._wb:
            return self.release()
        return self._lock.__exit__(*exc)

    def wait(self, timeout=None):
        tr = _tracer
        if not (self._wb and tr.active):
            return super().wait(timeout)
        line = _script_line()
        if not tr.step:
            return _wait("Condition", self, line, timeout is None,
                         lambda: super(TracedCondition, self).wait(timeout))
        if not self._is_owned():
            raise RuntimeError("cannot wait on un-acquired lock")
        tr.emit("wait", "Condition", self, line)
        tr.gate("wait", "Condition", self, line, _proceed)
        inner = self._lock
        if self._wb_rlock:
            count, _owner = inner._release_save()
        else:
            count = 1
            inner.release()
        ok = tr.wait_notify(self._wb_waiters, timeout is not None)
        tr.emit("notified" if ok else "timeout", "Condition", self, line)

        def reacquire():
            if not inner.acquire(False):
                return False, None
            for _ in range(count - 1):
                inner.acquire()
            return True, None

        tr.gate("acquire", "Condition", self, line, reacquire)
        tr.emit("acquired", "Condition", self, line, by="wait")
        return ok

    def notify(self, n=1):
        tr = _tracer
        if self._wb and tr.active:
            line = _script_line()
            tr.emit("notify", "Condition", self, line, n=n)
            if tr.step:
                if not self._is_owned():
                    raise RuntimeError("cannot notify on un-acquired lock")
                tr.gate("notify", "Condition", self, line, _proceed)
                tr.notify(self._wb_waiters, n)
                return
        super().notify(n)

    def notify_all(self):
        if self._wb and _tracer.active and _tracer.step:
            self.notify(len(self._wb_waiters) or 1)
            return
        self.notify(len(self._waiters) or 1)

    notifyAll = notify_all


class _CondLockView(TracedLock):
    """Presents a Condition's lock to TracedLock's methods under the Condition's name."""

    _kind = "Condition"

    def __init__(self):
        pass

    def __eq__(self, other):
        return False

    __hash__ = object.__hash__


class _SemaphoreMixin:
    _kind = "Semaphore"

    def acquire(self, blocking=True, timeout=None):
        if not (self._wb and _tracer.active):
            return super().acquire(blocking, timeout)
        base = super()
        return _acquire(self._kind, self, _script_line(), lambda: base.acquire(False),
                        lambda: base.acquire(True, timeout), blocking, timeout,
                        timeout is None)

    def release(self, n=1):
        if self._wb and _tracer.active:
            _announce("release", self._kind, self)
        super().release(n) if n != 1 else super().release()

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()


class TracedSemaphore(_SemaphoreMixin, _real["Semaphore"]):
    def __init__(self, value=1):
        super().__init__(value)
        self._wb = _traced_here(1)


class TracedBoundedSemaphore(_SemaphoreMixin, _real["BoundedSemaphore"]):
    _kind = "BoundedSemaphore"

    def __init__(self, value=1):
        # BoundedSemaphore.__init__ names Semaphore through the patched module global.
        _real["Semaphore"].__init__(self, value)
        self._initial_value = value
        self._wb = _traced_here(1)


class TracedEvent(_real["Event"]):
    def __init__(self):
        super().__init__()
        self._wb = _traced_here(1)

    def set(self):
        if self._wb and _tracer.active:
            _announce("set", "Event", self)
        super().set()

    def clear(self):
        if self._wb and _tracer.active:
            _announce("clear", "Event", self)
        super().clear()

    def wait(self, timeout=None):
        tr = _tracer
        if not (self._wb and tr.active):
            return super().wait(timeout)
        line = _script_line()
        if tr.step:
            return _op("Event", self, "wait", line, self.is_set, True, timeout,
                       done_op="notified")
        return _wait("Event", self, line, timeout is None,
                     lambda: super(TracedEvent, self).wait(timeout), already_set=self.is_set())


class _QueueMixin:
    _wb_kind = "Queue"

    def _put(self, item):
        super()._put(item)
        if self._wb and _tracer.active:
            _tracer.emit("put", self._wb_kind, self, _script_line(), size=self._qsize())

    def _get(self):
        item = super()._get()
        if self._wb and _tracer.active:
            _tracer.emit("get", self._wb_kind, self, _script_line(), size=self._qsize())
        return item

    def _wb_call(self, op, call, refused, block, timeout):
        """put or get with its events: call(block, timeout) is the real one, `refused` the
        exception it raises when it cannot proceed (queue.Full or queue.Empty). The item's
        own event comes from _put or _get."""
        tr = _tracer
        kind = self._wb_kind
        line = _script_line()
        if tr.step:

            def attempt():
                try:
                    return True, call(False, None)
                except refused:
                    return False, None

            value, timed_out = tr.gate(op, kind, self, line, attempt,
                                       timeout_ok=block and timeout is not None)
            if timed_out:
                tr.emit("timeout", kind, self, line)
                raise refused
            return value
        try:
            return call(False, None)
        except refused:
            if not block:
                raise
        tr.emit(op, kind, self, line, blocked=True)
        try:
            return _blocked(op, kind, self, line, timeout is None,
                            lambda: call(True, timeout))
        except refused:
            tr.emit("timeout", kind, self, line)
            raise

    def put(self, item, block=True, timeout=None):
        base = super()
        if not (self._wb and _tracer.active):
            return base.put(item, block, timeout)
        return self._wb_call("put", lambda b, t: base.put(item, b, t), _queue.Full, block,
                             timeout)

    def get(self, block=True, timeout=None):
        base = super()
        if not (self._wb and _tracer.active):
            return base.get(block, timeout)
        return self._wb_call("get", base.get, _queue.Empty, block, timeout)


def _traced_queue(kind):
    """The traced class of queue.<kind>."""

    def __init__(self, maxsize=0):
        _real[kind].__init__(self, maxsize)
        self._wb = _traced_here(1)

    return type("Traced" + kind, (_QueueMixin, _real[kind]),
                {"_wb_kind": kind, "__init__": __init__, "__module__": __name__})


TracedQueue = _traced_queue("Queue")
TracedLifoQueue = _traced_queue("LifoQueue")
TracedPriorityQueue = _traced_queue("PriorityQueue")


class TracedThread(_real["Thread"]):
    def __init__(self, *args, **kwargs):
        # Called by name (Thread.__init__(self)) from threading's own subclasses too.
        _real["Thread"].__init__(self, *args, **kwargs)
        self._wb = _traced_here(1)
        self._wb_ended = False

    def start(self):
        tr = _tracer
        if not (self._wb and tr.active):
            return super().start()
        line = _script_line()
        original_run = self.run

        def run():
            tr.child_started(self)
            ident = threading.get_ident()
            try:
                if tr.step:
                    tr.gate("start", "Thread", self, line, _proceed)
                tr.emit("start", "Thread", self, line, role="child")
                original_run()
            finally:
                if tr.active:
                    tr.emit("end", "Thread", self, line)
                self._wb_ended = True
                tr.thread_ended(ident)

        self.run = run
        if tr.step:
            tr.gate("start", "Thread", self, line, _proceed)
        tr.emit("start", "Thread", self, line, role="parent", target_name=self.name)
        tr.register_child(self)
        super().start()

    def join(self, timeout=None):
        tr = _tracer
        if not (self._wb and tr.active) or threading.current_thread() is self:
            return super().join(timeout)
        line = _script_line()
        if tr.step:
            tr.emit("join", "Thread", self, line, target=self.ident)
            _, timed_out = tr.gate("join", "Thread", self, line,
                                   lambda: (self._wb_ended, None),
                                   timeout_ok=timeout is not None)
            if not timed_out:
                super().join()
            tr.emit("timeout" if timed_out else "joined", "Thread", self, line,
                    target=self.ident)
            return
        tr.emit("join", "Thread", self, line, target=self.ident)
        _blocked("join", "Thread", self, line, timeout is None,
                 lambda: super(TracedThread, self).join(timeout))
        tr.emit("timeout" if self.is_alive() else "joined", "Thread", self, line,
                target=self.ident)


def install(tracer):
    global _tracer
    _tracer = tracer
    threading.Lock = Lock
    threading.RLock = RLock
    threading.Condition = TracedCondition
    threading.Semaphore = TracedSemaphore
    threading.BoundedSemaphore = TracedBoundedSemaphore
    threading.Event = TracedEvent
    threading.Thread = TracedThread
    _queue.Queue = TracedQueue
    _queue.LifoQueue = TracedLifoQueue
    _queue.PriorityQueue = TracedPriorityQueue
    _thread.start_new_thread(tracer.poll if tracer.step else tracer.monitor, ())
