#!/usr/bin/python3
"""`workbench-cli messaging serve` against AMQP clients nobody here wrote: python3-pika and
amqp-tools (amqp-publish, amqp-get, amqp-consume, on rabbitmq-c).

    amqp_server_interop_test.py WORKBENCH_CLI

pika: the four exchange types, declare/bind/unbind/purge/delete, persistent publishes with
confirms, a mandatory publish nobody takes, consume with prefetch, ack/nack/reject with and
without requeue, basic.get, cancel, 404/406 channel errors, a 1 MiB body over 128 KiB
frames, heartbeats, tx.select refused with 540, a consumer killed holding deliveries (they go
to the next one). amqp-tools: publish, get and consume. Then SIGTERM: exit 0; a second
server on the same port: exit 2. Exit 77 (skipped) without pika.
"""

import os
import re
import signal
import subprocess
import sys
import time

try:
    import pika
    import pika.exceptions
except ImportError:
    print("python3-pika is not installed: skipped")
    sys.exit(77)

CLI = sys.argv[1]
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def start_server(extra=()):
    p = subprocess.Popen([CLI, "messaging", "serve", "--listen", "127.0.0.1:0", *extra],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    m = re.search(r"amqp://127\.0\.0\.1:(\d+)/", line)
    if not m:
        p.kill()
        print("serve did not start:", line, p.stderr.read())
        sys.exit(1)
    return p, int(m.group(1))


server, port = start_server()
url = f"amqp://guest:guest@127.0.0.1:{port}/"


def connect(name, heartbeat=30):
    params = pika.URLParameters(url)
    params.client_properties = {"connection_name": name}
    params.heartbeat = heartbeat
    return pika.BlockingConnection(params)


try:
    conn = connect("pika-session")
    ch = conn.channel()
    ch.confirm_delivery()

    # Four exchange types, one queue each, bindings, persistent confirmed publishes.
    ch.exchange_declare("ix.direct", "direct", durable=True)
    ch.exchange_declare("ix.fanout", "fanout")
    ch.exchange_declare("ix.topic", "topic")
    ch.exchange_declare("ix.headers", "headers")
    for q in ("q.direct", "q.fanout1", "q.fanout2", "q.topic", "q.headers"):
        ch.queue_declare(q, durable=True)
        ch.queue_purge(q)
    ch.queue_bind("q.direct", "ix.direct", "red")
    ch.queue_bind("q.fanout1", "ix.fanout")
    ch.queue_bind("q.fanout2", "ix.fanout")
    ch.queue_bind("q.topic", "ix.topic", "*.orange.#")
    ch.queue_bind("q.headers", "ix.headers", arguments={"x-match": "all", "kind": "a", "n": 7})
    persistent = pika.BasicProperties(delivery_mode=2, content_type="text/plain",
                                      message_id="m-1", headers={"kind": "a", "n": 7})
    ch.basic_publish("ix.direct", "red", b"direct", persistent)
    ch.basic_publish("ix.direct", "blue", b"nowhere", persistent)
    ch.basic_publish("ix.fanout", "", b"fan", persistent)
    ch.basic_publish("ix.topic", "quick.orange.rabbit", b"topic", persistent)
    ch.basic_publish("ix.topic", "lazy.brown", b"no topic", persistent)
    ch.basic_publish("ix.headers", "", b"headers", persistent)
    ch.basic_publish("ix.headers", "", b"no headers",
                     pika.BasicProperties(headers={"kind": "a", "n": 8}))
    counts = {q: ch.queue_declare(q, passive=True).method.message_count
              for q in ("q.direct", "q.fanout1", "q.fanout2", "q.topic", "q.headers")}
    check(counts == {"q.direct": 1, "q.fanout1": 1, "q.fanout2": 1, "q.topic": 1,
                     "q.headers": 1}, f"routing on four exchange types: {counts}")

    method, props, body = ch.basic_get("q.headers", auto_ack=True)
    check(body == b"headers" and props.delivery_mode == 2 and props.message_id == "m-1"
          and props.content_type == "text/plain" and props.headers == {"kind": "a", "n": 7},
          f"basic.get with properties: {body!r} {props}")
    check(method.message_count == 0, "get-ok message_count")
    check(ch.basic_get("q.headers")[0] is None, "basic.get-empty")

    # Mandatory and unroutable: with confirms pika raises UnroutableError.
    try:
        ch.basic_publish("ix.direct", "green", b"back", mandatory=True)
        check(False, "mandatory unroutable publish returned")
    except pika.exceptions.UnroutableError as e:
        check(len(e.messages) == 1 and e.messages[0].body == b"back",
              "mandatory unroutable publish returned")

    ch.queue_unbind("q.direct", "ix.direct", "red")
    ch.basic_publish("ix.direct", "red", b"after unbind")
    check(ch.queue_declare("q.direct", passive=True).method.message_count == 1, "unbind")
    check(ch.queue_purge("q.direct").method.message_count == 1, "purge-ok count")
    ch.basic_publish("", "q.fanout1", b"second")
    check(ch.queue_delete("q.fanout1").method.message_count == 2, "delete-ok count")
    ch.exchange_delete("ix.fanout")

    # Consume with prefetch; ack, nack (requeue and not), reject.
    ch.queue_declare("q.work")
    ch.queue_purge("q.work")
    for i in range(10):
        ch.basic_publish("", "q.work", str(i).encode())
    ch.basic_qos(prefetch_count=3)
    seen = []
    for method, props, body in ch.consume("q.work", inactivity_timeout=2):
        if method is None:
            break
        seen.append((body, method.redelivered))
        n = int(body)
        if n == 0 and not method.redelivered:
            ch.basic_nack(method.delivery_tag, requeue=True)
        elif n == 1:
            ch.basic_reject(method.delivery_tag, requeue=False)
        elif n == 2:
            ch.basic_nack(method.delivery_tag, requeue=False)
        else:
            ch.basic_ack(method.delivery_tag)
        if len(seen) == 11:
            break
    ch.cancel()
    bodies = sorted(int(b) for b, _ in seen)
    check(bodies == [0, 0] + list(range(1, 10)), f"consume: {bodies}")
    check((b"0", True) in seen, "nack with requeue redelivers")
    check(ch.queue_declare("q.work", passive=True).method.message_count == 0, "all settled")

    # Errors: 404 closes the channel, 406 too; the connection stays.
    try:
        ch.queue_declare("q.missing", passive=True)
        check(False, "404 on a passive declare")
    except pika.exceptions.ChannelClosedByBroker as e:
        check(e.reply_code == 404 and "q.missing" in e.reply_text, f"404: {e}")
    ch = conn.channel()
    try:
        ch.exchange_declare("ix.direct", "topic")
        check(False, "406 on a redeclare")
    except pika.exceptions.ChannelClosedByBroker as e:
        check(e.reply_code == 406, f"406: {e}")
    ch = conn.channel()

    # 1 MiB over 128 KiB frames, both ways.
    big = bytes((i * 7 + 3) % 256 for i in range(1 << 20))
    ch.queue_declare("q.big")
    ch.basic_publish("", "q.big", big)
    _, _, body = ch.basic_get("q.big", auto_ack=True)
    check(body == big, "1 MiB body")

    # Heartbeats: a 1 s heartbeat, 4 s of quiet; the connection lives.
    hb = connect("pika-heartbeat", heartbeat=1)
    hbch = hb.channel()
    hb.sleep(4)
    hbch.queue_declare("q.hb")
    check(hb.is_open, "heartbeats keep a quiet connection open")
    hb.close()

    # tx.select: 540 NOT_IMPLEMENTED closes the connection.
    tx = connect("pika-tx")
    try:
        tx.channel().tx_select()
        check(False, "tx.select refused")
    except (pika.exceptions.ConnectionClosedByBroker,
            pika.exceptions.ChannelClosedByBroker) as e:
        check(getattr(e, "reply_code", 0) == 540, f"tx.select: {e}")

    # A consumer killed while holding unacked deliveries: the next consumer gets them.
    ch.queue_declare("q.kill")
    for i in range(5):
        ch.basic_publish("", "q.kill", str(i).encode())
    victim = subprocess.Popen(["/usr/bin/python3", "-c", f"""
import pika, sys
c = pika.BlockingConnection(pika.URLParameters("{url}"))
ch = c.channel()
ch.basic_qos(prefetch_count=5)
n = 0
for m, p, b in ch.consume("q.kill"):
    n += 1
    if n == 5:
        print("holding", flush=True)
        sys.stdin.read()
"""], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    check(victim.stdout.readline().strip() == "holding", "victim holds 5 deliveries")
    victim.kill()
    victim.wait()
    time.sleep(0.5)
    got = []
    for _ in range(5):
        m, p, b = ch.basic_get("q.kill", auto_ack=True)
        if m:
            got.append((b, m.redelivered))
    check(sorted(got) == [(str(i).encode(), True) for i in range(5)],
          f"redelivered after the consumer was killed: {got}")
    conn.close()

    # amqp-tools (rabbitmq-c's command-line clients).
    tools = all(os.path.exists(f"/usr/bin/{t}") for t in ("amqp-publish", "amqp-get",
                                                          "amqp-consume"))
    if tools:
        # rabbitmq-c reads "amqp://host:port/" as the vhost "" (the URI spec): no slash.
        url = url.rstrip("/")
        c = connect("pika-for-tools")
        c.channel().queue_declare("q.tools")
        for i in range(3):
            subprocess.run(["amqp-publish", "--url", url, "-r", "q.tools", "-b", f"tool-{i}",
                            "-p"], check=True)
        out = subprocess.run(["amqp-get", "--url", url, "-q", "q.tools"], capture_output=True,
                             text=True)
        check(out.returncode == 0 and out.stdout == "tool-0", f"amqp-get: {out.stdout!r}")
        out = subprocess.run(["amqp-consume", "--url", url, "-q", "q.tools", "-c", "2", "cat"],
                             capture_output=True, text=True, timeout=20)
        check(out.returncode == 0 and out.stdout == "tool-1tool-2",
              f"amqp-consume: {out.stdout!r}")
        c.close()
    else:
        print("amqp-tools not installed: their part skipped")

    # A second server on the same port: exit 2 with a message.
    busy = subprocess.run([CLI, "messaging", "serve", "--listen", f"127.0.0.1:{port}"],
                          capture_output=True, text=True, timeout=20)
    check(busy.returncode == 2 and "in use" in busy.stderr, f"busy port: {busy.stderr!r}")
finally:
    server.send_signal(signal.SIGTERM)
    try:
        out, err = server.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        out, err = server.communicate()
        failures.append("serve did not stop on SIGTERM")

check(server.returncode == 0, f"serve exits 0 on SIGTERM (got {server.returncode})")
check("stopped by SIGTERM" in out, "serve says it stopped")
check(re.search(r"connection pika-session \(127\.0\.0\.1:\d+\) opened", out) is not None,
      "the log names the client's connection_name and address")
check("540 NOT_IMPLEMENTED" in out, "the log shows the 540")
if failures:
    print(f"{len(failures)} failed:", *failures, sep="\n  ")
    print("--- serve output ---\n" + out + err)
    sys.exit(1)
print("all passed")
