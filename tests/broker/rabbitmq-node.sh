#!/usr/bin/env bash
# A private RabbitMQ node on loopback for the integration tests, started and stopped by CTest
# fixtures. Everything it writes stays under DIR; it never touches the system's broker.
#   rabbitmq-node.sh start DIR PORT     (wipes DIR; returns when the node answers, at most 90 s)
#   rabbitmq-node.sh restart DIR PORT   (stops the node and starts it again on the data it
#                                        keeps in DIR: durable queues and persistent messages
#                                        survive; returns when it answers)
#   rabbitmq-node.sh stop DIR           (stops only the node started in DIR)
# The node is named wbtest@127.0.0.1 on port 12672 (the test suite's), wbtest-PORT@127.0.0.1
# on any other port, so two private nodes can run side by side; DIR/nodename holds the name.
# Long names on the loopback address: nothing depends on "localhost" resolving (a minimal
# root may have no /etc/hosts).
set -euo pipefail
cmd=${1:-} dir=${2:-}
if [[ -z $cmd || -z $dir ]]; then
  echo "usage: rabbitmq-node.sh start DIR PORT | restart DIR PORT | stop DIR" >&2
  exit 2
fi
bin=/usr/lib/rabbitmq/bin
export HOME=$dir/home
export RABBITMQ_MNESIA_BASE=$dir/mnesia RABBITMQ_LOG_BASE=$dir/log
export RABBITMQ_PID_FILE=$dir/rabbit.pid RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins
export RABBITMQ_CONFIG_FILE=$dir/rabbitmq RABBITMQ_CONF_ENV_FILE=$dir/rabbitmq-env.conf
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_ADVANCED_CONFIG_FILE=$dir/advanced.config
export RABBITMQ_USE_LONGNAME=true

node_name() {
  if [[ $1 == 12672 ]]; then echo wbtest@127.0.0.1; else echo "wbtest-$1@127.0.0.1"; fi
}
if [[ -f $dir/nodename ]]; then
  RABBITMQ_NODENAME=$(cat "$dir/nodename")
else
  RABBITMQ_NODENAME=$(node_name "${3:-12672}")
fi
export RABBITMQ_NODENAME

need_port() {
  if [[ ! ${1:-} =~ ^[0-9]+$ ]]; then
    echo "rabbitmq-node: $cmd needs a port: rabbitmq-node.sh $cmd DIR PORT" >&2
    exit 2
  fi
}

# Launches the server on what DIR holds and waits until it accepts connections.
launch() {
  local port=$1
  export RABBITMQ_NODE_PORT=$port
  export RABBITMQ_DIST_PORT=$((port + 20000))
  setsid "$bin/rabbitmq-server" >>"$dir/server.out" 2>&1 </dev/null &
  echo $! >"$dir/launcher.pid"
  for _ in $(seq 1 90); do
    if "$bin/rabbitmq-diagnostics" -q check_port_connectivity >/dev/null 2>&1; then
      echo "rabbitmq-node: $RABBITMQ_NODENAME ready on 127.0.0.1:$port"
      return 0
    fi
    if ! kill -0 "$(cat "$dir/launcher.pid")" 2>/dev/null; then
      break # the server gave up (port taken, ...)
    fi
    sleep 1
  done
  echo "rabbitmq-node: the node did not start within 90 s; log follows" >&2
  tail -n 40 "$dir/server.out" >&2 || true
  return 1
}

# Stops the node gracefully (it writes its queues' state) and waits until its process is gone.
halt() {
  "$bin/rabbitmqctl" -q stop >/dev/null 2>&1 || true
  if [[ -f $dir/launcher.pid ]]; then
    local pid
    pid=$(cat "$dir/launcher.pid")
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -- -"$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
    rm -f "$dir/launcher.pid"
  fi
}

case $cmd in
start)
  port=${3:-}
  need_port "$port"
  if [[ ! -x $bin/rabbitmq-server ]]; then
    echo "rabbitmq-node: $bin/rabbitmq-server is missing; install the rabbitmq-server package" >&2
    exit 1
  fi
  RABBITMQ_NODENAME=$(node_name "$port")
  rm -rf "$dir" && mkdir -p "$HOME" "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
  chmod 700 "$HOME"
  echo "$RABBITMQ_NODENAME" >"$dir/nodename"
  echo '[].' >"$RABBITMQ_ENABLED_PLUGINS_FILE"
  : >"$RABBITMQ_CONF_ENV_FILE"
  # Loopback only: the AMQP listener and the Erlang distribution port.
  printf 'listeners.tcp.default = 127.0.0.1:%s\nloopback_users = none\n' "$port" \
    >"$RABBITMQ_CONFIG_FILE.conf"
  echo '[{kernel, [{inet_dist_use_interface, {127,0,0,1}}]}].' >"$RABBITMQ_ADVANCED_CONFIG_FILE"
  launch "$port"
  ;;
restart)
  port=${3:-}
  need_port "$port"
  if [[ ! -d $RABBITMQ_MNESIA_BASE ]]; then
    echo "rabbitmq-node: no node in $dir to restart (run start first)" >&2
    exit 1
  fi
  halt
  echo "rabbitmq-node: $RABBITMQ_NODENAME stopped, starting it again on its data"
  launch "$port"
  ;;
stop)
  [[ -d $dir ]] || exit 0
  halt
  # epmd outlives the broker; stop it only if no other node is registered.
  if command -v epmd >/dev/null && ! epmd -names 2>/dev/null | grep -q '^name '; then
    epmd -kill >/dev/null 2>&1 || true
  fi
  echo "rabbitmq-node: stopped"
  ;;
*)
  echo "usage: rabbitmq-node.sh start DIR PORT | restart DIR PORT | stop DIR" >&2
  exit 2
  ;;
esac
