#!/usr/bin/python3
"""What the rates lesson says about `rabbitmqctl list_queues`, checked on CTest's private node
(WB_RABBITMQ_URL; rabbitmqctl reaches it through NODE_DIR, the fixture node's folder):

- plain `rabbitmqctl list_queues` prints the two columns `name messages`;
- `messages` is ready plus unacknowledged: a consumer holding one unacked message leaves
  messages_ready 0, messages_unacknowledged 1, and plain list_queues still shows 1;
- once it acks, every count is 0.

Usage: rabbitmq_list_queues_test.py NODE_DIR, run by /usr/bin/python3 (it needs python3-pika).
Exit 77 (skipped) without WB_RABBITMQ_URL, the node's folder or pika. The queue is named after
this run and deleted at the end.
"""
import os
import subprocess
import sys
import urllib.parse

from rabbitmq_support import check, finish

try:
    import pika
except ImportError:
    pika = None

NODE_DIR = sys.argv[1] if len(sys.argv) > 1 else ""
URL = os.environ.get("WB_RABBITMQ_URL", "")
QUEUE = "wb-lq-%d" % os.getpid()
CTL = "/usr/lib/rabbitmq/bin/rabbitmqctl"


def node_name():
    """The fixture node's Erlang name, as tests/broker/rabbitmq-node.sh recorded it."""
    with open(os.path.join(NODE_DIR, "nodename")) as f:
        return f.read().strip()


def list_queues(*columns):
    """rabbitmqctl list_queues [COLUMNS...] as (header, {queue name: [values...]})."""
    env = dict(os.environ, HOME=os.path.join(NODE_DIR, "home"), RABBITMQ_USE_LONGNAME="true")
    r = subprocess.run([CTL, "-n", node_name(), "list_queues", *columns], env=env,
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError("rabbitmqctl list_queues: " + r.stderr.strip())
    lines = [l.split("\t") for l in r.stdout.splitlines()]
    # Informational lines ("Timeout: ...", "Listing queues ...") come before the header.
    header = next((l for l in lines if l and l[0] == "name"), None)
    rows = {l[0]: l[1:] for l in lines if len(l) > 1 and l is not header}
    return header, rows


def counts(channel_note):
    header, rows = list_queues("name", "messages_ready", "messages_unacknowledged", "messages")
    check(header == ["name", "messages_ready", "messages_unacknowledged", "messages"],
          "the chosen columns come back in order (%s)" % header)
    values = [int(v) for v in rows.get(QUEUE, [])]
    print("     %s: ready, unacked, messages = %s" % (channel_note, values), flush=True)
    return values


def main():
    if not URL or not NODE_DIR or not os.path.isfile(os.path.join(NODE_DIR, "nodename")):
        print("skip: no WB_RABBITMQ_URL or no fixture node folder")
        return 77
    if pika is None:
        print("skip: python3-pika is not installed for " + sys.executable)
        return 77
    u = urllib.parse.urlparse(URL)
    params = pika.ConnectionParameters(
        host=u.hostname, port=u.port or 5672,
        credentials=pika.PlainCredentials(u.username or "guest", u.password or "guest"))
    conn = pika.BlockingConnection(params)
    try:
        ch = conn.channel()
        ch.queue_declare(QUEUE, durable=False, auto_delete=False)
        ch.basic_publish("", QUEUE, b"work")

        check(counts("published") == [1, 0, 1], "published, not delivered: ready 1, unacked 0")

        held = []
        ch.basic_qos(prefetch_count=1)
        ch.basic_consume(QUEUE, lambda c, m, p, b: held.append(m.delivery_tag), auto_ack=False)
        for _ in range(50):
            if held:
                break
            conn.process_data_events(time_limit=0.1)
        check(len(held) == 1, "the consumer received the message and holds it unacked")

        check(counts("held by the consumer") == [0, 1, 1],
              "a consumer holding it: ready 0, unacked 1, messages 1")
        header, rows = list_queues()
        check(header == ["name", "messages"],
              "plain list_queues prints the columns name, messages (%s)" % header)
        check(rows.get(QUEUE) == ["1"],
              "plain list_queues counts the unacked message (%s)" % rows.get(QUEUE))

        if held:
            ch.basic_ack(held[0])
        conn.process_data_events(time_limit=0.2)
        check(counts("acked") == [0, 0, 0], "after the ack: every count is 0")
        ch.queue_delete(QUEUE)
    finally:
        conn.close()
    return finish()


if __name__ == "__main__":
    sys.exit(main())
