#!/usr/bin/env bash
# A private RabbitMQ node on loopback for the integration tests, started and stopped by CTest
# fixtures. Everything it writes stays under DIR; it never touches the system's broker.
#   rabbitmq-node.sh start DIR PORT     (returns when the node answers, at most 90 s)
#   rabbitmq-node.sh stop DIR           (stops only the node started in DIR)
set -euo pipefail
cmd=$1 dir=$2
bin=/usr/lib/rabbitmq/bin
export HOME=$dir/home
export RABBITMQ_NODENAME=wbtest@localhost
export RABBITMQ_MNESIA_BASE=$dir/mnesia RABBITMQ_LOG_BASE=$dir/log
export RABBITMQ_PID_FILE=$dir/rabbit.pid RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins
export RABBITMQ_CONFIG_FILE=$dir/rabbitmq RABBITMQ_CONF_ENV_FILE=$dir/rabbitmq-env.conf
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_ADVANCED_CONFIG_FILE=$dir/advanced.config

case $cmd in
start)
  port=$3
  export RABBITMQ_NODE_PORT=$port
  export RABBITMQ_DIST_PORT=$((port + 20000))
  if [[ ! -x $bin/rabbitmq-server ]]; then
    echo "rabbitmq-node: $bin/rabbitmq-server is missing; install the rabbitmq-server package" >&2
    exit 1
  fi
  rm -rf "$dir" && mkdir -p "$HOME" "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
  chmod 700 "$HOME"
  echo '[].' >"$RABBITMQ_ENABLED_PLUGINS_FILE"
  : >"$RABBITMQ_CONF_ENV_FILE"
  printf 'listeners.tcp.default = %s\nloopback_users = none\n' "$port" >"$RABBITMQ_CONFIG_FILE.conf"
  echo '[].' >"$RABBITMQ_ADVANCED_CONFIG_FILE"
  setsid "$bin/rabbitmq-server" >"$dir/server.out" 2>&1 </dev/null &
  echo $! >"$dir/launcher.pid"
  for _ in $(seq 1 90); do
    if "$bin/rabbitmq-diagnostics" -q check_port_connectivity >/dev/null 2>&1; then
      echo "rabbitmq-node: ready on 127.0.0.1:$port"
      exit 0
    fi
    sleep 1
  done
  echo "rabbitmq-node: the node did not start within 90 s; log follows" >&2
  tail -n 40 "$dir/server.out" >&2 || true
  exit 1
  ;;
stop)
  [[ -d $dir ]] || exit 0
  "$bin/rabbitmqctl" -q stop >/dev/null 2>&1 || true
  if [[ -f $dir/launcher.pid ]]; then
    pid=$(cat "$dir/launcher.pid")
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -- -"$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
  fi
  # epmd outlives the broker; stop it only if no other node is registered.
  if command -v epmd >/dev/null && ! epmd -names 2>/dev/null | grep -q '^name '; then
    epmd -kill >/dev/null 2>&1 || true
  fi
  echo "rabbitmq-node: stopped"
  ;;
*)
  echo "usage: rabbitmq-node.sh start DIR PORT | stop DIR" >&2
  exit 2
  ;;
esac
