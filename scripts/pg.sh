#!/usr/bin/env bash
# Throwaway PostgreSQL for tests: `scripts/pg.sh start` prints a DATABASE_URL, `stop` removes it all.
# Runs initdb in a temporary directory, listens only on 127.0.0.1, runs as `postgres` when we are root.
# fsync is off (a test database need not survive a power cut); PG_FSYNC=on keeps PostgreSQL's
# durable default, which is what benchmark figures about acknowledged votes must use.
set -euo pipefail

STATE_FILE="${PG_STATE_FILE:-/tmp/caja-test-pg.state}"
DB_NAME="${PG_DB_NAME:-caja}"
FSYNC="${PG_FSYNC:-off}"

find_bindir() {
    if [ -n "${PG_BINDIR:-}" ]; then echo "$PG_BINDIR"; return; fi
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$d/initdb" ] && { echo "$d"; return; }
    done
    if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
    echo "scripts/pg.sh: PostgreSQL binaries not found (install postgresql)" >&2
    exit 1
}

free_port() {
    local port
    for port in 54329 54330 54331 54332 54333 54334 54335 54336 54337 54338; do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
    done
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

as_pg() {
    if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
    if [ -f "$STATE_FILE" ]; then stop >&2 || true; fi
    local bindir dir port
    bindir="$(find_bindir)"
    dir="$(mktemp -d /tmp/caja-pg.XXXXXX)"
    port="$(free_port)"
    if [ "$(id -u)" = "0" ]; then chown postgres: "$dir"; fi
    chmod 700 "$dir"
    printf 'DIR=%q\nBINDIR=%q\nPORT=%q\n' "$dir" "$bindir" "$port" >"$STATE_FILE"
    as_pg "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || as_pg "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=$FSYNC -c full_page_writes=$FSYNC -c max_connections=300" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    as_pg "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres "$DB_NAME"
    echo "postgres://postgres@127.0.0.1:$port/$DB_NAME"
}

stop() {
    [ -f "$STATE_FILE" ] || return 0
    # shellcheck disable=SC1090
    source "$STATE_FILE"
    if [ -d "$DIR/data" ]; then
        as_pg "$BINDIR/pg_ctl" -D "$DIR/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
    rm -rf -- "$DIR"
    rm -f -- "$STATE_FILE"
    echo "scripts/pg.sh: stopped PostgreSQL on port $PORT" >&2
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
