"""What the tests against RabbitMQ (rabbitmq_*_test.py) share: their checks, running
`workbench-cli messaging` and rabbitmq_tool, and reading the producer's output."""
import subprocess

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def run_cli(cli, *args, timeout=120):
    return subprocess.run([cli, "messaging", *args], capture_output=True, text=True,
                          timeout=timeout)


def run_tool(tool, url, *args, ok=(0,)):
    """rabbitmq_tool URL ARGS...; RuntimeError unless its exit code is in `ok`."""
    r = subprocess.run([tool, url, *args], capture_output=True, text=True, timeout=60)
    if r.returncode not in ok:
        raise RuntimeError("rabbitmq_tool %s: %s" % (" ".join(args), r.stderr.strip()))
    return r


def produced(stdout):
    """The integers `messaging produce` printed, in order."""
    values = []
    for line in stdout.splitlines():
        assert line.startswith("integer: "), line
        values.append(int(line[len("integer: "):]))
    return values


def finish():
    """The exit code: 0 when every check passed."""
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all checks passed")
    return 0
