#!/usr/bin/python3
"""The odd/even scenario with python3-pika, shaped like `workbench-cli messaging produce` and
`consume` so that the two can be timed side by side (bench/compare_pika.py):

  pika_oddeven.py produce URL EXCHANGE COUNT SEED
      declares the durable direct exchange, turns on publisher confirms and publishes COUNT
      integers 1..100 (key odd/even, text/plain, delivery_mode 2, message_id int-K),
      printing `integer: K` for each; it waits for the confirms a window of 4096 at a time,
      as `messaging produce` does. Exit 3 unless every message was confirmed.
  pika_oddeven.py consume URL EXCHANGE QUEUE KEY PREFETCH COUNT
      declares the exchange and the durable queue, binds it with KEY, sets the prefetch and
      consumes with manual acks: prints `<KEY> integer: <body>` (flushed) and then acks,
      one message at a time, until COUNT messages; as `messaging consume --count`.

The producer uses pika's asynchronous SelectConnection: its BlockingConnection waits for
each confirm before the next publish, which would make the comparison unfair to pika. The
consumers use BlockingConnection, the shape of the tutorial's amqplib consumer.
"""
import random
import sys

import pika

WINDOW = 4096


def produce(url, exchange, count, seed):
    rng = random.Random(seed)
    values = [rng.randint(1, 100) for _ in range(count)]
    props = [pika.BasicProperties(content_type="text/plain", delivery_mode=2,
                                  message_id="int-%d" % (i + 1)) for i in range(count)]
    # unconfirmed: delivery tags (1, 2, ...) not yet confirmed; low: all below it confirmed.
    state = {"next": 0, "unconfirmed": set(), "low": 1, "nacked": False, "channel": None}
    out = []

    def publish_window():
        ch = state["channel"]
        end = min(count, state["next"] + WINDOW)
        for i in range(state["next"], end):
            v = values[i]
            ch.basic_publish(exchange, "odd" if v % 2 else "even", str(v), props[i])
            out.append("integer: %d\n" % v)
        state["unconfirmed"].update(range(state["next"] + 1, end + 1))
        state["next"] = end
        sys.stdout.write("".join(out))
        out.clear()

    def on_confirm(frame):
        m = frame.method
        if isinstance(m, pika.spec.Basic.Nack):
            state["nacked"] = True
        if m.multiple:
            for tag in range(state["low"], m.delivery_tag + 1):
                state["unconfirmed"].discard(tag)
            state["low"] = max(state["low"], m.delivery_tag + 1)
        else:
            state["unconfirmed"].discard(m.delivery_tag)
        if state["unconfirmed"]:
            return
        if state["next"] == count or state["nacked"]:
            state["channel"].close()
            return
        publish_window()

    def on_declared(_frame):
        state["channel"].confirm_delivery(on_confirm, callback=lambda _f: start())

    def start():
        if count == 0:
            state["channel"].close()
        else:
            publish_window()

    def on_channel(ch):
        state["channel"] = ch
        ch.add_on_close_callback(lambda _ch, _reason: conn.close())
        ch.exchange_declare(exchange, "direct", durable=True, callback=on_declared)

    def on_failed(_conn, err):
        sys.stderr.write("pika produce: cannot connect: %s\n" % err)
        conn.ioloop.stop()

    conn = pika.SelectConnection(pika.URLParameters(url),
                                 on_open_callback=lambda c: c.channel(on_open_callback=on_channel),
                                 on_open_error_callback=on_failed,
                                 on_close_callback=lambda _c, _r: conn.ioloop.stop())
    conn.ioloop.start()
    sys.stdout.flush()
    confirmed = state["next"] - len(state["unconfirmed"])
    if state["nacked"] or confirmed < count:
        sys.stderr.write("pika produce: %d of %d confirmed\n" % (confirmed, count))
        return 3
    return 0


def consume(url, exchange, queue, key, prefetch, count):
    conn = pika.BlockingConnection(pika.URLParameters(url))
    ch = conn.channel()
    ch.exchange_declare(exchange, "direct", durable=True)
    ch.queue_declare(queue, durable=True)
    ch.queue_bind(queue, exchange, key)
    ch.basic_qos(prefetch_count=prefetch)
    prefix = key + " integer: "
    handled = [0]

    def on_message(channel, method, _props, body):
        sys.stdout.write(prefix + body.decode() + "\n")
        sys.stdout.flush()
        channel.basic_ack(method.delivery_tag)
        handled[0] += 1
        if handled[0] >= count:
            channel.stop_consuming()

    if count > 0:
        ch.basic_consume(queue, on_message, auto_ack=False, consumer_tag="consumer")
        ch.start_consuming()
    ch.close()
    conn.close()
    return 0


def main(argv):
    if len(argv) == 6 and argv[1] == "produce":
        return produce(argv[2], argv[3], int(argv[4]), int(argv[5]))
    if len(argv) == 8 and argv[1] == "consume":
        return consume(argv[2], argv[3], argv[4], argv[5], int(argv[6]), int(argv[7]))
    sys.stderr.write("usage: pika_oddeven.py produce URL EXCHANGE COUNT SEED\n"
                     "       pika_oddeven.py consume URL EXCHANGE QUEUE KEY PREFETCH COUNT\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
