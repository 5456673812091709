#!/usr/bin/env bash
# Throwaway redis-server for tests on loopback: `start` prints a REDIS_URL, `stop` shuts it down.
set -euo pipefail

PORT="${REDIS_TEST_PORT:-63790}"
PIDFILE="/tmp/caja-test-redis-$PORT.pid"

start() {
    command -v redis-server >/dev/null 2>&1 || { echo "scripts/redis.sh: redis-server not installed" >&2; exit 1; }
    stop >/dev/null 2>&1 || true
    redis-server --bind 127.0.0.1 --port "$PORT" --save '' --appendonly no --daemonize yes \
        --pidfile "$PIDFILE" --logfile "/tmp/caja-test-redis-$PORT.log" >&2
    local i
    for i in $(seq 1 50); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
            echo "redis://127.0.0.1:$PORT/0"
            return 0
        fi
        sleep 0.1
    done
    echo "scripts/redis.sh: redis-server did not come up on port $PORT" >&2
    exit 1
}

stop() {
    if [ -f "$PIDFILE" ]; then
        local pid
        pid="$(cat "$PIDFILE")"
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid"
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        fi
        rm -f "$PIDFILE" "/tmp/caja-test-redis-$PORT.log"
        echo "scripts/redis.sh: stopped redis on port $PORT" >&2
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
