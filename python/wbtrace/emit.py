"""The event stream: one JSON object per line, UTF-8, written to a file descriptor."""

import itertools
import json
import os
import time
import _thread

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class LimitReached(Exception):
    """Raised inside the script when the event cap has been reached."""


class Emitter:
    """Buffers event lines and writes them to one descriptor.

    Lines are kept in a Python list (appending is atomic under the GIL) and written in
    batches: whenever the batch grows past ``batch`` lines, at every synchronisation event
    in step mode, every 0.1 s from the tracer's monitor thread, and at the end of the run.
    """

    def __init__(self, fd, max_events, batch=2048):
        self.fd = fd
        self.max_events = max_events
        self.batch = batch
        self._pending = []
        self._count = itertools.count(1)
        self.emitted = 0
        self._write_lock = _thread.allocate_lock()
        self.enabled = True
        self.stopped = False
        self.on_limit = None

    def _admit(self):
        n = next(self._count)
        self.emitted = n
        if n > self.max_events:
            if not self.stopped:
                self.stopped = True
                if self.on_limit is not None:
                    self.on_limit()
            raise LimitReached()

    def event(self, obj):
        """Queue one event given as a dict."""
        if not self.enabled:
            return
        self._admit()
        self._pending.append(_dumps(obj))
        if len(self._pending) >= self.batch:
            self.flush()

    def raw(self, line):
        """Queue one event already encoded as a JSON object without the newline."""
        if not self.enabled:
            return
        self._admit()
        self._pending.append(line)
        if len(self._pending) >= self.batch:
            self.flush()

    def final(self, obj):
        """Queue an event that is never refused by the cap (limit, error, end)."""
        if self.enabled:
            self._pending.append(_dumps(obj))

    def flush(self):
        if not self.enabled:
            return
        with self._write_lock:
            # Other threads keep appending to the same list: take a prefix and cut it off
            # in one step rather than swapping the list (a swap could lose a line).
            pending = self._pending
            n = len(pending)
            if not n:
                return
            chunk = pending[:n]
            del pending[:n]
            data = ("\n".join(chunk) + "\n").encode("utf-8", "backslashreplace")
            view = memoryview(data)
            while view:
                try:
                    written = os.write(self.fd, view)
                except InterruptedError:
                    continue
                except (BrokenPipeError, OSError):
                    # The reader went away: nothing more can be reported.
                    self.enabled = False
                    return
                view = view[written:]

    def disable(self):
        """Drops everything from now on (used in a forked child)."""
        self.enabled = False
        self._pending = []


def now_ns():
    return time.monotonic_ns()


dumps = _dumps
