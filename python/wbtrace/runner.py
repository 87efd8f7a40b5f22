"""Command line, checks of the input, and the run of the script under tracing."""

import argparse
import ast
import builtins
import os
import platform
import signal
import sys
import threading
import time
import traceback
import types
import _thread

from wbtrace import PROTOCOL_VERSION
from wbtrace import threads as wbthreads
from wbtrace.emit import Emitter
from wbtrace.lists import Layout, ListHooks, rewrite

EXIT_OK = 0
EXIT_SCRIPT_ERROR = 1
EXIT_BAD_INPUT = 2
EXIT_LIMIT = 3
EXIT_DEADLOCK = 4

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


class BadInput(Exception):
    pass


def _parser():
    p = argparse.ArgumentParser(
        prog="python3 -m wbtrace",
        description="Run a Python script and stream what CPython did with its lists and "
        "threads as JSON lines.",
    )
    p.add_argument("--events-fd", type=int, default=None, metavar="N",
                   help="descriptor for the event lines (default: standard output, and the "
                   "script's own standard output then goes to standard error)")
    p.add_argument("--control-fd", type=int, default=None, metavar="N",
                   help="step mode: descriptor the controller's JSON commands arrive on")
    p.add_argument("--step", action="store_true",
                   help="every synchronisation operation waits until its thread is let go")
    p.add_argument("--seed", type=int, default=None, metavar="S",
                   help="step mode with a seeded random choice of the next thread")
    p.add_argument("--max-events", type=int, default=1000000, metavar="N",
                   help="stop the run after N events (default 1000000)")
    p.add_argument("--time-limit", type=float, default=None, metavar="SECONDS",
                   help="stop the run after this many seconds")
    p.add_argument("--max-items", type=int, default=256, metavar="N",
                   help="element ids sent per list event at most (default 256)")
    p.add_argument("--max-pairs", type=int, default=10000, metavar="N",
                   help="comparison pairs sent per sort event at most (default 10000)")
    p.add_argument("script", metavar="SCRIPT")
    p.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS")
    return p


def _read_script(path):
    if not os.path.exists(path):
        raise BadInput("cannot run %s: there is no such file." % path)
    if os.path.isdir(path):
        raise BadInput("cannot run %s: it is a directory, not a Python file." % path)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise BadInput("cannot read %s: %s." % (path, e.strerror or e))
    if b"\0" in data:
        raise BadInput("cannot run %s: it is a binary file, not Python source." % path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise BadInput("cannot run %s: it is not UTF-8 text (byte %d)." % (path, e.start))


def _check_fd(fd, what):
    try:
        os.fstat(fd)
    except OSError:
        raise BadInput("the %s descriptor %d is not open." % (what, fd))


def _filtered_traceback(exc):
    frames = [
        fs for fs in traceback.extract_tb(exc.__traceback__)
        if not os.path.abspath(fs.filename).startswith(_PACKAGE_DIR + os.sep)
    ]
    text = "Traceback (most recent call last):\n" if frames else ""
    text += "".join(traceback.format_list(frames))
    text += "".join(traceback.format_exception_only(type(exc), exc))
    return text, frames


def main(argv):
    try:
        opts = _parser().parse_args(argv)
    except SystemExit as e:
        return EXIT_BAD_INPUT if e.code else 0
    try:
        return _run(opts)
    except BadInput as e:
        sys.stderr.write("wbtrace: %s\n" % e)
        sys.stderr.flush()
        return EXIT_BAD_INPUT


def _run(opts):
    path = os.path.abspath(opts.script)
    source = _read_script(opts.script)
    step = opts.step or opts.seed is not None
    if step and opts.seed is None and opts.control_fd is None:
        raise BadInput("step mode needs --seed S or --control-fd N to choose the threads.")
    if opts.max_events < 1 or opts.max_items < 0 or opts.max_pairs < 0:
        raise BadInput("the limits must be positive numbers.")
    if opts.time_limit is not None and opts.time_limit <= 0:
        raise BadInput("the time limit must be a positive number of seconds.")
    if opts.events_fd is not None:
        _check_fd(opts.events_fd, "events")
    if opts.control_fd is not None:
        _check_fd(opts.control_fd, "control")
    layout = Layout()
    if not layout.verified:
        raise BadInput("this interpreter's list objects are not laid out as wbtrace reads "
                       "them (a debug or free-threaded build?).")

    # The event stream.
    if opts.events_fd is not None:
        events_fd = opts.events_fd
    else:
        sys.stdout.flush()
        events_fd = os.dup(1)
        os.dup2(2, 1)
    os.set_inheritable(events_fd, False)
    emitter = Emitter(events_fd, opts.max_events)
    started = time.monotonic_ns()
    state = {"tracer": None, "hooks": None}
    finishing = _thread.allocate_lock()

    def end_event(status, code, **extra):
        event = {"type": "end", "status": status, "exit_code": code,
                 "events": min(emitter.emitted, opts.max_events),
                 "wall_ns": time.monotonic_ns() - started}
        event.update(extra)
        return event

    def stop_tracing():
        if state["tracer"] is not None:
            state["tracer"].active = False
        if state["hooks"] is not None:
            state["hooks"].enabled = False

    def finish(status, code, extra=None):
        """Ends the run at once from any thread: the last events, then the process exits."""
        if not finishing.acquire(False):
            while True:
                time.sleep(1)
        stop_tracing()
        if extra is not None:
            emitter.final(extra)
        emitter.final(end_event(status, code))
        emitter.flush()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(code)

    emitter.on_limit = lambda: finish(
        "limit", EXIT_LIMIT,
        {"type": "limit", "what": "events", "max_events": opts.max_events,
         "message": "the run stopped after %d events" % opts.max_events})

    emitter.final({
        "type": "hello",
        "protocol": PROTOCOL_VERSION,
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
        "executable": sys.executable,
        "pid": os.getpid(),
        "script": path,
        "mode": "step" if step else "free",
        "seed": opts.seed,
        "list_layout": layout.describe(),
        "limits": {"max_events": opts.max_events, "time_limit": opts.time_limit,
                   "max_items": opts.max_items, "max_pairs": opts.max_pairs},
        "t_ns": started,
    })
    emitter.flush()

    try:
        tree = ast.parse(source, path)
        code = compile(rewrite(tree), path, "exec", dont_inherit=True)
    except SyntaxError as e:
        text = "".join(traceback.format_exception_only(SyntaxError, e))
        emitter.final({"type": "error", "kind": "SyntaxError", "message": e.msg,
                       "file": path, "line": e.lineno, "offset": e.offset, "traceback": text})
        emitter.final(end_event("error", EXIT_SCRIPT_ERROR))
        emitter.flush()
        sys.stderr.write(text)
        return EXIT_SCRIPT_ERROR

    hooks = ListHooks(emitter, layout, path, opts.max_items, opts.max_pairs)
    tracer = wbthreads.Tracer(emitter, path, step, opts.seed, finish)
    state["hooks"], state["tracer"] = hooks, tracer
    wbthreads.install(tracer)

    def fork_child():
        emitter.disable()
        stop_tracing()

    def fork_parent():
        if tracer.active:
            emitter.final({"type": "fork", "thread": threading.get_ident(),
                           "line": _line_of_script(path), "t_ns": time.monotonic_ns()})

    if hasattr(os, "register_at_fork"):
        os.register_at_fork(before=emitter.flush, after_in_child=fork_child,
                            after_in_parent=fork_parent)

    if opts.time_limit is not None:
        limit = opts.time_limit

        def watchdog():
            time.sleep(limit)
            finish("time-limit", EXIT_LIMIT,
                   {"type": "limit", "what": "time", "seconds": limit,
                    "message": "the run stopped after %g s" % limit})

        _thread.start_new_thread(watchdog, ())
        # A script stuck inside one C call never lets the watchdog run: SIGALRM, left at its
        # default action, then ends the process one to two seconds later (without an end line).
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(int(limit) + 2)

    if tracer.manual:
        _thread.start_new_thread(tracer.control_loop, (opts.control_fd,))

    module = types.ModuleType("__main__")
    module.__file__ = path
    module.__builtins__ = builtins
    module.__dict__["__wbtrace__"] = hooks
    sys.modules["__main__"] = module
    sys.argv = [opts.script] + list(opts.args)
    sys.path[0] = os.path.dirname(path)

    status, exit_code = "ok", EXIT_OK
    try:
        exec(code, module.__dict__)
    except SystemExit as e:
        status = "exit"
        if e.code is None:
            exit_code = 0
        elif isinstance(e.code, int):
            exit_code = e.code
        else:
            sys.stderr.write("%s\n" % e.code)
            exit_code = 1
    except BaseException as e:
        text, frames = _filtered_traceback(e)
        line = None
        for fs in reversed(frames):
            if fs.filename == path:
                line = fs.lineno
                break
        try:
            sys.stderr.write(text)
        except Exception:
            pass
        finish("error", EXIT_SCRIPT_ERROR,
               {"type": "error", "kind": type(e).__name__, "message": str(e), "file": path,
                "line": line, "traceback": text, "t_ns": time.monotonic_ns()})

    # The main thread is done; the threads it started still run to their end.
    tracer.thread_ended(threading.main_thread().ident)
    for t in threading.enumerate():
        if t is not threading.main_thread() and not t.daemon:
            wbthreads._real["Thread"].join(t)
    stop_tracing()
    emitter.final(end_event(status, exit_code))
    emitter.flush()
    emitter.disable()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    return exit_code


def _line_of_script(path):
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename == path:
            return frame.f_lineno
        frame = frame.f_back
    return None
